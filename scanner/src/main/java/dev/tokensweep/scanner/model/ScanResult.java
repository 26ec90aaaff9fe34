package dev.tokensweep.scanner.model;

import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a scan found, what it could not scan, and its counters. Findings are sorted by location.
 *
 * @param suppressed what was deliberately not reported, by reason ({@code inline-allow},
 *     {@code ignore-file}, {@code baseline}, {@code new-since}): findings, or files for {@code ignore-file}
 */
public record ScanResult(List<Finding> findings, List<Problem> problems, long files, long leaves, long bytes,
    double seconds, Map<String, Long> suppressed) {

  public ScanResult {
    findings = List.copyOf(findings);
    problems = List.copyOf(problems);
    suppressed = suppressed == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(suppressed));
  }

  public ScanResult(List<Finding> findings, List<Problem> problems, long files, long leaves, long bytes,
      double seconds) {
    this(findings, problems, files, leaves, bytes, seconds, Map.of());
  }

  /** This result with only {@code kept} as findings and {@code dropped} more suppressions for {@code reason}. */
  public ScanResult filtered(List<Finding> kept, String reason, long dropped) {
    Map<String, Long> s = new LinkedHashMap<>(suppressed);
    if (dropped > 0) {
      s.merge(reason, dropped, Long::sum);
    }
    return new ScanResult(kept, problems, files, leaves, bytes, seconds, s);
  }

  /** This result with {@code seconds} replaced (tests fix it for stable output). */
  public ScanResult withSeconds(double s) {
    return new ScanResult(findings, problems, files, leaves, bytes, s, suppressed);
  }

  public boolean complete() {
    return problems.isEmpty();
  }

  public Map<Kind, Long> findingsByKind() {
    Map<Kind, Long> m = new EnumMap<>(Kind.class);
    for (Finding f : findings) {
      m.merge(f.evidence().kind(), 1L, Long::sum);
    }
    return m;
  }

  public Map<Severity, Long> findingsBySeverity() {
    Map<Severity, Long> m = new EnumMap<>(Severity.class);
    for (Finding f : findings) {
      m.merge(f.evidence().severity(), 1L, Long::sum);
    }
    return m;
  }

  /**
   * Exit code per the documented contract: 4 an internal error, 1 findings at or above
   * {@code failOn}, 3 incomplete, else 0.
   */
  public int exitCode(Severity failOn) {
    if (internalError()) {
      return 4;
    }
    for (Finding f : findings) {
      if (f.evidence().severity().atLeast(failOn)) {
        return 1;
      }
    }
    return problems.isEmpty() ? 0 : 3;
  }

  /** Whether a problem is an internal error ({@link Problem.Type#INTERNAL}): the exit code is then 4. */
  public boolean internalError() {
    return problems.stream().anyMatch(p -> p.type() == Problem.Type.INTERNAL);
  }
}

package dev.tokensweep.scanner.model;

import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of findings by kind and severity, for a report whose findings are written as the scan
 * goes (or are more than it holds) and so are not all in a {@link ScanResult}: its summary and the
 * exit code come from here. Not thread-safe; the scan hands findings over one at a time.
 */
public final class FindingTally {
  private long total;
  private final EnumMap<Kind, Long> byKind = new EnumMap<>(Kind.class);
  private final EnumMap<Severity, Long> bySeverity = new EnumMap<>(Severity.class);

  /** A tally of {@code findings}. */
  public static FindingTally of(List<Finding> findings) {
    FindingTally t = new FindingTally();
    findings.forEach(t::add);
    return t;
  }

  public void add(Finding f) {
    total++;
    byKind.merge(f.evidence().kind(), 1L, Long::sum);
    bySeverity.merge(f.evidence().severity(), 1L, Long::sum);
  }

  /** This tally plus {@code other}'s counts. */
  public FindingTally plus(FindingTally other) {
    FindingTally t = new FindingTally();
    for (FindingTally s : List.of(this, other)) {
      t.total += s.total;
      s.byKind.forEach((k, v) -> t.byKind.merge(k, v, Long::sum));
      s.bySeverity.forEach((k, v) -> t.bySeverity.merge(k, v, Long::sum));
    }
    return t;
  }

  public long total() {
    return total;
  }

  /** By kind, in {@link Kind} order. */
  public Map<Kind, Long> byKind() {
    return java.util.Collections.unmodifiableMap(new EnumMap<>(byKind));
  }

  /** By severity, in {@link Severity} order. */
  public Map<Severity, Long> bySeverity() {
    return java.util.Collections.unmodifiableMap(new EnumMap<>(bySeverity));
  }

  /**
   * The exit code per the documented contract for these findings and {@code result}'s problems:
   * 4 an internal error, 1 a finding at or above {@code failOn}, 3 incomplete, else 0.
   */
  public int exitCode(Severity failOn, ScanResult result) {
    if (result.internalError()) {
      return 4;
    }
    for (Severity s : bySeverity.keySet()) {
      if (s.atLeast(failOn)) {
        return 1;
      }
    }
    return result.problems().isEmpty() ? 0 : 3;
  }
}

package dev.tokensweep.scanner;

import dev.tokensweep.detectors.Kind;
import dev.tokensweep.detectors.Severity;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a scan found, what it could not scan, and its counters. Findings are sorted by location. */
public record ScanResult(List<Finding> findings, List<Problem> problems, long files, long leaves, long bytes,
    double seconds) {

  public ScanResult {
    findings = List.copyOf(findings);
    problems = List.copyOf(problems);
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

  /** Exit code per the documented contract: 1 findings at or above {@code failOn}, 3 incomplete, else 0. */
  public int exitCode(Severity failOn) {
    for (Finding f : findings) {
      if (f.evidence().severity().atLeast(failOn)) {
        return 1;
      }
    }
    return problems.isEmpty() ? 0 : 3;
  }
}

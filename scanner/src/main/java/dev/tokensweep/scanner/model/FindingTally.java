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
  private static final Kind[] KINDS = Kind.values();
  private static final Severity[] SEVERITIES = Severity.values();

  private long total;
  // counts by ordinal: one increment a finding, no boxing (a dense log has a finding every few KB)
  private final long[] byKind = new long[KINDS.length];
  private final long[] bySeverity = new long[SEVERITIES.length];

  /** A tally of {@code findings}. */
  public static FindingTally of(List<Finding> findings) {
    FindingTally t = new FindingTally();
    findings.forEach(t::add);
    return t;
  }

  public void add(Finding f) {
    total++;
    byKind[f.evidence().kind().ordinal()]++;
    bySeverity[f.evidence().severity().ordinal()]++;
  }

  /** This tally plus {@code other}'s counts. */
  public FindingTally plus(FindingTally other) {
    FindingTally t = new FindingTally();
    for (FindingTally s : List.of(this, other)) {
      t.total += s.total;
      for (int i = 0; i < byKind.length; i++) {
        t.byKind[i] += s.byKind[i];
      }
      for (int i = 0; i < bySeverity.length; i++) {
        t.bySeverity[i] += s.bySeverity[i];
      }
    }
    return t;
  }

  public long total() {
    return total;
  }

  /** By kind, in {@link Kind} order; only the kinds found. */
  public Map<Kind, Long> byKind() {
    return counted(KINDS, byKind, Kind.class);
  }

  /** By severity, in {@link Severity} order; only the severities found. */
  public Map<Severity, Long> bySeverity() {
    return counted(SEVERITIES, bySeverity, Severity.class);
  }

  private static <E extends Enum<E>> Map<E, Long> counted(E[] values, long[] counts, Class<E> type) {
    EnumMap<E, Long> m = new EnumMap<>(type);
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        m.put(values[i], counts[i]);
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The exit code per the documented contract for these findings and {@code result}'s problems:
   * 4 an internal error, 1 a finding at or above {@code failOn}, 3 incomplete, else 0.
   */
  public int exitCode(Severity failOn, ScanResult result) {
    if (result.internalError()) {
      return 4;
    }
    for (int i = 0; i < bySeverity.length; i++) {
      if (bySeverity[i] > 0 && SEVERITIES[i].atLeast(failOn)) {
        return 1;
      }
    }
    return result.problems().isEmpty() ? 0 : 3;
  }
}

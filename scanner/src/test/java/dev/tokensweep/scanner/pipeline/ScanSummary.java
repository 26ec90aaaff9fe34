package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

/** A scan result as lines to compare two ways of scanning the same input: findings where and what, problems, totals. */
final class ScanSummary {
  private ScanSummary() {}

  static List<String> of(ScanResult r) {
    List<String> out = new ArrayList<>();
    for (Finding f : r.findings()) {
      Location l = f.location();
      out.add(f.evidence().ruleId() + "@" + l.path() + "/" + l.offset() + "/" + l.line() + "/" + l.column() + "/"
          + l.jsonPath() + "/" + l.part() + "/" + l.decodings() + "/" + l.format() + "/" + f.evidence().fingerprint());
    }
    for (Problem p : r.problems()) {
      out.add(p.location() + " [" + p.type() + "] " + p.message());
    }
    out.add("leaves " + r.leaves() + ", bytes " + r.bytes());
    return out;
  }

  /** Equal, or a failure that names what is missing and what is extra rather than two long lists alone. */
  static void assertSame(List<String> want, List<String> got, String what) {
    List<String> missing = new ArrayList<>(want);
    missing.removeAll(got);
    List<String> extra = new ArrayList<>(got);
    extra.removeAll(want);
    assertEquals(want, got, what + ": missing " + missing + ", extra " + extra);
  }
}

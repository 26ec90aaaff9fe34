package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Scans files through the whole pipeline with the built-in rules plus a few key-aware test rules. */
final class ReaderFixture {
  private ReaderFixture() {}

  /** Key-aware rules that the catalogue will have; here so reader tests do not depend on it. */
  static final String TEST_RULES = """
      - id: test.bearer.1
        name: bearer header (test)
        kind: access_token
        keywords: [bearer]
        pattern: '(?i)authorization:\\s*bearer\\s+([A-Za-z0-9._~+/-]{24,})'
        severity: high
      - id: test.kv.1
        name: access_token field (test)
        kind: access_token
        keywords: [access_token]
        pattern: '(?i)access_token["'']?\\s*[:=]\\s*["'']?([A-Za-z0-9._~+/-]{24,})'
        severity: high
      - id: test.cookie.1
        name: session cookie (test)
        kind: session
        keywords: [session=]
        pattern: '(?i)\\bsession=([A-Za-z0-9]{24,})'
        severity: medium
      """;

  static final Detector DETECTOR;

  static {
    List<Rule> rules = new ArrayList<>(Rules.builtin());
    rules.addAll(Rules.parse(new ByteArrayInputStream(TEST_RULES.getBytes(StandardCharsets.UTF_8)), "test"));
    DETECTOR = Detector.of(rules);
  }

  static ScanResult scan(Path file) {
    return scan(file, ScanLimits.defaults().maxLineBytes());
  }

  /** Scans with {@code chunk} as the reader chunk size. */
  static ScanResult scan(Path file, int chunk) {
    ScanLimits d = ScanLimits.defaults();
    ScanLimits limits = new ScanLimits(d.maxDepth(), d.maxEntries(), d.maxTotalBytes(), d.maxEntryBytes(), d.maxRatio(),
        d.ratioThreshold(), d.maxSpoolBytes(), chunk);
    Scanner.Options o = Scanner.Options.defaults().withThreads(1).withLimits(limits).withReveal(true)
        .withNow(Instant.parse("2026-01-01T00:00:00Z"));
    // streamed, as jsonl/csv/ecs reports are: each leaf settles spans found again across chunk
    // borders itself, so what it streams must need no further merging
    Scanner scanner = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), o);
    List<Finding> streamed = new java.util.ArrayList<>();
    ScanResult r = scanner.scan(List.of(file.toString()), null, dev.tokensweep.scanner.pipeline.ScanListener.NONE,
        streamed::add);
    List<Finding> settled = scanner.settle(streamed);
    if (settled.size() != streamed.size()) {
      fail((streamed.size() - settled.size()) + " secret span(s) streamed twice with chunk " + chunk);
    }
    return new ScanResult(settled, r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(), r.suppressed());
  }

  /** The one finding of {@code secret}; fails (without printing it) when there are none or several. */
  static Finding one(ScanResult r, String secret, String what) {
    Finding found = null;
    int n = 0;
    for (Finding f : r.findings()) {
      if (secret.equals(f.revealed())) {
        found = f;
        n++;
      }
    }
    if (n != 1) {
      fail(what + ": expected exactly one finding of the planted secret, got " + n + " (all findings: "
          + r.findings().size() + ", problems: " + r.problems() + ")");
    }
    return found;
  }

  static void noProblems(ScanResult r) {
    assertEquals(List.of(), r.problems());
  }
}

package dev.tokensweep.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.corpus.eval.Evaluation;
import dev.tokensweep.corpus.eval.Evaluator;
import dev.tokensweep.corpus.eval.ReportedFinding;
import dev.tokensweep.corpus.gen.Generator;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: generate a small corpus, scan it with the real scanner and built-in rules, and hold
 * every source type the scanner can reach today to recall 1.0 and precision 0.99. Which labels
 * are reachable is decided by probing the scanner ({@link Capabilities#detect}); the test prints
 * which source types (and which of their labels) it skipped and the capability they lack.
 */
class CorpusEvaluationTest {

  @Test
  void scan_ofGeneratedCorpus_findsEveryReachableLabelAndLittleElse(@TempDir Path tmp) throws Exception {
    Path corpus = tmp.resolve("corpus");
    Path labelsFile = tmp.resolve("labels.jsonl");
    new Generator(new Generator.Options(20261102L, 3L << 20, Generator.Profile.FULL, 1, 2, 1L << 20, false))
        .generate(corpus, labelsFile);
    List<Label> labels = Labels.read(labelsFile);

    Scanner scanner = new Scanner(Detector.of(Rules.builtin()), Fingerprinter.withDefaultKey(),
        Scanner.Options.defaults().withThreads(2).withNow(Instant.parse("2026-11-02T12:00:00Z")));
    Set<Capability> have = Capabilities.detect(scanner, Files.createDirectories(tmp.resolve("probes")));
    ScanResult result = scanner.scan(List.of(corpus.toString()), new ByteArrayInputStream(new byte[0]));
    List<ReportedFinding> findings = new ArrayList<>();
    for (Finding f : result.findings()) {
      findings.add(ReportedFinding.of(f));
    }
    Evaluation e = new Evaluator(have, corpus.toString()).evaluate(labels, findings);

    StringWriter report = new StringWriter();
    e.printText(new PrintWriter(report));
    System.out.println("capabilities found by probing the scanner: " + ids(have));
    System.out.println("capabilities missing: " + ids(EnumSet.complementOf(EnumSet.copyOf(have.isEmpty()
        ? EnumSet.noneOf(Capability.class) : have))));
    Map<String, Map<String, Long>> skipped = e.skippedBySource();
    for (SourceType t : SourceType.values()) {
      long inScope = e.bySource().containsKey(t.id()) ? e.bySource().get(t.id()).labels : 0;
      if (inScope == 0) {
        System.out.println("SKIPPED source type " + t.id() + ": every label needs a capability the scanner lacks "
            + skipped.getOrDefault(t.id(), Map.of()));
      } else if (skipped.containsKey(t.id())) {
        System.out.println("PARTLY skipped source type " + t.id() + ": " + inScope + " labels evaluated; skipped for lack of "
            + skipped.get(t.id()));
      }
    }
    System.out.println(report);

    assertTrue(have.contains(Capability.GITHUB), "the GitHub rules are built in; their probe must pass");
    assertTrue(e.bySource().containsKey("log") && e.bySource().get("log").labels > 0,
        "text logs with GitHub tokens must be in scope");
    Map<String, String> failures = new TreeMap<>();
    for (Map.Entry<String, Evaluation.Tally> s : e.bySource().entrySet()) {
      Evaluation.Tally t = s.getValue();
      if (t.labels == 0) {
        continue;
      }
      if (t.recall() < 1.0 || t.precision() < 0.99) {
        failures.put(s.getKey(), String.format("recall %.4f precision %.4f", t.recall(), t.precision()));
      }
    }
    // the report holds locations, rule ids and fingerprint prefixes only: never a secret
    assertEquals(Map.of(), failures, () -> "per source type below target:\n" + report);
    assertFalse(labels.isEmpty());

    Map<String, String> providerFailures = new TreeMap<>();
    for (Map.Entry<String, Evaluation.Tally> p : e.byProvider().entrySet()) {
      Evaluation.Tally t = p.getValue();
      if (t.recall() < 1.0 || t.precision() < 0.99) {
        providerFailures.put(p.getKey(), String.format("recall %.4f precision %.4f", t.recall(), t.precision()));
      }
    }
    assertEquals(Map.of(), providerFailures, () -> "per provider below target:\n" + report);
    // every provider of the catalogue has tokens planted and in scope
    Set<String> missingProviders = new java.util.TreeSet<>();
    for (dev.tokensweep.detectors.rule.Rule r : Rules.builtin()) {
      Evaluation.Tally t = e.byProvider().get(r.provider());
      if (t == null || t.labels == 0) {
        missingProviders.add(r.provider());
      }
    }
    assertEquals(Set.of(), missingProviders, "catalogue providers without a planted token in scope");
  }

  private static List<String> ids(Set<Capability> caps) {
    List<String> out = new ArrayList<>();
    for (Capability c : caps) {
      out.add(c.id());
    }
    return out;
  }
}

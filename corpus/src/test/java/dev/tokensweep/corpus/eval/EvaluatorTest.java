package dev.tokensweep.corpus.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.Label;
import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.rule.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
  private static final String FP_A = "a".repeat(64);
  private static final String FP_B = "b".repeat(64);
  private static final String FP_C = "c".repeat(64);

  private static Label text(String id, String path, long line, long offset, String fp, String... requires) {
    return new Label(id, path, line, 10L, offset, null, null, null, Kind.ACCESS_TOKEN, "github", SourceType.LOG, fp, 40, "unknown",
        List.of(requires.length == 0 ? new String[] {"github"} : requires), "test");
  }

  private static ReportedFinding found(String path, long line, long offset, String fp) {
    return new ReportedFinding("ts.github.2", "access_token", path, line, 10L, offset, null, null, null, fp);
  }

  private static Label provider(String id, String provider, long line, String fp) {
    return new Label(id, "etc/app/settings.conf", line, 10L, line * 100, null, null, null, Kind.API_KEY, provider,
        SourceType.CONFIG, fp, 40, "unknown", List.of(), "test");
  }

  @Test
  void evaluate_pairFinding_findsTheLabelOfWhatItsSecretBelongsTo() {
    // the key id (FP_A) is reported once, as what the secret access key (FP_B) belongs to
    List<Label> labels = List.of(provider("L1", "aws", 2, FP_A), provider("L2", "aws", 3, FP_B));
    ReportedFinding pair = new ReportedFinding("ts.aws.3", "api_key", "x/etc/app/settings.conf", 3L, 25L, 300, null, null,
        null, FP_B, FP_A);
    Evaluation e = new Evaluator(null, null).evaluate(labels, List.of(pair));
    assertEquals(1.0, e.overall().recall());
    assertEquals(1.0, e.overall().precision(), "one finding, one true positive");
    assertEquals(1, e.overall().findings);
    assertEquals(List.of("L1"), e.foundViaPair().stream().map(Label::id).toList());
    ReportedFinding far = new ReportedFinding("ts.aws.3", "api_key", "x/etc/app/settings.conf", 9L, 25L, 900, null, null,
        null, FP_B, FP_A);
    assertEquals(List.of("L1"), new Evaluator(null, null).evaluate(List.of(provider("L1", "aws", 2, FP_A)), List.of(far))
        .missed().stream().map(Label::id).toList(), "too far from the key id's label");
  }

  @Test
  void evaluate_byProvider_countsLabelsByTheirProviderAndStrayFindingsByTheirRule() {
    List<Label> labels = List.of(provider("L1", "stripe", 2, FP_A), provider("L2", "slack", 5, FP_B));
    ReportedFinding stripe = new ReportedFinding("ts.stripe.1", "api_key", "etc/app/settings.conf", 2L, 10L, 200, null,
        null, null, FP_A);
    ReportedFinding stray = new ReportedFinding("ts.generic.1", "api_key", "etc/app/settings.conf", 7L, 10L, 700, null,
        null, null, FP_C);
    Evaluation e = new Evaluator(null, null).evaluate(labels, List.of(stripe, stray));
    assertEquals(1.0, e.byProvider().get("stripe").recall());
    assertEquals(1.0, e.byProvider().get("stripe").precision());
    assertEquals(0.0, e.byProvider().get("slack").recall());
    assertEquals(0.0, e.byProvider().get("generic").precision(), "a spurious finding counts for its rule's provider");
    assertEquals(0, e.byProvider().get("generic").labels);
    StringWriter w = new StringWriter();
    e.printText(new PrintWriter(w));
    assertTrue(w.toString().contains("by provider:"), w.toString());
    assertTrue(e.toJson().containsKey("by_provider"));
  }

  @Test
  void evaluate_missedLabel_lowersRecallAndIsListed() {
    List<Label> labels = List.of(text("L1", "logs/app.log", 3, 100, FP_A), text("L2", "logs/app.log", 9, 400, FP_B));
    Evaluation e = new Evaluator(null, null).evaluate(labels, List.of(found("/scan/logs/app.log", 3, 100, FP_A)));
    assertEquals(0.5, e.overall().recall());
    assertEquals(1.0, e.overall().precision());
    assertEquals(List.of("L2"), e.missed().stream().map(Label::id).toList());
  }

  @Test
  void evaluate_spuriousFinding_lowersPrecisionAndSaysWhy() {
    List<Label> labels = List.of(text("L1", "logs/app.log", 3, 100, FP_A));
    Evaluation e = new Evaluator(null, null).evaluate(labels, List.of(found("logs/app.log", 3, 100, FP_A),
        found("logs/app.log", 7, 300, FP_C), found("logs/app.log", 40, 2000, FP_A), found("logs/other.log", 3, 100, FP_A)));
    assertEquals(1.0, e.overall().recall());
    assertEquals(0.25, e.overall().precision());
    List<String> reasons = e.spurious().stream().map(Evaluation.Outcome::reason).toList();
    assertEquals(List.of("not a planted secret", "planted here, but at another position", "planted secret, but labelled in another file"),
        reasons);
  }

  @Test
  void evaluate_duplicateFinding_countsAgainstPrecisionOnce() {
    List<Label> labels = List.of(text("L1", "logs/app.log", 3, 100, FP_A));
    Evaluation e = new Evaluator(null, null).evaluate(labels, List.of(found("logs/app.log", 3, 100, FP_A),
        found("logs/app.log", 3, 100, FP_A)));
    assertEquals(1.0, e.overall().recall());
    assertEquals(0.5, e.overall().precision());
    assertEquals(1, e.duplicates().size());
    assertEquals(0, e.spurious().size());
  }

  @Test
  void evaluate_sameSecretTwiceInOneFile_eachFindingTakesTheNearestLabel() {
    List<Label> labels = List.of(text("L1", "gh.log", 10, 500, FP_A), text("L2", "gh.log", 20, 900, FP_A));
    Evaluation e = new Evaluator(null, null).evaluate(labels, List.of(found("gh.log", 20, 900, FP_A), found("gh.log", 10, 500, FP_A)));
    assertEquals(1.0, e.overall().recall());
    assertEquals(1.0, e.overall().precision());
  }

  @Test
  void evaluate_archiveChains_matchWithOrWithoutTheEmptyMemberOfAGzipStream() {
    Label l = text("L1", "bundles/b.tar.gz!var/log/app.log.2.gz!", 3, 100, FP_A, "tar.gz", "gzip", "github");
    Evaluation e = new Evaluator(null, "/data/corpus").evaluate(List.of(l),
        List.of(found("/data/corpus/bundles/b.tar.gz!var/log/app.log.2.gz", 3, 100, FP_A)));
    assertEquals(1.0, e.overall().recall());
  }

  @Test
  void evaluate_linesWithinTolerance_matchButFartherDoNot() {
    List<Label> labels = List.of(text("L1", "a.log", 10, 500, FP_A));
    assertEquals(1.0, new Evaluator(null, null).evaluate(labels, List.of(found("a.log", 11, 530, FP_A))).overall().recall());
    assertEquals(0.0, new Evaluator(null, null).evaluate(labels, List.of(found("a.log", 12, 560, FP_A))).overall().recall());
  }

  @Test
  void evaluate_binaryOffsets_matchWithinTolerance() {
    Label l = new Label("L1", "dumps/core.1", null, null, 4096, null, "utf-16le", null, Kind.API_KEY, "github", SourceType.DUMP, FP_A,
        40, "unknown", List.of("github", "utf16"), "test");
    ReportedFinding near = new ReportedFinding("ts.github.1", "api_key", "x/dumps/core.1", null, null, 4100, null, "utf-16le", null, FP_A);
    ReportedFinding far = new ReportedFinding("ts.github.1", "api_key", "x/dumps/core.1", null, null, 9000, null, "utf-16le", null, FP_A);
    assertEquals(1.0, new Evaluator(null, null).evaluate(List.of(l), List.of(near)).overall().recall());
    assertEquals(0.0, new Evaluator(null, null).evaluate(List.of(l), List.of(far)).overall().recall());
  }

  @Test
  void evaluate_labelNeedingAMissingCapability_isOutOfScopeNotMissed() {
    List<Label> labels = List.of(text("L1", "a.log", 3, 100, FP_A), text("L2", "a.log.2.gz!", 3, 100, FP_B, "gzip", "github"));
    Evaluation e = new Evaluator(EnumSet.of(Capability.GITHUB), null).evaluate(labels, List.of(found("a.log", 3, 100, FP_A)));
    assertEquals(1.0, e.overall().recall());
    assertTrue(e.missed().isEmpty());
    assertEquals(1, e.outOfScope().size());
    assertEquals(List.of("gzip"), e.outOfScope().values().iterator().next());
  }

  @Test
  void output_neverHoldsMoreThanAFingerprintPrefix() {
    List<Label> labels = List.of(text("L1", "a.log", 3, 100, FP_A));
    Evaluation e = new Evaluator(null, null).evaluate(labels, List.of(found("a.log", 30, 900, FP_C)));
    StringWriter w = new StringWriter();
    e.printText(new PrintWriter(w));
    assertTrue(w.toString().contains("aaaaaaaaaaaa"));
    assertFalse(w.toString().contains("a".repeat(13)));
    assertFalse(e.toJson().toString().contains("c".repeat(13)));
  }

  @Test
  void read_jsonAndJsonlReports(@TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("r.json");
    Files.writeString(json, "{\n  \"version\": 1,\n  \"findings\": [ {\"rule_id\": \"ts.github.1\", \"kind\": \"api_key\", \"location\":"
        + " {\"path\": \"a.log\", \"line\": 3, \"column\": 5, \"offset\": 100}, \"fingerprint\": \"" + FP_A + "\"} ]\n}\n");
    Path jsonl = tmp.resolve("r.jsonl");
    Files.writeString(jsonl, "{\"type\":\"finding\",\"rule_id\":\"ts.github.1\",\"kind\":\"api_key\",\"location\":{\"path\":\"a.log\","
        + "\"line\":3,\"column\":5,\"offset\":100},\"fingerprint\":\"" + FP_A + "\"}\n{\"type\":\"summary\",\"files\":1}\n");
    assertEquals(ReportedFinding.read(json), ReportedFinding.read(jsonl));
    assertEquals(3L, ReportedFinding.read(json).get(0).line());
    Path pair = tmp.resolve("pair.jsonl");
    Files.writeString(pair, "{\"type\":\"finding\",\"rule_id\":\"ts.aws.3\",\"kind\":\"api_key\",\"location\":{\"path\":\"c\","
        + "\"line\":3,\"offset\":90},\"fingerprint\":\"" + FP_B + "\",\"belongs_to\":{\"name\":\"key_id\",\"preview\":\"…ABCD\","
        + "\"fingerprint\":\"" + FP_A + "\"}}\n");
    assertEquals(FP_A, ReportedFinding.read(pair).get(0).belongsToFingerprint());
    assertEquals("aws", ReportedFinding.read(pair).get(0).provider());
  }
}

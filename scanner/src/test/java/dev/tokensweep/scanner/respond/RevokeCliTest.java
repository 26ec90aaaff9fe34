package dev.tokensweep.scanner.respond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.cli.Main;
import dev.tokensweep.scanner.index.SweepIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokensweep revoke} end to end against the local provider servers: the plan alone sends
 * nothing; {@code --yes} revokes each token at its provider's documented endpoint, checks it again
 * and records every attempt in the sweep index, never the secret; findings chosen by an index
 * query work the same; a token whose secret is not in the inputs, or whose provider has no
 * revocation endpoint, is named and left alone.
 */
class RevokeCliTest {

  static FakeProviders fakes;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws IOException {
    fakes = new FakeProviders();
    Endpoints.useForTests(fakes.endpoints());
  }

  @AfterAll
  static void stop() {
    Endpoints.useForTests(null);
    fakes.close();
  }

  @BeforeEach
  void reset() {
    fakes.reset();
  }

  static ValidateCliTest.Run run(String... args) {
    return ValidateCliTest.run(args);
  }

  /** Revocable tokens by provider (and an npm token, which has no revocation endpoint). */
  static Map<String, String> tokens() {
    Map<String, Samples.Sample> s = Samples.all(31);
    TokenForge f = new TokenForge(new Random(32));
    Map<String, String> m = new LinkedHashMap<>();
    m.put("github", s.get("github").secret());
    m.put("github-installation", f.base62Crc32("ghs_"));
    m.put("gitlab", s.get("gitlab").secret());
    m.put("slack", s.get("slack").secret());
    m.put("google", s.get("google").secret());
    m.put("google-refresh", "1//0" + f.random(TokenForge.B64URL, 96));
    m.put("okta", s.get("okta").secret());
    m.put("dropbox", s.get("dropbox").secret());
    m.put("npm", s.get("npm").secret());
    return m;
  }

  Path plant() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("host"));
    StringBuilder b = new StringBuilder();
    tokens().forEach((k, v) -> b.append("# ").append(k).append("\nTOKEN=").append(v).append('\n'));
    Files.writeString(dir.resolve(".bash_history"), b);
    return dir;
  }

  static void assertNoSecret(String where, String text) {
    int i = 0;
    for (String s : tokens().values()) {
      assertFalse(text.contains(s), where + " holds whole secret #" + i);
      assertFalse(text.contains(s.substring(8, s.length() - 6)), where + " holds part of secret #" + i);
      i++;
    }
  }

  Path report(Path dir) throws IOException {
    Path report = tmp.resolve("report.json");
    ValidateCliTest.Run r = run("scan", "--format", "json", "-o", report.toString(), "--no-progress", dir.toString());
    assertEquals(1, r.exit(), r.err());
    return report;
  }

  @Test
  void revoke_withoutYes_showsThePlanAndSendsNothing() throws IOException {
    Path dir = plant();
    Path report = report(dir);
    ValidateCliTest.Run r = run("revoke", "--report", report.toString(), dir.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(0, fakes.requests().size(), "a plan sent a request");
    assertTrue(r.out().startsWith("Plan: 9 tokens chosen, 8 can be revoked"), r.out());
    assertTrue(r.out().contains("revoke:    POST https://127.0.0.1:"), r.out());
    assertTrue(r.out().contains("/github/credentials/revoke"), r.out());
    assertTrue(r.out().contains("/github/installation/token"), r.out());
    assertTrue(r.out().contains("/okta/oauth2/default/v1/revoke"), r.out());
    assertTrue(r.out().contains("/dropbox/2/auth/token/revoke"), r.out());
    assertTrue(r.out().contains("cannot:    npm has no revocation endpoint for it"), r.out());
    assertTrue(r.out().contains("ghp_…"), "the plan shows the redacted preview");
    assertTrue(r.err().contains("plan only, nothing sent; run again with --yes to revoke 8 tokens"), r.err());
    assertNoSecret("stdout", r.out());
    assertNoSecret("stderr", r.err());
  }

  @Test
  void revoke_yes_revokesChecksAgainAndRecordsEveryAttempt() throws IOException {
    Path dir = plant();
    Path report = report(dir);
    Path index = tmp.resolve("index");
    ValidateCliTest.Run r = run("revoke", "--report", report.toString(), "--yes", "--index", index.toString(), "--host", "ir-1",
        "--format", "json", dir.toString());
    assertEquals(Main.EXIT_INCOMPLETE, r.exit(), "npm cannot be revoked: " + r.err());
    assertEquals(List.of(), fakes.violations());
    Map<String, String> t = tokens();
    for (String k : List.of("github", "github-installation", "gitlab", "slack", "google", "google-refresh", "okta",
        "dropbox")) {
      assertTrue(fakes.isRevoked(t.get(k)), k + " was not revoked at its provider");
    }
    assertFalse(fakes.isRevoked(t.get("npm")));
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertTrue(doc.get("revoked").asBoolean());
    int revoked = 0;
    for (JsonNode tok : doc.get("tokens")) {
      String provider = tok.get("provider").asText();
      if (provider.equals("npm")) {
        assertFalse(tok.has("action"));
        continue;
      }
      assertEquals("revoked", tok.get("result").asText(), tok.toString());
      revoked++;
      if (tok.has("after")) {
        assertEquals("invalid", tok.get("after").get("status").asText(), provider + " still live after revocation");
      } else {
        assertTrue(tok.get("rule_id").asText().equals("ts.google.2"), "only the refresh token cannot be checked again");
      }
    }
    assertEquals(8, revoked);
    assertTrue(r.err().contains("tokensweep: revoke: 8 revocation requests ("), r.err());
    assertTrue(r.err().contains("recorded 9 attempts in " + index), r.err());
    assertNoSecret("stdout", r.out());
    assertNoSecret("stderr", r.err());

    SweepIndex idx = new SweepIndex(index, Duration.ofSeconds(5));
    for (JsonNode tok : doc.get("tokens")) {
      List<SweepIndex.Revocation> rec = idx.revocations(tok.get("fingerprint").asText());
      assertEquals(1, rec.size());
      assertEquals("ir-1", rec.get(0).host());
      assertEquals(tok.get("provider").asText().equals("npm") ? "skipped" : "revoked", rec.get(0).result());
      assertTrue(rec.get(0).where().get(0).contains(".bash_history:"), rec.get(0).where().toString());
    }
    try (Stream<Path> files = Files.walk(index)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertNoSecret("index file " + f.getFileName(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }

    // a later sweep with --validate knows the revoked tokens are dead without asking again
    fakes.reset();
    ValidateCliTest.Run again = run("scan", "--validate", "--index", index.toString(), "--host", "ir-1", "--format", "json",
        "--no-progress", dir.toString());
    List<JsonNode> fs = ValidateCliTest.findings(again.out());
    JsonNode gh = fs.stream().filter(f -> f.get("rule_id").asText().equals("ts.github.1")).findFirst().orElseThrow();
    assertEquals("invalid", gh.get("validation").get("status").asText());
    assertEquals("index", gh.get("validation").get("source").asText());
    assertEquals("low", gh.get("severity").asText());
    assertEquals(List.of(), fakes.requests("github"), "a revoked token was asked about again within --validate-max-age");
  }

  @Test
  void revoke_yes_answersQuotingTheToken_neitherPrintedNorRecorded() throws IOException {
    Path dir = plant();
    Path report = report(dir);
    for (String p : List.of("github", "gitlab", "slack")) {
      fakes.mode(p, FakeProviders.Mode.ECHO); // Slack's error codes, GitHub's login, GitLab's token name quote the token
    }
    for (String format : List.of("text", "json")) {
      Path index = tmp.resolve("index-" + format);
      ValidateCliTest.Run r = run("revoke", "--report", report.toString(), "--yes", "--index", index.toString(),
          "--format", format, "--fingerprint", fingerprint(report, "ts.slack.1"), "--fingerprint",
          fingerprint(report, "ts.github.1"), "--fingerprint", fingerprint(report, "ts.gitlab.1"), dir.toString());
      assertTrue(r.out().contains("slack: xoxb-"), format + ": the error code is still shown, its token redacted");
      assertNoSecret(format + " stdout", r.out());
      assertNoSecret(format + " stderr", r.err());
      try (Stream<Path> files = Files.walk(index)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertNoSecret("index file " + f.getFileName(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
      }
    }
  }

  /** The fingerprint of the first finding of {@code ruleId} in a JSON report. */
  static String fingerprint(Path report, String ruleId) throws IOException {
    for (JsonNode f : new ObjectMapper().readTree(report.toFile()).get("findings")) {
      if (f.get("rule_id").asText().equals(ruleId)) {
        return f.get("fingerprint").asText();
      }
    }
    throw new AssertionError("no finding of " + ruleId);
  }

  @Test
  void revoke_indexQuery_choosesTheFindings() throws IOException {
    Path dir = plant();
    Path index = tmp.resolve("index");
    assertEquals(1, run("scan", "--index", index.toString(), "--host", "ir-2", "--no-progress", dir.toString()).exit());
    ValidateCliTest.Run r = run("revoke", "--index", index.toString(), "--query", "rule:ts.slack.1", "--yes", dir.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(fakes.isRevoked(tokens().get("slack")));
    assertEquals(2, fakes.requests("slack").size(), "auth.revoke, then auth.test");
    assertEquals(List.of("/api/auth.revoke", "/api/auth.test"), fakes.requests("slack").stream().map(FakeProviders.Req::path).toList());
    assertTrue(r.out().contains("result:    revoked"), r.out());
    assertTrue(r.out().contains("afterwards: invalid (slack: token_revoked)"), r.out());

    // the next plan shows the earlier attempt
    ValidateCliTest.Run plan = run("revoke", "--index", index.toString(), "--query", "rule:ts.slack.1", dir.toString());
    assertTrue(plan.out().contains("earlier:   revoked at "), plan.out());
  }

  @Test
  void revoke_secretNotInTheInputs_isNamedAndNothingIsSent() throws IOException {
    Path dir = plant();
    Path report = report(dir);
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("clean.log"), "nothing here\n");
    ValidateCliTest.Run r = run("revoke", "--report", report.toString(), "--fingerprint",
        fingerprintOf(report, "ts.github.1"), "--yes", other.toString());
    assertEquals(Main.EXIT_INCOMPLETE, r.exit(), r.err());
    assertEquals(0, fakes.requests().size());
    assertTrue(r.out().contains("cannot:    its secret was not found in the given inputs"), r.out());
  }

  @Test
  void revoke_tokenWithNoKnownProvider_saysSoNotThatItWasNotFound() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("vault-host"));
    // a Vault service token: found in the inputs, but no provider with a revocation endpoint is known
    String vault = "hvs." + new dev.tokensweep.detectors.rule.TokenForge(new java.util.Random(8))
        .random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 90);
    Files.writeString(dir.resolve("env"), "VAULT_TOKEN=" + vault + "\n");
    Path report = tmp.resolve("vault.json");
    ValidateCliTest.Run scan = run("scan", "--format", "json", "-o", report.toString(), dir.toString());
    assertEquals(1, scan.exit(), scan.err());
    ValidateCliTest.Run r = run("revoke", "--report", report.toString(), dir.toString());
    assertEquals(0, r.exit(), "a plan only: " + r.err());
    assertEquals(0, fakes.requests().size());
    assertTrue(r.out().contains("no provider with a revocation endpoint is known for ts.vault."), r.out());
    assertFalse(r.out().contains("not found in the given inputs"), r.out());
    assertFalse(r.out().contains(vault.substring(8)), "the plan holds the token");
  }

  @Test
  void revoke_badReportOrChoice_isAUsageError() throws IOException {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"findings\":[{\"rule_id\":\"ts.github.1\",\"fingerprint\":\"not-hex\"}]}");
    ValidateCliTest.Run r = run("revoke", "--report", bad.toString(), tmp.toString());
    assertEquals(Main.EXIT_USAGE, r.exit());
    assertTrue(r.err().contains("no rule_id or fingerprint of ours"), r.err());
    assertEquals(Main.EXIT_USAGE, run("revoke", tmp.toString()).exit());
    assertEquals(Main.EXIT_USAGE, run("revoke", "--query", "x", tmp.toString()).exit());
  }

  static String fingerprintOf(Path report, String rule) throws IOException {
    for (JsonNode f : new ObjectMapper().readTree(Files.readString(report)).get("findings")) {
      if (f.get("rule_id").asText().equals(rule)) {
        return f.get("fingerprint").asText().substring(0, 16);
      }
    }
    throw new AssertionError("no " + rule + " finding");
  }

  @Test
  void reportTargets_readsEveryReportFormat() throws IOException, ReportTargets.BadReportException {
    Path dir = plant();
    List<Integer> counts = new ArrayList<>();
    for (String format : List.of("json", "jsonl", "ecs")) {
      Path report = tmp.resolve("r." + format);
      run("scan", "--format", format, "-o", report.toString(), "--host", "h", "--no-progress", dir.toString());
      try (var in = Files.newInputStream(report)) {
        List<Revoker.Target> ts = ReportTargets.read(in);
        counts.add(ts.size());
        for (Revoker.Target t : ts) {
          assertNotNull(t.preview());
          assertTrue(t.where().contains(".bash_history:"), t.where());
        }
      }
    }
    assertEquals(List.of(9, 9, 9), counts);
  }
}

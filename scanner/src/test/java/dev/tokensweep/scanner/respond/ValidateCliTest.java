package dev.tokensweep.scanner.respond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.scanner.cli.Main;
import dev.tokensweep.scanner.report.Reporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan --validate} end to end, through the command line, against the local provider
 * servers: answers in every report format, severities, {@code --only-live}, one request per
 * distinct secret, answers reused from the sweep index, the {@code --reveal} guard, and no secret
 * in any output, error or index file.
 */
class ValidateCliTest {

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

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * Providers whose tokens the catalogue finds after {@code TOKEN=} (the who-am-I ones are planted
   * in their own variables by {@code scan_validate_whoamiProviders_...}). Hugging Face's tokens
   * are letters only after {@code hf_}, as its rule finds them.
   */
  static final List<String> DETECTED = List.of("github", "gitlab", "slack", "google", "microsoft", "okta", "npm", "openai",
      "anthropic", "stripe", "huggingface", "sendgrid", "digitalocean", "postman");

  /** Writes a tree with one token per detected provider and an AWS key pair; returns every secret. */
  List<String> plant(Path dir) throws IOException {
    Map<String, Samples.Sample> s = Samples.all(1);
    List<String> secrets = new ArrayList<>();
    StringBuilder env = new StringBuilder();
    for (String p : DETECTED) {
      env.append("# ").append(p).append('\n').append("TOKEN=").append(s.get(p).secret()).append('\n');
      secrets.add(s.get(p).secret());
    }
    Files.createDirectories(dir.resolve(".aws"));
    Files.writeString(dir.resolve("env.txt"), env);
    String keyId = Samples.awsKeyId(1);
    fakes.awsKey(keyId, s.get("aws").secret());
    Files.writeString(dir.resolve(".aws/credentials"), "[default]\naws_access_key_id = " + keyId + "\naws_secret_access_key = "
        + s.get("aws").secret() + "\nregion = us-east-1\n");
    secrets.add(s.get("aws").secret());
    return secrets;
  }

  static void assertNoSecret(List<String> secrets, String where, String text) {
    for (int i = 0; i < secrets.size(); i++) {
      String sec = secrets.get(i);
      assertFalse(text.contains(sec), where + " holds whole secret #" + i);
      assertFalse(text.contains(sec.substring(8, sec.length() - 6)), where + " holds part of secret #" + i);
    }
  }

  static Map<String, JsonNode> byRule(JsonNode report) {
    Map<String, JsonNode> m = new HashMap<>();
    report.get("findings").forEach(f -> m.put(f.get("rule_id").asText() + "#" + f.get("location").get("line").asText(), f));
    return m;
  }

  static List<JsonNode> findings(String json) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    new ObjectMapper().readTree(json).get("findings").forEach(out::add);
    return out;
  }

  @Test
  void scan_validate_everyProviderLiveWithIdentityAndRaisedSeverity() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    List<String> secrets = plant(dir);
    Run r = run("scan", "--validate", "--format", "json", "--no-progress", dir.toString());
    assertEquals(1, r.exit(), r.err());
    assertEquals(List.of(), fakes.violations());
    List<JsonNode> fs = findings(r.out());
    // the AWS key id and its secret key are one finding (the pair rule names the key id it belongs to)
    assertEquals(DETECTED.size() + 1, fs.size(), r.out().length() + " bytes of report");
    for (JsonNode f : fs) {
      JsonNode v = f.get("validation");
      assertNotNull(v, f.get("rule_id") + " has no validation");
      assertEquals("live", v.get("status").asText(), f.get("rule_id") + ": " + v);
      assertEquals("request", v.get("source").asText());
      assertTrue(f.get("severity").asText().equals("high") || f.get("severity").asText().equals("critical"), f.toString());
      assertTrue(f.get("why").asText().startsWith("confirmed live by " + v.get("provider").asText()), f.get("why").asText());
    }
    JsonNode gh = fs.stream().filter(f -> f.get("rule_id").asText().equals("ts.github.1")).findFirst().orElseThrow();
    assertEquals("octo-test", gh.get("validation").get("identity").asText());
    assertEquals("critical", gh.get("severity").asText(), "repo scope is broad");
    List<JsonNode> aws = fs.stream().filter(f -> f.get("rule_id").asText().startsWith("ts.aws.")).toList();
    assertEquals(1, aws.size());
    assertEquals("key_id", aws.get(0).path("belongs_to").path("name").asText(), aws.get(0).toString());
    for (JsonNode f : aws) {
      assertEquals("arn:aws:iam::123456789012:user/Alice", f.get("validation").get("identity").asText());
    }
    assertEquals(1, fakes.requests("aws").size(), "one STS request for the key pair");
    JsonNode summary = new ObjectMapper().readTree(r.out()).get("summary").get("validation");
    assertEquals(DETECTED.size() + 1, summary.get("live").asInt());
    // the stderr line says how many requests went to which provider and host
    assertTrue(r.err().contains("tokensweep: validate: " + (DETECTED.size() + 1) + " requests ("), r.err());
    assertTrue(r.err().contains("github 1 to 127.0.0.1"), r.err());
    assertNoSecret(secrets, "stdout", r.out());
    assertNoSecret(secrets, "stderr", r.err());
  }

  /** The variable each provider's token is kept in by its own tools, as the catalogue's rules expect it. */
  static final Map<String, String> WHOAMI_VARIABLES = new java.util.LinkedHashMap<>();

  static {
    String[] kv = {"cloudflare", "CLOUDFLARE_API_TOKEN", "heroku", "HEROKU_API_KEY", "vercel", "VERCEL_TOKEN", "netlify",
        "NETLIFY_AUTH_TOKEN", "notion", "NOTION_TOKEN", "circleci", "CIRCLE_TOKEN", "terraform", "TFE_TOKEN", "dropbox",
        "DROPBOX_TOKEN", "datadog", "DD_API_KEY", "figma", "FIGMA_TOKEN", "airtable", "AIRTABLE_API_KEY", "snyk", "SNYK_TOKEN",
        "cohere", "COHERE_API_KEY", "openrouter", "OPENROUTER_API_KEY", "xai", "XAI_API_KEY", "asana", "ASANA_ACCESS_TOKEN",
        "discord", "DISCORD_BOT_TOKEN", "replicate", "REPLICATE_API_TOKEN", "groq", "GROQ_API_KEY", "mistral", "MISTRAL_API_KEY",
        "deepseek", "DEEPSEEK_API_KEY", "together", "TOGETHER_API_KEY"};
    for (int i = 0; i < kv.length; i += 2) {
      WHOAMI_VARIABLES.put(kv[i], kv[i + 1]);
    }
  }

  /** An environment file with one token of every provider asked by a plain who-am-I request. */
  static String whoamiEnv(Map<String, Samples.Sample> s) {
    StringBuilder b = new StringBuilder();
    WHOAMI_VARIABLES.forEach((p, name) -> b.append("export ").append(name).append('=').append(s.get(p).secret()).append('\n'));
    return b.toString();
  }

  @Test
  void scan_validate_whoamiProviders_theirTokensAsTheCatalogueFindsThemAreLive() throws IOException {
    Map<String, Samples.Sample> s = Samples.all(13);
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(dir.resolve(".env"), whoamiEnv(s));
    Run r = run("scan", "--validate", "--format", "json", "--no-progress", dir.toString());
    assertEquals(1, r.exit(), r.err());
    assertEquals(List.of(), fakes.violations());
    List<JsonNode> fs = findings(r.out());
    for (String p : WHOAMI_VARIABLES.keySet()) {
      JsonNode f = fs.stream().filter(x -> x.get("rule_id").asText().startsWith("ts." + p + ".")).findFirst()
          .orElseThrow(() -> new AssertionError("the catalogue did not find the " + p + " token"));
      JsonNode v = f.get("validation");
      assertEquals("live", v.get("status").asText(), p + ": " + v);
      assertEquals(p, v.get("provider").asText());
      assertEquals(1, fakes.requests(p).size(), p + ": one request");
    }
    assertNoSecret(s.values().stream().map(Samples.Sample::secret).toList(), "stdout", r.out());
    assertNoSecret(s.values().stream().map(Samples.Sample::secret).toList(), "stderr", r.err());
  }

  @Test
  void scan_validate_everyFormatShowsTheAnswerAndNoSecret() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    List<String> secrets = plant(dir);
    for (String format : Reporter.FORMATS) {
      Path report = tmp.resolve("report." + format);
      Run r = run("scan", "--validate", "--format", format, "-o", report.toString(), "--no-progress", dir.toString());
      assertEquals(1, r.exit(), format + ": " + r.err());
      String text = Files.readString(report, StandardCharsets.UTF_8);
      assertNoSecret(secrets, format + " report", text);
      assertNoSecret(secrets, format + " stderr", r.err());
      switch (format) {
        case "text" -> assertTrue(text.contains("validated: live (github: octo-test; scopes repo gist; expires 2026-12-31T10:00:00Z)"),
            text);
        case "csv" -> {
          assertTrue(text.startsWith("rule_id,"), text);
          assertTrue(text.lines().findFirst().orElseThrow().endsWith(",why,belongs_to,belongs_to_preview,belongs_to_fingerprint,"
              + "account_id,store,store_origin,store_place,validation,validation_provider,validation_identity,"
              + "validation_account,validation_scopes,validation_expires,validation_reason"), text);
          assertTrue(text.contains(",live,github,octo-test,,repo+gist,"), text);
        }
        case "sarif" -> assertTrue(text.contains("\"validation\" : {"), text);
        case "json", "jsonl", "ecs" -> assertTrue(text.contains("\"identity\"") && text.contains("\"octo-test\""), format);
        default -> throw new AssertionError(format);
      }
    }
  }

  @Test
  void scan_validate_answerQuotingTheToken_noFormatPrintsIt() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Map<String, Samples.Sample> s = Samples.all(5);
    List<String> secrets = new ArrayList<>();
    StringBuilder env = new StringBuilder();
    for (String p : List.of("github", "gitlab", "slack")) {
      fakes.mode(p, FakeProviders.Mode.ECHO); // identity, scopes and error codes quote the token sent
      env.append("TOKEN=").append(s.get(p).secret()).append('\n');
      secrets.add(s.get(p).secret());
    }
    Files.writeString(dir.resolve("env.txt"), env);
    for (String format : Reporter.FORMATS) {
      Run r = run("scan", "--validate", "--format", format, "--no-progress", dir.toString());
      assertEquals(1, r.exit(), format + ": " + r.err());
      assertNoSecret(secrets, format + " report", r.out());
      assertNoSecret(secrets, format + " stderr", r.err());
      if (format.equals("json")) {
        assertTrue(r.out().contains("\"identity\" : \"octo ghp_"), "the answer is still shown, its token redacted");
      }
    }
    assertEquals(3 * Reporter.FORMATS.size(), fakes.requests().size(), "every provider was asked in every run");
  }

  @Test
  void scan_validateSarif_validatesAgainstTheOfficialSchema() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    plant(dir);
    Run r = run("scan", "--validate", "--format", "sarif", "--no-progress", dir.toString());
    assertEquals(java.util.Set.of(), dev.tokensweep.scanner.report.SarifReporterTest.violations(r.out()));
  }

  @Test
  void scan_validate_sameSecretInThreeFiles_asksOnce() throws IOException {
    String token = Samples.all(7).get("github").secret();
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    for (String name : List.of("a.log", "b.log", ".bash_history")) {
      Files.writeString(dir.resolve(name), "export GITHUB_TOKEN=" + token + "\n");
    }
    Run r = run("scan", "--validate", "--format", "json", "--no-progress", dir.toString());
    assertEquals(1, fakes.requests("github").size(), "one request per distinct fingerprint");
    List<JsonNode> fs = findings(r.out());
    assertEquals(3, fs.size());
    fs.forEach(f -> assertEquals("live", f.get("validation").get("status").asText()));
    assertTrue(r.err().contains("tokensweep: validate: 1 request (github 1 to 127.0.0.1)"), r.err());
  }

  @Test
  void scan_validate_invalidLowersSeverity_onlyLiveDropsIt() throws IOException {
    Map<String, Samples.Sample> s = Samples.all(8);
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(dir.resolve("env"), "GH=" + s.get("github").secret() + "\nSLACK=" + s.get("slack").secret() + "\n");
    fakes.mode("github", FakeProviders.Mode.INVALID);
    Run r = run("scan", "--validate", "--format", "json", "--no-progress", dir.toString());
    List<JsonNode> fs = findings(r.out());
    JsonNode gh = fs.stream().filter(f -> f.get("rule_id").asText().startsWith("ts.github.")).findFirst().orElseThrow();
    assertEquals("invalid", gh.get("validation").get("status").asText());
    assertEquals("low", gh.get("severity").asText());
    assertTrue(gh.get("why").asText().startsWith("rejected by github"), gh.get("why").asText());

    fakes.reset();
    fakes.mode("github", FakeProviders.Mode.INVALID);
    Run only = run("scan", "--validate", "--only-live", "--format", "json", "--no-progress", dir.toString());
    List<JsonNode> live = findings(only.out());
    assertEquals(1, live.size());
    assertEquals("ts.slack.1", live.get(0).get("rule_id").asText());
    assertEquals(1, new ObjectMapper().readTree(only.out()).get("summary").get("suppressed").get("not-live").asInt());
  }

  @Test
  void scan_validate_unsupportedAndUnpairedFindings_sayWhyNotAsked() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(dir.resolve("env"), "AWS_ACCESS_KEY_ID=" + Samples.awsKeyId(9) + "\n"
        + "curl -H 'Authorization: Bearer Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA' https://internal.example\n");
    Run r = run("scan", "--validate", "--format", "json", "--no-progress", dir.toString());
    assertEquals(0, fakes.requests().size(), "nothing was askable");
    for (JsonNode f : findings(r.out())) {
      JsonNode v = f.get("validation");
      assertEquals("unknown", v.get("status").asText());
      assertEquals("none", v.get("source").asText());
      assertTrue(v.get("reason").asText().contains("no secret access key found")
          || v.get("reason").asText().startsWith("no provider check for"), v.toString());
    }
    assertTrue(r.err().contains("tokensweep: validate: no requests sent"), r.err());
  }

  @Test
  void scan_validateWithIndex_reusesRecentAnswers_andTheIndexHoldsNoSecret() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    List<String> secrets = plant(dir);
    Path index = tmp.resolve("index");
    Run first = run("scan", "--validate", "--index", index.toString(), "--host", "h1", "--format", "json", "--no-progress",
        dir.toString());
    assertEquals(1, first.exit(), first.err());
    int asked = fakes.requests().size();
    assertEquals(DETECTED.size() + 1, asked);

    Run second = run("scan", "--validate", "--index", index.toString(), "--host", "h1", "--format", "json", "--no-progress",
        dir.toString());
    assertEquals(asked, fakes.requests().size(), "the second sweep asked again within --validate-max-age");
    assertTrue(second.err().contains((DETECTED.size() + 1) + " answers reused from the index"), second.err());
    for (JsonNode f : findings(second.out())) {
      assertEquals("index", f.get("validation").get("source").asText(), f.get("rule_id").asText());
      assertEquals("live", f.get("validation").get("status").asText());
    }

    Run third = run("scan", "--validate", "--validate-max-age", "0", "--index", index.toString(), "--host", "h1", "--format",
        "json", "--no-progress", dir.toString());
    assertEquals(2 * asked, fakes.requests().size(), "--validate-max-age 0 asks again");
    assertEquals(1, third.exit());

    Run search = run("search", "--index", index.toString(), "validation:live AND provider:github");
    assertEquals(0, search.exit(), search.err());
    assertTrue(search.out().contains("3 findings"), search.out());

    try (Stream<Path> files = Files.walk(index)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertNoSecret(secrets, "index file " + f.getFileName(), bytes);
      }
    }
  }

  @Test
  void scan_revealWithValidate_isRefusedIntoAPipeUnlessForced() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(dir.resolve("env"), "GH=" + Samples.all(10).get("github").secret() + "\n");
    Run refused = run("scan", "--validate", "--reveal", "--no-progress", dir.toString());
    assertEquals(Main.EXIT_USAGE, refused.exit());
    assertTrue(refused.err().contains("--force-reveal"), refused.err());
    assertEquals(0, fakes.requests().size(), "refused before any request");
    assertEquals("", refused.out());

    Run toFile = run("scan", "--validate", "--reveal", "-o", tmp.resolve("r.json").toString(), "--format", "json",
        "--no-progress", dir.toString());
    assertEquals(1, toFile.exit(), toFile.err());
    Run forced = run("scan", "--validate", "--reveal", "--force-reveal", "--format", "json", "--no-progress", dir.toString());
    assertEquals(1, forced.exit(), forced.err());
  }

  @Test
  void scan_validateWithBaseline_asksNothingAboutBaselinedFindings() throws IOException {
    Map<String, Samples.Sample> s = Samples.all(11);
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(dir.resolve("old.env"), "GH=" + s.get("github").secret() + "\n");
    Path baseline = tmp.resolve("baseline.json");
    assertEquals(1, run("scan", "--format", "json", "-o", baseline.toString(), "--no-progress", dir.toString()).exit());
    Files.writeString(dir.resolve("new.env"), "SLACK=" + s.get("slack").secret() + "\n");
    Run r = run("scan", "--validate", "--baseline", baseline.toString(), "--format", "json", "--no-progress", dir.toString());
    assertEquals(List.of(), fakes.requests("github"), "a baselined token was sent to its provider");
    assertEquals(1, fakes.requests("slack").size());
    assertEquals(1, findings(r.out()).size());
  }

  @Test
  void scan_validate_refusedWhenTheJdkWouldLogRequests() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(dir.resolve("env"), "GH=" + Samples.all(12).get("github").secret() + "\n");
    for (String property : List.of("jdk.httpclient.HttpClient.log", "javax.net.debug")) {
      System.setProperty(property, "all");
      try {
        Run r = run("scan", "--validate", "--no-progress", dir.toString());
        assertEquals(Main.EXIT_USAGE, r.exit(), property);
        assertTrue(r.err().contains("-D" + property), r.err());
        Run revoke = run("revoke", "--report", dir.resolve("env").toString(), dir.toString());
        assertEquals(Main.EXIT_USAGE, revoke.exit(), property);
      } finally {
        System.clearProperty(property);
      }
    }
    assertEquals(0, fakes.requests().size());
  }

  @Test
  void scan_onlyLiveWithoutValidate_isAUsageError() {
    Run r = run("scan", "--only-live", tmp.toString());
    assertEquals(Main.EXIT_USAGE, r.exit());
    assertTrue(r.err().contains("--only-live needs --validate"), r.err());
  }

  @Test
  void scan_withoutValidate_asksNoProvider() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    plant(dir);
    Run r = run("scan", "--format", "json", "--no-progress", dir.toString());
    assertEquals(1, r.exit());
    assertEquals(0, fakes.requests().size());
    assertFalse(r.out().contains("\"validation\""), "no validation without --validate");
    assertFalse(r.err().contains("validate"), r.err());
  }
}

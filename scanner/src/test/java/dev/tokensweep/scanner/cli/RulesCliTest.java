package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.Run.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.detectors.check.Validators;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Custom rules against the built-in ones, pairs through the CLI, and {@code rules list} / {@code rules stats}. */
class RulesCliTest {

  @TempDir
  Path dir;

  static final String ACME_RULE = """
      - id: acme.internal.1
        name: ACME internal token
        kind: api_key
        keywords: [acme_]
        pattern: '\\b(acme_[a-z0-9]{32})\\b'
        severity: critical
        examples: ['ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuv']
        negative_examples: ['ACME_TOKEN=acme_<token>']
      """;

  /** A file where the generic assignment rule and the custom ACME rule confirm the same secret. */
  private Path acmeLeak(Path root) throws IOException {
    String token = "acme_" + new TokenForge(new Random(5)).random("abcdefghijklmnopqrstuvwxyz0123456789", 32);
    Files.createDirectories(root);
    Path f = root.resolve("deploy.env");
    Files.writeString(f, "ACME_API_TOKEN=" + token + "\n");
    return f;
  }

  private static JsonNode findings(Run r) throws IOException {
    return new ObjectMapper().readTree(r.out()).get("findings");
  }

  @Test
  void rulesCheck_fileThatCannotBeRead_exitsTwoAsTheHelpSays() throws IOException {
    // a missing file was exit 1, "problems", which a CI step reads as a rule file with problems
    Run missing = run("rules", "check", dir.resolve("nope.yml").toString());
    assertEquals(2, missing.exit(), missing.err());
    assertTrue(missing.err().contains("nope.yml: not a regular file"), missing.err());
    Run directory = run("rules", "check", dir.toString());
    assertEquals(2, directory.exit(), directory.err());
    Path broken = dir.resolve("broken.yml");
    Files.writeString(broken, "- id: [\n");
    assertEquals(1, run("rules", "check", broken.toString()).exit(), "a file that reads but does not parse has problems");
  }

  @Test
  void rulesCheck_tokenPastedAsAGroupName_notPrinted() throws IOException {
    String inGroup = new TokenForge(new Random(61)).base62Crc32("ghp_");
    Path rules = dir.resolve("rules.yml");
    Files.writeString(rules, """
        - id: acme.pair.1
          name: ACME pair
          kind: api_key
          keywords: [acme_]
          pattern: '(?P<key_id>AK[0-9]{4}) (?P<%s>[a-z]{3}) (?P<secret>acme_[a-z0-9]{32})'
          severity: high
          examples: ['AK1234 abc acme_0123456789abcdefghijklmnopqrstuv']
          negative_examples: ['acme_<token>']
        """.formatted(inGroup));
    Run r = run("rules", "check", rules.toString());
    assertEquals(1, r.exit(), "the problem is found");
    String middle = inGroup.substring(6, 26);
    assertFalse(r.err().contains(middle), "a group name from the rule file printed in clear at " + r.err().indexOf(middle));
    assertFalse(r.out().contains(middle), "a group name from the rule file printed in clear");
    assertTrue(r.err().contains("identifier groups [group 2, key_id, secret]"), "the groups are named, the pasted one by number");
  }

  @Test
  void scan_withoutCustomRule_theGenericRuleReportsTheSecret() throws IOException {
    Path f = acmeLeak(dir.resolve("tree"));
    JsonNode fs = findings(run("scan", "--format", "json", "--no-progress", f.toString()));
    assertEquals(1, fs.size());
    assertEquals("ts.generic.1", fs.get(0).get("rule_id").asText());
  }

  @Test
  void scan_customRuleFromRulesFile_winsOverTheGenericRuleOnTheSameSpan() throws IOException {
    Path f = acmeLeak(dir.resolve("tree"));
    Path rules = dir.resolve("acme.yml");
    Files.writeString(rules, ACME_RULE);
    Run r = run("scan", "--format", "json", "--no-progress", "--rules", rules.toString(), f.toString());
    assertEquals(1, r.exit(), r.err());
    JsonNode fs = findings(r);
    assertEquals(1, fs.size(), "one finding for the one secret");
    assertEquals("acme.internal.1", fs.get(0).get("rule_id").asText());
    assertEquals("critical", fs.get(0).get("severity").asText());
  }

  @Test
  void scan_customRuleFromTheRootConfig_winsOverTheGenericRule() throws IOException {
    Path root = dir.resolve("tree");
    acmeLeak(root);
    Files.writeString(root.resolve("tokensweep.yaml"), "version: 1\nrules:\n" + ACME_RULE.indent(2));
    Run r = run("scan", "--format", "json", "--no-progress", root.toString());
    java.util.List<JsonNode> env = new java.util.ArrayList<>();
    findings(r).forEach(n -> {
      if (n.get("location").get("path").asText().endsWith("deploy.env")) {
        env.add(n); // the configuration's own rule example is a finding too
      }
    });
    assertEquals(1, env.size(), r.out());
    assertEquals("acme.internal.1", env.get(0).get("rule_id").asText());
  }

  @Test
  void scan_awsCredentialsFile_isOneFindingThatNamesTheKeyIdAndAccount() throws IOException {
    TokenForge f = new TokenForge(new Random(6));
    String keyId = f.awsKeyId("AKIA", 210_987_654_321L);
    String secret = f.random(TokenForge.ALNUM + "/+", 40);
    Path creds = dir.resolve("credentials");
    Files.writeString(creds, "[ci]\naws_access_key_id = " + keyId + "\naws_secret_access_key = " + secret + "\n");
    for (String format : new String[] {"json", "jsonl", "csv", "sarif", "ecs", "text"}) {
      Run r = run("scan", "--format", format, "--no-progress", creds.toString());
      assertEquals(1, r.exit(), format);
      assertFalse(r.out().contains(secret) || r.out().contains(keyId.substring(4, 16)), format + " leaks the pair");
      assertTrue(r.out().contains("210987654321"), format + " shows the account id");
      assertTrue(r.out().contains("key_id"), format + " says what the secret belongs to");
    }
    JsonNode fs = findings(run("scan", "--format", "json", "--no-progress", creds.toString()));
    assertEquals(1, fs.size(), "the key id is the pair's, not a second finding");
    JsonNode owner = fs.get(0).get("belongs_to");
    assertEquals("ts.aws.3", fs.get(0).get("rule_id").asText());
    assertEquals("key_id", owner.get("name").asText());
    assertEquals("…" + keyId.substring(16), owner.get("preview").asText());
    assertEquals(64, owner.get("fingerprint").asText().length());
  }

  @Test
  void rulesList_text_showsProviderKindSeverityAndOfflineCheck() {
    Run r = run("rules", "list");
    assertEquals(0, r.exit());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].matches("id +provider +kind +severity +offline check +name"), lines[0]);
    String gh = java.util.Arrays.stream(lines).filter(l -> l.startsWith("ts.github.1 ")).findFirst().orElseThrow();
    assertTrue(gh.matches("ts\\.github\\.1 +github +api_key +high +github-crc32 +GitHub .*"), gh);
    String pypi = java.util.Arrays.stream(lines).filter(l -> l.startsWith("ts.pypi.1 ")).findFirst().orElseThrow();
    assertTrue(pypi.contains("pypi-macaroon"), pypi);
    String generic = java.util.Arrays.stream(lines).filter(l -> l.startsWith("ts.generic.1 ")).findFirst().orElseThrow();
    assertTrue(generic.matches("ts\\.generic\\.1 +generic +api_key +medium +- +Generic .*"), "entropy is no offline check: " + generic);
    assertEquals(Rules.builtin().size() + " rules", lines[lines.length - 1].replaceAll(",.*", ""));
  }

  @Test
  void rulesList_json_hasProviderAndOfflineChecks() throws IOException {
    JsonNode rules = new ObjectMapper().readTree(run("rules", "list", "--format", "json").out());
    assertEquals(Rules.builtin().size(), rules.size());
    for (JsonNode n : rules) {
      assertEquals(n.get("id").asText().split("\\.")[1], n.get("provider").asText());
      assertTrue(n.get("offline_checks").isArray());
    }
    JsonNode aws1 = java.util.stream.StreamSupport.stream(rules.spliterator(), false)
        .filter(n -> n.get("id").asText().equals("ts.aws.1")).findFirst().orElseThrow();
    assertEquals("aws-account-id", aws1.get("offline_checks").get(0).asText());
  }

  @Test
  void rulesStats_countsAddUpToTheCatalogue() throws IOException {
    int total = Rules.builtin().size();
    JsonNode s = new ObjectMapper().readTree(run("rules", "stats", "--format", "json").out());
    assertEquals(total, s.get("rules").asInt());
    int byProvider = 0;
    for (JsonNode p : s.get("by_provider")) {
      byProvider += p.get("rules").asInt();
    }
    int byKind = 0;
    for (JsonNode k : s.get("by_kind")) {
      byKind += k.asInt();
    }
    assertEquals(total, byProvider);
    assertEquals(total, byKind);
    assertEquals(s.get("by_provider").size(), s.get("providers").asInt());
    long aws = Rules.builtin().stream().filter(r -> r.id().startsWith("ts.aws.")).count();
    long awsChecked = Rules.builtin().stream().filter(r -> r.id().startsWith("ts.aws."))
        .filter(r -> r.validate().stream().anyMatch(Validators::isOfflineCheck)).count();
    assertTrue(awsChecked >= 2, "AKIA and ASIA key ids have the account id check");
    assertEquals(aws, s.get("by_provider").get("aws").get("rules").asInt());
    assertEquals(awsChecked, s.get("by_provider").get("aws").get("with_offline_check").asInt());

    Run text = run("rules", "stats");
    assertEquals(0, text.exit());
    assertTrue(text.out().startsWith(total + " rules, " + s.get("providers").asInt() + " providers, "), text.out());
    assertTrue(text.out().lines().anyMatch(l -> l.matches(" +aws +" + aws + " +" + awsChecked)), text.out());
    assertTrue(text.out().lines().anyMatch(l -> l.matches(" +api_key +[0-9]+")), text.out());
  }

  @Test
  void rulesStats_countsCustomRulesUnderTheirProvider() throws IOException {
    Path rules = dir.resolve("acme.yml");
    Files.writeString(rules, ACME_RULE);
    JsonNode s = new ObjectMapper().readTree(run("rules", "stats", "--format", "json", "--no-builtin-rules", "--rules",
        rules.toString()).out());
    assertEquals(1, s.get("rules").asInt());
    assertEquals(1, s.get("by_provider").get("internal").get("rules").asInt());
  }
}

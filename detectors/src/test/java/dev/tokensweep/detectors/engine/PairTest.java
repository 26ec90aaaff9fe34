package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.rule.TokenForge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pair rules: a secret reported with what it belongs to (a key id, a client id, a user name). */
class PairTest {

  private static final Detector ALL = new KeywordDetector(Rules.builtin());
  private static final Map<String, Integer> PRIORITY = new HashMap<>();

  static {
    List<Rule> rules = Rules.builtin();
    for (int i = 0; i < rules.size(); i++) {
      PRIORITY.putIfAbsent(rules.get(i).id(), i);
    }
  }

  /** What a scan reports of {@code text}: one match per span, the pair's key id not a second time. */
  private static List<Match> reported(String text) {
    List<Match> all = new ArrayList<>(ALL.findAll(text.getBytes(StandardCharsets.ISO_8859_1)));
    all.sort(Comparator.comparingInt(Match::start).thenComparingInt(Match::end)
        .thenComparingInt(m -> PRIORITY.get(m.rule().id())));
    List<Match> winners = Match.onePerSpan(all);
    Set<Long> ids = Match.identifierSpans(winners);
    return winners.stream().filter(m -> !ids.contains(m.span())).toList();
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void awsCredentialsFile_isOneFindingNamingTheKeyIdAndAccount() {
    TokenForge f = new TokenForge(new Random(1));
    String keyId = f.awsKeyId("AKIA", 123_456_789_012L);
    String secret = f.random(TokenForge.ALNUM + "/+", 40);
    String file = "[default]\naws_access_key_id = " + keyId + "\naws_secret_access_key = " + secret + "\nregion = eu-west-1\n";
    List<Match> found = reported(file);
    assertEquals(1, found.size(), "the key id is part of the pair, not a finding of its own: " + found);
    Match m = found.get(0);
    assertEquals("ts.aws.3", m.rule().id());
    assertEquals(secret, m.secretText());
    assertNotNull(m.identifier());
    assertEquals("key_id", m.identifier().name());
    assertEquals(keyId, text(m.identifier().value()));
    assertEquals(file.indexOf(keyId), m.identifier().start());

    Fingerprinter fp = Fingerprinter.withDefaultKey();
    Evidence e = Evidence.of(m, fp, Instant.parse("2026-11-02T12:00:00Z"));
    assertEquals("123456789012", e.accountId());
    assertEquals("key_id", e.belongsTo().name());
    assertEquals("…" + keyId.substring(16), e.belongsTo().preview());
    assertEquals(fp.fingerprint(keyId.getBytes(StandardCharsets.US_ASCII)), e.belongsTo().fingerprint());
    assertFalse(e.toString().contains(secret));
    assertFalse(e.toString().contains(keyId));
  }

  @Test
  void awsEnvExportsAndStsJson_arePairs() {
    TokenForge f = new TokenForge(new Random(2));
    String keyId = f.awsKeyId("ASIA", 42L);
    String secret = f.random(TokenForge.ALNUM + "/+", 40);
    for (String text : List.of(
        "export AWS_ACCESS_KEY_ID=" + keyId + "\nexport AWS_SECRET_ACCESS_KEY=" + secret + "\n",
        "{\"Credentials\": {\"AccessKeyId\": \"" + keyId + "\", \"SecretAccessKey\": \"" + secret + "\"}}",
        "{\n  \"AccessKeyId\": \"" + keyId + "\",\n  \"SecretAccessKey\": \"" + secret + "\"\n}",
        "aws configure set aws_access_key_id " + keyId + "\naws configure set aws_secret_access_key " + secret)) {
      List<Match> found = reported(text);
      assertEquals(1, found.size(), text.substring(0, 12) + ": " + found);
      assertEquals(keyId, text(found.get(0).identifier().value()));
      Evidence e = Evidence.of(found.get(0), Fingerprinter.withDefaultKey(), Instant.now());
      assertEquals("000000000042", e.accountId(), "account ids keep their twelve digits");
    }
  }

  @Test
  void awsSecretAfterAnotherValue_isReportedAloneAndKeyIdToo() {
    // a value between them could be anything, another profile's key id included: no pairing
    TokenForge f = new TokenForge(new Random(3));
    String keyId = f.awsKeyId("AKIA", 7L);
    String secret = f.random(TokenForge.ALNUM + "/+", 40);
    String text = "aws_access_key_id = " + keyId + "\nregion = us-east-1\naws_secret_access_key = " + secret + "\n";
    List<Match> found = reported(text);
    assertEquals(List.of("ts.aws.1", "ts.aws.3"), found.stream().map(m -> m.rule().id()).toList());
    assertNull(found.get(1).identifier());
    Evidence keyEvidence = Evidence.of(found.get(0), Fingerprinter.withDefaultKey(), Instant.now());
    assertEquals("000000000007", keyEvidence.accountId(), "a key id's own finding shows its account");
    assertNull(keyEvidence.belongsTo());
  }

  @Test
  void urlPassword_namesItsUser() {
    List<Match> found = reported("git clone https://deploy-bot:TINxV2D2dt0Vyrll1LKy4nSW@gitlab.example.com/acme/infra.git");
    assertEquals(1, found.size());
    assertEquals("user", found.get(0).identifier().name());
    assertEquals("deploy-bot", text(found.get(0).identifier().value()));
    Evidence e = Evidence.of(found.get(0), Fingerprinter.withDefaultKey(), Instant.now());
    assertEquals("[10 chars hidden]", e.belongsTo().preview(), "user names are redacted like secrets");
    assertNull(e.accountId());
    assertNull(reported("redis-cli -u redis://:MDWLgf78VDB03yPmeUqSxKl6@cache.internal:6379/0").get(0).identifier(),
        "no user: nothing to name");
  }

  @Test
  void clientSecret_namesItsClientIdAndWinsOverTheGenericRule() {
    String secret = "hPvai5cbzYVRDELilmP56JG_e1KZLr~7e6P_XqsM";
    for (String text : List.of(
        "{\"client_id\": \"orders-api\", \"client_secret\": \"" + secret + "\"}",
        "grant_type=client_credentials&client_id=orders-api&client_secret=" + secret + "&scope=api",
        "app --client-id orders-api --client-secret " + secret,
        "ORDERS_CLIENT_ID=orders-api ORDERS_CLIENT_SECRET=" + secret)) {
      List<Match> found = reported(text);
      assertEquals(1, found.size(), text);
      assertEquals("ts.oauth.9", found.get(0).rule().id(), text);
      assertEquals("client_id", found.get(0).identifier().name());
      assertEquals("orders-api", text(found.get(0).identifier().value()));
    }
  }

  @Test
  void onePerSpan_providerRuleWinningASpanTakesThePairsIdentifier() {
    Rule provider = new Rule("ts.acme.1", "ACME client secret", Kind.API_KEY, List.of("acme_"), "(acme_[a-z0-9]{20})",
        null, null, Severity.HIGH, null, null, null, null, null, null, null);
    Rule pair = Rules.builtin().stream().filter(r -> r.id().equals("ts.oauth.9")).findFirst().orElseThrow();
    byte[] s = "acme_0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    Match.Identifier id = new Match.Identifier("client_id", 3, 9, "web-01".getBytes(StandardCharsets.US_ASCII));
    List<Match> sorted = List.of(new Match(provider, 20, 45, 20, 45, s), new Match(pair, 20, 45, 0, 45, s, id));
    List<Match> one = Match.onePerSpan(sorted);
    assertEquals(1, one.size());
    assertEquals("ts.acme.1", one.get(0).rule().id(), "the rule listed first keeps the span");
    assertEquals(id, one.get(0).identifier(), "and says what the secret belongs to");
  }

  @Test
  void lint_identifierGroupMustNotTakeTheSecretsPlace() {
    Rule unnamedSecret = new Rule("acme.pair.1", "pair", Kind.API_KEY, List.of("acme_"),
        "(?P<key_id>k[0-9]{4}) (acme_[a-z0-9]{20})", null, null, Severity.HIGH, null,
        List.of("x k1234 acme_0123456789abcdefghij"), List.of("x"), null, null, null, null);
    assertTrue(RuleLinter.lint(List.of(unnamedSecret)).stream().anyMatch(p -> p.message().contains("(?P<secret>")));
    Rule two = new Rule("acme.pair.2", "pair", Kind.API_KEY, List.of("acme_"),
        "(?P<a>k[0-9]{4}) (?P<b>u[0-9]) (?P<secret>acme_[a-z0-9]{20})", null, null, Severity.HIGH, null,
        List.of("x k1234 u1 acme_0123456789abcdefghij"), List.of("x"), null, null, null, null);
    assertTrue(RuleLinter.lint(List.of(two)).stream().anyMatch(p -> p.message().contains("at most one")));
    Rule good = new Rule("acme.pair.3", "pair", Kind.API_KEY, List.of("acme_"),
        "(?P<key_id>k[0-9]{4}) (?P<secret>acme_[a-z0-9]{20})", null, null, Severity.HIGH, null,
        List.of("x k1234 acme_0123456789abcdefghij"), List.of("x k1234 acme_short"), null, null, null, null);
    assertEquals(List.of(), RuleLinter.lint(List.of(good)));
    Match m = new KeywordDetector(List.of(good)).findAll("x k1234 acme_0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII))
        .get(0);
    assertEquals("acme_0123456789abcdefghij", m.secretText());
    assertEquals("k1234", text(m.identifier().value()));
  }

  @Test
  void match_toStringNamesTheIdentifierButNoValue() {
    Match m = reported("https://deploy-bot:TINxV2D2dt0Vyrll1LKy4nSW@gitlab.example.com").get(0);
    assertFalse(m.toString().contains("deploy-bot"));
    assertFalse(m.toString().contains("TINxV2D2"));
    assertTrue(m.toString().contains("user"));
  }
}

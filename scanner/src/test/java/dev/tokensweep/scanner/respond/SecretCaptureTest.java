package dev.tokensweep.scanner.respond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the capture keeps, how it pairs AWS keys, where it stops; and how answers move severities. */
class SecretCaptureTest {
  static final Instant NOW = Instant.parse("2026-11-02T12:00:00Z");

  static void offer(SecretCapture c, String rule, String secret, String fp, String path, long offset) {
    c.offer(rule, secret.getBytes(StandardCharsets.US_ASCII), fp, path, offset);
  }

  @Test
  void offer_unsupportedRuleOrShape_keepsNothing() {
    SecretCapture c = SecretCapture.forValidation(NOW);
    offer(c, "ts.oauth.1", "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA", "a", "f", 0);
    offer(c, "ts.generic.1", Samples.all(1).get("github").secret(), "b", "f", 10); // a GitHub shape under a generic rule
    offer(c, "ts.github.1", "ghp_short", "c", "f", 20);
    assertEquals(List.of(), c.credentials());
    assertNull(c.skipped("a"), "no provider claims a generic bearer token");
  }

  @Test
  void offer_sameFingerprintTwice_keepsOneSecret() {
    SecretCapture c = SecretCapture.forValidation(NOW);
    String t = Samples.all(1).get("github").secret();
    offer(c, "ts.github.1", t, "fp", "a", 0);
    offer(c, "ts.github.1", t, "fp", "b", 0);
    assertEquals(1, c.credentials().size());
  }

  @Test
  void offer_beyondTheBound_isCountedAndSaysWhy() {
    SecretCapture c = SecretCapture.forValidation(NOW, 2);
    for (int i = 0; i < 5; i++) {
      offer(c, "ts.github.1", Samples.all(100 + i).get("github").secret(), "fp" + i, "f", i);
    }
    assertEquals(2, c.credentials().size());
    assertEquals(3, c.dropped());
    assertTrue(c.skipped("fp4").reason().startsWith("more distinct secrets than one run keeps"), c.skipped("fp4").reason());
  }

  @Test
  void offer_refreshAndExpiredTokens_areNotSentAndSayWhy() {
    SecretCapture c = SecretCapture.forValidation(NOW);
    offer(c, "ts.github.5", "ghr_" + "a1".repeat(38), "r", "f", 0);
    String expired = new dev.tokensweep.detectors.rule.TokenForge(new java.util.Random(1)).jwt("{\"alg\":\"RS256\"}",
        "{\"aud\":\"https://graph.microsoft.com\",\"iss\":\"https://login.microsoftonline.com/t/v2.0\",\"exp\":1600000000}");
    offer(c, "ts.oauth.6", expired, "e", "f", 10);
    String foreign = new dev.tokensweep.detectors.rule.TokenForge(new java.util.Random(2)).jwt("{\"alg\":\"RS256\"}",
        "{\"aud\":\"https://graph.microsoft.com\",\"iss\":\"https://evil.example/\",\"exp\":1900000000}");
    offer(c, "ts.oauth.6", foreign, "x", "f", 20);
    assertEquals(List.of(), c.credentials());
    assertEquals("github", c.skipped("r").provider());
    assertTrue(c.skipped("r").reason().contains("refresh token"));
    assertTrue(c.skipped("e").reason().contains("expired by its own exp claim"));
    assertTrue(c.skipped("x").reason().contains("issuer is not Microsoft's"));
  }

  @Test
  void offer_tokensTheirEndpointDoesNotTakeAlone_areNotSentAndSayWhy() {
    SecretCapture c = SecretCapture.forValidation(NOW);
    offer(c, "ts.circleci.2", "CCIPRJ_" + "a1B2".repeat(5) + "c3_" + "0f".repeat(20), "project", "f", 0);
    offer(c, "ts.datadog.2", "0a".repeat(20), "app", "f", 100);
    offer(c, "ts.cloudflare.2", "cfat_" + "Ab1".repeat(14), "account", "f", 200);
    offer(c, "ts.cloudflare.4", "0a1b2c3d4e5f".repeat(3) + "9", "global", "f", 300);
    offer(c, "ts.dropbox.2", "Zx9".repeat(10), "refresh", "f", 400);
    offer(c, "ts.airtable.1", "key" + "Ab1".repeat(4) + "xy", "legacy", "f", 500);
    assertEquals(List.of(), c.credentials(), "a token its provider's endpoint does not take alone was kept for a request");
    assertTrue(c.skipped("project").reason().contains("takes personal tokens only"), c.skipped("project").reason());
    assertTrue(c.skipped("app").reason().contains("needs its API key"), c.skipped("app").reason());
    assertTrue(c.skipped("account").reason().contains("account-owned"), c.skipped("account").reason());
    assertTrue(c.skipped("global").reason().contains("e-mail address"), c.skipped("global").reason());
    assertTrue(c.skipped("refresh").reason().contains("app's key"), c.skipped("refresh").reason());
    assertTrue(c.skipped("legacy").reason().contains("legacy API key"), c.skipped("legacy").reason());
  }

  @Test
  void credentials_awsSecret_pairsWithTheNearestKeyIdInItsLeaf() {
    SecretCapture c = SecretCapture.forValidation(NOW);
    String secret = Samples.all(1).get("aws").secret();
    offer(c, "ts.aws.1", Samples.awsKeyId(1), "far", "creds", 0);
    offer(c, "ts.aws.1", Samples.awsKeyId(2), "near", "creds", 3000);
    offer(c, "ts.aws.3", secret, "sec", "creds", 3060);
    offer(c, "ts.aws.1", Samples.awsKeyId(3), "other-file", "other", 3070);
    List<Credential> creds = c.credentials();
    assertEquals(1, creds.size());
    Credential k = creds.get(0);
    assertEquals("near+sec", k.key());
    assertEquals(Samples.awsKeyId(2), k.keyId());
    assertEquals(Set.of("near", "sec"), k.fingerprints());
    assertTrue(c.skipped("far").reason().contains("no secret access key found within 4096 bytes"));
    assertTrue(c.skipped("other-file").reason().contains("no secret access key"));
  }

  @Test
  void credentials_temporaryKey_takesTheSessionTokenNearIt() {
    SecretCapture c = SecretCapture.forValidation(NOW);
    String asia = "ASIA" + Samples.awsKeyId(4).substring(4);
    offer(c, "ts.aws.2", asia, "id", "env", 0);
    offer(c, "ts.aws.3", Samples.all(4).get("aws").secret(), "sec", "env", 60);
    offer(c, "ts.aws.4", "IQoJb3JpZ2luX2Vj" + "A".repeat(200), "tok", "env", 140);
    Credential k = c.credentials().get(0);
    assertNotNull(k.sessionToken());
    assertEquals(Set.of("id", "sec", "tok"), k.fingerprints());
  }

  @Test
  void forFingerprints_keepsOnlyTheChosenRevocableSecrets() {
    SecretCapture c = SecretCapture.forFingerprints(Set.of("gh", "npm"), NOW);
    offer(c, "ts.github.1", Samples.all(1).get("github").secret(), "gh", "f", 0);
    offer(c, "ts.github.1", Samples.all(2).get("github").secret(), "other", "f", 50);
    offer(c, "ts.npm.1", Samples.all(1).get("npm").secret(), "npm", "f", 100);
    assertNotNull(c.credential("gh"));
    assertNull(c.credential("other"));
    assertNull(c.credential("npm"));
    assertEquals("npm has no revocation endpoint for it", c.skipped("npm").reason());
  }

  @Test
  void credential_toString_neverShowsTheSecret() {
    SecretCapture c = SecretCapture.forValidation(NOW);
    String t = Samples.all(1).get("github").secret();
    offer(c, "ts.github.1", t, "fp", "f", 0);
    assertFalse(c.credentials().toString().contains(t.substring(4, 20)));
    assertFalse(c.toString().contains(t.substring(4, 20)));
  }

  static Evidence evidence(Severity s) {
    return new Evidence("ts.github.1", "GitHub PAT", Kind.API_KEY, s, "ghp_…abcd", "f".repeat(64), 40, 5.0, null, "unknown",
        null, List.of(), "rule severity");
  }

  static Validation answer(String status, List<String> scopes, String identity) {
    return new Validation(status, "github", identity, null, scopes, null, null, NOW, Validation.SOURCE_REQUEST, "k");
  }

  @Test
  void severities_liveRaises_broadOrRootIsCritical_invalidLowers_unknownKeeps() {
    assertEquals(Severity.HIGH, Severities.apply(evidence(Severity.MEDIUM), answer("live", List.of("gist"), "u")).severity());
    assertEquals(Severity.CRITICAL, Severities.apply(evidence(Severity.HIGH), answer("live", List.of("repo"), "u")).severity());
    assertEquals(Severity.CRITICAL, Severities.apply(evidence(Severity.HIGH),
        answer("live", List.of(), "arn:aws:iam::123456789012:root")).severity());
    assertEquals(Severity.CRITICAL, Severities.apply(evidence(Severity.CRITICAL), answer("live", List.of(), "u")).severity());
    Evidence low = Severities.apply(evidence(Severity.CRITICAL), answer("invalid", List.of(), null));
    assertEquals(Severity.LOW, low.severity());
    assertEquals("rejected by github (revoked, expired or not valid); before: rule severity", low.why());
    Evidence same = evidence(Severity.HIGH);
    assertEquals(same, Severities.apply(same, answer("unknown", List.of(), null)));
  }
}

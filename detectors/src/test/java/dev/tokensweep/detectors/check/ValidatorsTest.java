package dev.tokensweep.detectors.check;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.evidence.Redaction;
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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValidatorsTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void githubCrc32_forgedTokens_verifyAndOneCharChangeFails() {
    TokenForge f = new TokenForge(new Random(1));
    for (int i = 0; i < 200; i++) {
      String t = f.base62Crc32("ghp_");
      assertTrue(Validators.check("github-crc32", b(t)));
      char c = t.charAt(10) == 'a' ? 'b' : 'a';
      assertFalse(Validators.check("github-crc32", b(t.substring(0, 10) + c + t.substring(11))));
      assertTrue("01234".indexOf(t.charAt(34)) >= 0, "first checksum char is 0-4");
      assertFalse(Validators.check("github-crc32", b(f.base62Crc32Wrong("gho_"))));
    }
  }

  @Test
  void gitlabRoutable_forgedTokens_verify() {
    TokenForge f = new TokenForge(new Random(2));
    for (int i = 0; i < 50; i++) {
      String t = f.gitlabRoutable("glpat-");
      assertTrue(Validators.check("gitlab-routable-crc32", b(t)), t.substring(0, 6));
      assertFalse(Validators.check("gitlab-routable-crc32", b(t.substring(0, t.length() - 1) + (t.endsWith("0") ? "1" : "0"))));
    }
  }

  @Test
  void basicAuth_decodesUserColonPasswordAndRejectsPlaceholders() {
    java.util.Base64.Encoder e = java.util.Base64.getEncoder();
    TokenForge f = new TokenForge(new Random(9));
    String pw = f.random(TokenForge.ALNUM, 20);
    assertTrue(Validators.check("basic-auth", b(e.encodeToString(b("svc-deploy:" + pw)))));
    assertTrue(Validators.check("basic-auth", b(e.encodeToString(b("svc:" + pw)).replace("=", ""))), "padding optional");
    assertFalse(Validators.check("basic-auth", b(e.encodeToString(b("username:password")))));
    assertFalse(Validators.check("basic-auth", b(e.encodeToString(b("user:")))), "empty password");
    assertFalse(Validators.check("basic-auth", b(e.encodeToString(b("nocolonhere")))));
    assertFalse(Validators.check("basic-auth", b(e.encodeToString(b("user:<redacted>")))));
    assertFalse(Validators.check("basic-auth", b(e.encodeToString(new byte[] {1, 2, ':', 3, 4, 5}))), "binary");
    assertFalse(Validators.check("basic-auth", b("not base64 at all!")));
  }

  @Test
  void jwt_decode_readsClaimsAndExpiry() {
    TokenForge f = new TokenForge(new Random(3));
    String t = f.accessJwt("https://sts.windows.net/tid/", "https://graph.microsoft.com", "Mail.ReadWrite User.Read",
        1_800_000_000L, 3600);
    Jwt.Claims c = Jwt.decode(b(t));
    assertNotNull(c);
    assertEquals("RS256", c.alg());
    assertEquals("https://sts.windows.net/tid/", c.iss());
    assertEquals(List.of("https://graph.microsoft.com"), c.aud());
    assertEquals(List.of("Mail.ReadWrite", "User.Read"), c.scopes());
    assertEquals(3600L, c.lifetimeSeconds());
    assertFalse(c.expiredAt(Instant.ofEpochSecond(1_800_000_100L)));
    assertTrue(c.expiredAt(Instant.ofEpochSecond(1_800_003_600L)));
    assertNull(Jwt.decode(b("eyJnotajwt.eyJx.y")));
  }

  @Test
  void jwt_signatureCutOff_isNotUsableUnlessAlgNone() {
    TokenForge f = new TokenForge(new Random(12));
    String t = f.accessJwt("iss", "aud", "User.Read", 1_800_000_000L, 3600);
    assertTrue(Validators.check("jwt", b(t)));
    String cut = t.substring(0, t.lastIndexOf('.') + 1);
    assertFalse(Validators.check("jwt", b(cut)), "header and claims without their signature");
    String none = f.jwt("{\"alg\":\"none\"}", "{\"sub\":\"svc\",\"iat\":1800000000}");
    assertTrue(Validators.check("jwt", b(none.substring(0, none.lastIndexOf('.') + 1))), "alg none needs no signature");
  }

  @Test
  void evidence_liveBroadJwt_isCriticalAndExpiredIsLow() {
    TokenForge f = new TokenForge(new Random(4));
    Rule rule = Rules.builtin().get(0);
    String t = f.accessJwt("https://sts.windows.net/tid/", "aud", "Directory.ReadWrite.All", 1_800_000_000L, 3600);
    Match m = new Match(new Rule("ts.test.1", "jwt", Kind.ACCESS_TOKEN, List.of("eyJ"), "(eyJ.*)", null, null,
        Severity.HIGH, null, null, null, null, null, null, null), 0, t.length(), 0, t.length(), b(t));
    Fingerprinter fp = Fingerprinter.withDefaultKey();
    Evidence live = Evidence.of(m, fp, Instant.ofEpochSecond(1_800_000_010L));
    assertEquals(Severity.CRITICAL, live.severity());
    assertEquals("live", live.status());
    assertEquals(List.of("Directory.ReadWrite.All"), live.broadScopes());
    Evidence expired = Evidence.of(m, fp, Instant.ofEpochSecond(1_900_000_000L));
    assertEquals(Severity.LOW, expired.severity());
    assertEquals("expired", expired.status());
    assertTrue(live.preview().startsWith("eyJ…"));
    assertEquals(3 + 1 + 4, live.preview().length());
    assertNotNull(rule);
  }

  @Test
  void evidence_deviceCodeFromAnOldHistoryEntry_isExpiredAndLow() {
    Rule dc = Rules.builtin().stream().filter(r -> r.kind() == Kind.DEVICE_CODE).findFirst().orElseThrow();
    byte[] code = b("3584d83530557fdd1f46af8289938c8ef79f9dc5");
    Match m = new Match(dc, 0, code.length, 0, code.length, code);
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    Evidence old = Evidence.of(m, Fingerprinter.withDefaultKey(), now, Evidence.Hint.seenAt(now.minusSeconds(3600)));
    assertEquals(Severity.LOW, old.severity());
    assertEquals("expired", old.status());
    Evidence fresh = Evidence.of(m, Fingerprinter.withDefaultKey(), now, Evidence.Hint.seenAt(now.minusSeconds(120)));
    assertEquals(Severity.HIGH, fresh.severity());
    assertEquals(Severity.HIGH, Evidence.of(m, Fingerprinter.withDefaultKey(), now).severity(), "no time known: assume live");
  }

  @Test
  void redaction_shortSecret_showsNothingAndLongShowsPrefixAndLastFour() {
    Rule gh = Rules.builtin().stream().filter(r -> r.id().equals("ts.github.2")).findFirst().orElseThrow();
    TokenForge f = new TokenForge(new Random(6));
    String t = f.base62Crc32("gho_");
    assertEquals("gho_…" + t.substring(36), Redaction.preview(gh, b(t)));
    assertEquals("[9 chars hidden]", Redaction.preview(gh, b("WDJBMJHTX")));
  }

  @Test
  void fingerprint_dependsOnKeyAndSecret() {
    Fingerprinter a = new Fingerprinter(b("key-a"));
    Fingerprinter b = new Fingerprinter(b("key-b"));
    assertEquals(a.fingerprint(b("s1")), a.fingerprint(b("s1")));
    assertFalse(a.fingerprint(b("s1")).equals(a.fingerprint(b("s2"))));
    assertFalse(a.fingerprint(b("s1")).equals(b.fingerprint(b("s1"))));
    assertEquals(64, a.fingerprint(b("s1")).length());
  }

  @Test
  void entropy_thresholdsSeparateRandomFromWords() {
    TokenForge f = new TokenForge(new Random(8));
    assertTrue(Entropy.looksRandom(b(f.random(TokenForge.HEX, 40))));
    assertTrue(Entropy.looksRandom(b(f.random(TokenForge.B64URL, 40))));
    assertFalse(Entropy.looksRandom(b("passwordpasswordpassword")));
    assertFalse(Entropy.looksRandom(b("aaaabbbbccccddddeeee")));
  }

  private static Match opaque(Kind kind, Severity sev, String secret) {
    return new Match(new Rule("ts.test.2", "opaque", kind, List.of("x"), "(x)", null, null, sev, null, null, null, null,
        null, null, null), 0, secret.length(), 0, secret.length(), b(secret));
  }

  @Test
  void evidence_storeExpiry_decidesStatusOfOpaqueTokens() {
    String t = new TokenForge(new Random(6)).random(TokenForge.B64URL, 40);
    Match m = opaque(Kind.ACCESS_TOKEN, Severity.MEDIUM, t);
    Fingerprinter fp = Fingerprinter.withDefaultKey();
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    assertEquals("unknown", Evidence.of(m, fp, now).status());
    Evidence live = Evidence.of(m, fp, now, new Evidence.Hint(false, now.plusSeconds(60), false));
    assertEquals("live", live.status());
    assertEquals(Severity.HIGH, live.severity());
    Evidence expired = Evidence.of(m, fp, now, new Evidence.Hint(false, now, false));
    assertEquals("expired", expired.status());
    assertEquals(Severity.LOW, expired.severity());
  }

  @Test
  void evidence_storedRefreshAndFamilyRefresh_areCriticalRefreshTokens() {
    String t = new TokenForge(new Random(7)).random(TokenForge.B64URL, 60);
    Match m = opaque(Kind.PASSWORD, Severity.MEDIUM, t);
    Fingerprinter fp = Fingerprinter.withDefaultKey();
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    Evidence refresh = Evidence.of(m, fp, now, new Evidence.Hint(true, null, false));
    assertEquals(Kind.REFRESH_TOKEN, refresh.kind());
    assertEquals(Severity.CRITICAL, refresh.severity());
    Evidence family = Evidence.of(m, fp, now, new Evidence.Hint(false, null, true));
    assertEquals(Kind.REFRESH_TOKEN, family.kind());
    assertEquals(Severity.CRITICAL, family.severity());
    assertTrue(family.why().startsWith("family refresh token"), family.why());
  }

  @Test
  void evidence_jwtExpiryWinsOverTheStore() {
    TokenForge f = new TokenForge(new Random(8));
    String t = f.accessJwt("https://sts.windows.net/tid/", "aud", "User.Read", 1_800_000_000L, 3600);
    Match m = opaque(Kind.ACCESS_TOKEN, Severity.HIGH, t);
    Instant now = Instant.ofEpochSecond(1_900_000_000L);
    Evidence e = Evidence.of(m, Fingerprinter.withDefaultKey(), now, new Evidence.Hint(false, now.plusSeconds(600), false));
    assertEquals("expired", e.status());
    assertEquals("JWT expired at scan time", e.why());
  }

  @Test
  void basicAuth_lengthOneMoreThanMultipleOfFour_rejectedWithoutThrowing() {
    // found by WindowFilterTest's random text: "==".substring(0, 3) threw out of the scan
    assertFalse(Validators.basicAuth("ZGVwbG95OnNlY3JldDEyMzQ1N".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(Validators.basicAuth("ZGVwbG95OnNlY3JldDEyMzQ1N=".getBytes(StandardCharsets.US_ASCII)));
  }
}

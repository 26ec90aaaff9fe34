package dev.tokensweep.detectors;

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

  @Test
  void basicAuth_lengthOneMoreThanMultipleOfFour_rejectedWithoutThrowing() {
    // found by WindowFilterTest's random text: "==".substring(0, 3) threw out of the scan
    assertFalse(Validators.basicAuth("ZGVwbG95OnNlY3JldDEyMzQ1N".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(Validators.basicAuth("ZGVwbG95OnNlY3JldDEyMzQ1N=".getBytes(StandardCharsets.US_ASCII)));
  }
}

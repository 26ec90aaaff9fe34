package dev.tokensweep.detectors.rule;

import dev.tokensweep.detectors.check.Validators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TokenForge#like}: fresh secrets in the shape of an example, checksums and structures kept valid. */
class TokenForgeTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void like_checksummedTokens_verifyAgainAndDiffer() {
    TokenForge f = new TokenForge(new Random(1));
    for (int i = 0; i < 50; i++) {
      String gh = f.base62Crc32("ghp_");
      String npm = f.base62Crc32("npm_");
      String gl = f.gitlabRoutable("glpat-");
      String gr = f.grafanaServiceAccount();
      String py = f.pypiToken("pypi.org", "{\"version\": 1}");
      for (String[] c : List.of(new String[] {gh, "ghp_", "github-crc32"}, new String[] {npm, "npm_", "npm-crc32"},
          new String[] {gl, "glpat-", "gitlab-routable-crc32"}, new String[] {gr, "glsa_", "grafana-crc32"},
          new String[] {py, "pypi-AgEIcHlwaS5vcmc", "pypi-macaroon"})) {
        String fresh = f.like(c[0], c[1].length(), List.of(c[2]));
        assertEquals(c[0].length(), fresh.length(), c[2]);
        assertTrue(fresh.startsWith(c[1]), c[2]);
        assertNotEquals(c[0], fresh, c[2]);
        assertTrue(Validators.check(c[2], b(fresh)), c[2] + " no longer verifies");
      }
    }
  }

  @Test
  void like_jwtKeepsHeaderAndClaimsWithANewSignature() {
    TokenForge f = new TokenForge(new Random(2));
    String t = f.accessJwt("https://sts.windows.net/tid/", "aud", "User.Read", 1_800_000_000L, 3600);
    String fresh = f.like(t, 3, List.of("jwt"));
    assertEquals(t.substring(0, t.lastIndexOf('.')), fresh.substring(0, fresh.lastIndexOf('.')));
    assertNotEquals(t, fresh);
    assertTrue(Validators.check("jwt", b(fresh)));
  }

  @Test
  void like_basicCredentialKeepsItsUser() {
    TokenForge f = new TokenForge(new Random(3));
    String cred = Base64.getEncoder().encodeToString(b("svc-deploy:" + f.random(TokenForge.ALNUM, 20)));
    String fresh = f.like(cred, 0, List.of("basic-auth"));
    assertTrue(Validators.check("basic-auth", b(fresh)));
    String decoded = new String(Base64.getDecoder().decode(fresh), StandardCharsets.ISO_8859_1);
    assertTrue(decoded.startsWith("svc-deploy:"), "user kept");
    assertNotEquals(cred, fresh);
  }

  @Test
  void redraw_keepsEachCharactersClassAndTheAlphabetOfHexAndBase32() {
    TokenForge f = new TokenForge(new Random(4));
    for (int i = 0; i < 200; i++) {
      assertTrue(f.redraw("3f9a1c2e0b7d").matches("[0-9a-f]{12}"));
      assertTrue(f.redraw("OCWNXITHMXANCZY5").matches("[A-Z2-7]{16}"));
      String mixed = f.redraw("xoxb-1234-AbCd.ef/+");
      assertTrue(mixed.matches("[a-z]{4}-[0-9]{4}-[A-Z][a-z][A-Z][a-z]\\.[a-z]{2}/\\+"), mixed);
    }
  }
}

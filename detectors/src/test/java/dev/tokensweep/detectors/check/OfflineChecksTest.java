package dev.tokensweep.detectors.check;

import dev.tokensweep.detectors.engine.RuleLinter;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The provider-defined offline checks: PyPI macaroons, AWS key id account ids, Grafana checksums. */
class OfflineChecksTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static final String CAVEAT = "{\"permissions\": \"user\", \"version\": 1}";

  @Test
  void pypiMacaroon_forgedTokensVerifyForBothLocations() {
    TokenForge f = new TokenForge(new Random(1));
    for (int i = 0; i < 100; i++) {
      String t = f.pypiToken(i % 2 == 0 ? "pypi.org" : "test.pypi.org", CAVEAT);
      assertTrue(Validators.check("pypi-macaroon", b(t)), "token " + i);
      assertTrue(t.startsWith(i % 2 == 0 ? "pypi-AgEIcHlwaS5vcmc" : "pypi-AgENdGVzdC5weXBpLm9yZw"));
    }
  }

  @Test
  void pypiMacaroon_randomBase64AfterThePrefix_fails() {
    TokenForge f = new TokenForge(new Random(2));
    for (int i = 0; i < 200; i++) {
      String t = "pypi-AgEIcHlwaS5vcmc" + f.random(TokenForge.B64URL, 60 + i);
      assertFalse(Validators.check("pypi-macaroon", b(t)));
    }
  }

  @Test
  void pypiMacaroon_cutShortOrExtendedOrOtherLocation_fails() {
    TokenForge f = new TokenForge(new Random(3));
    String t = f.pypiToken("pypi.org", CAVEAT);
    assertFalse(Validators.check("pypi-macaroon", b(t.substring(0, t.length() - 8))), "signature cut short");
    assertFalse(Validators.check("pypi-macaroon", b(t + "AAAA")), "bytes after the signature");
    String other = f.pypiToken("evil.example", CAVEAT);
    assertFalse(Validators.check("pypi-macaroon", b(other)), "location not PyPI");
    assertFalse(Validators.check("pypi-macaroon", b("pypi-")));
    assertFalse(Validators.check("pypi-macaroon", b("pypa-" + t.substring(5))));
  }

  @Test
  void pypiMacaroon_theRuleExamplesAreMacaroons() {
    for (Rule r : Rules.builtin()) {
      if (r.validate().contains("pypi-macaroon")) {
        for (int i = 0; i < r.examples().size(); i++) {
          assertNull(RuleLinter.checkExample(r, i), r.id());
        }
      }
    }
  }

  /** Mutated tokens and random bytes: the macaroon parser answers, it never throws or loops. */
  @Test
  void pypiMacaroon_fuzzedInput_neverThrows() {
    Random rnd = new Random(20261102L);
    TokenForge f = new TokenForge(rnd);
    long deadline = System.nanoTime() + 1_000_000_000L;
    int runs = 0;
    while (System.nanoTime() < deadline || runs < 1000) {
      byte[] raw = Base64.getUrlDecoder().decode(f.pypiToken("pypi.org", CAVEAT).substring(5));
      int edits = 1 + rnd.nextInt(4);
      for (int e = 0; e < edits; e++) {
        switch (rnd.nextInt(3)) {
          case 0 -> raw[rnd.nextInt(raw.length)] = (byte) rnd.nextInt(256);
          case 1 -> raw = java.util.Arrays.copyOf(raw, rnd.nextInt(raw.length + 1));
          default -> raw[rnd.nextInt(raw.length)] = (byte) 0x80; // a varint that never ends
        }
        if (raw.length == 0) {
          break;
        }
      }
      String t = "pypi-" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      Validators.check("pypi-macaroon", b(t)); // answers either way
      byte[] noise = new byte[rnd.nextInt(300)];
      rnd.nextBytes(noise);
      Validators.check("pypi-macaroon", b("pypi-" + new String(noise, StandardCharsets.ISO_8859_1)));
      runs++;
    }
    assertTrue(runs >= 1000);
  }

  @Test
  void awsAccountId_decodesThePublishedExampleAndForgedIds() {
    // the key id and account id published with the research on the format
    assertEquals(609_629_065_308L, Validators.awsAccountId(b("ASIAY34FZKBOKMUTVV7A")));
    TokenForge f = new TokenForge(new Random(4));
    for (int i = 0; i < 200; i++) {
      long account = f.awsAccount();
      String id = f.awsKeyId(i % 2 == 0 ? "AKIA" : "ASIA", account);
      assertEquals(20, id.length());
      assertEquals(account, Validators.awsAccountId(b(id)));
      assertTrue(Validators.check(Validators.AWS_ACCOUNT_ID, b(id)));
    }
  }

  @Test
  void awsAccountId_olderGenerationCarriesNoneAndPasses() {
    // the fifth character's high bit is 0 in ids issued before 2019 (AKIAI..., AKIAJ...)
    assertNull(Validators.awsAccountId(b("AKIAIOSFODNN7EXAMPLE")));
    assertTrue(Validators.check(Validators.AWS_ACCOUNT_ID, b("AKIAJ2QXBQ6KV4NTLZAA")));
  }

  @Test
  void awsAccountId_accountFieldAboveTwelveDigits_fails() {
    // current generation (high bit set) with the next 40 bits above 999,999,999,999
    assertFalse(Validators.check(Validators.AWS_ACCOUNT_ID, b("AKIA77SA5SMZT62UTMLK")));
    assertNull(Validators.awsAccountId(b("AKIA77SA5SMZT62UTMLK")));
    assertFalse(Validators.check(Validators.AWS_ACCOUNT_ID, b("AKIA1234567890123456")), "not base32");
    assertFalse(Validators.check(Validators.AWS_ACCOUNT_ID, b("AKIAY34FZKBOKMUTVV7")), "too short");
    assertNull(Validators.awsAccountId(b("AROAY34FZKBOKMUTVV7A")), "a role id, not an access key id");
  }

  @Test
  void grafanaCrc32_forgedTokensVerifyAndOneCharChangeFails() {
    TokenForge f = new TokenForge(new Random(5));
    for (int i = 0; i < 200; i++) {
      String t = f.grafanaServiceAccount();
      assertTrue(t.matches("glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}"), t.substring(0, 5));
      assertTrue(Validators.check("grafana-crc32", b(t)));
      char c = t.charAt(9) == 'a' ? 'b' : 'a';
      assertFalse(Validators.check("grafana-crc32", b(t.substring(0, 9) + c + t.substring(10))));
    }
    assertFalse(Validators.check("grafana-crc32", b("glsa_short")));
  }

  @Test
  void grafanaCrc32_littleEndianHexOfTheCrc() {
    // CRC32("123456789") = 0xcbf43926, written least significant byte first
    assertEquals("2639f4cb", Validators.grafanaChecksum(0xCBF43926L));
  }

  @Test
  void isOfflineCheck_structuresYesHeuristicsNo() {
    for (String v : List.of("github-crc32", "npm-crc32", "gitlab-routable-crc32", "jwt", "pypi-macaroon",
        "aws-account-id", "grafana-crc32", "basic-auth")) {
      assertTrue(Validators.isOfflineCheck(v), v);
    }
    for (String v : List.of("entropy", "not-hex-only", "mixed-case-or-digits", "no-such-check")) {
      assertFalse(Validators.isOfflineCheck(v), v);
    }
  }
}

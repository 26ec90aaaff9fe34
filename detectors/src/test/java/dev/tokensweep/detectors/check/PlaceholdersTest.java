package dev.tokensweep.detectors.check;

import dev.tokensweep.detectors.rule.TokenForge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Masks and documentation placeholders are never findings; values that merely look random are. */
class PlaceholdersTest {

  private static boolean placeholder(String s) {
    return Placeholders.isPlaceholder(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void masksAndPlaceholders_inAnyCase_areRecognised() {
    for (String s : new String[] {"", "<masked>", "[REDACTED]", "[Filtered]", "***HIDDEN***", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AKIAIOSFODNN7EXAMPLE", "${GITHUB_TOKEN}", "{{ secrets.NPM_TOKEN }}", "<token>", "YOUR_API_KEY_HERE", "ChangeMe123456",
        "aaaaaaaaaaaa", "0000000000000000", "****-****", "x-x-x-x", "sk_live_\u2026", "\u2022\u2022\u2022\u2022\u2022\u2022", "\u2588\u2588\u2588\u2588abc",
        "XXXX-XXXX", "akab-xxxx.luna.akamaiapis.net", "sk-xxxx1234", "AKIAXXXXXXXXXXXXXXXX", "glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_00000000",
        "ghp_ab12xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "xapp-1-AXXXXXXXXX-0000000000000-xxxx", "DUMMY_TOKEN", "YourToken", "my-Example-key"}) {
      assertTrue(placeholder(s), s);
    }
  }

  /**
   * A random body that holds a marker's letters in a mix of cases, or four x among random
   * letters, is a token: such bodies were dropped as placeholders, about one bearer JWT in 3,000.
   */
  @Test
  void randomBodies_withMarkerLettersInside_areNotPlaceholders() {
    TokenForge forge = new TokenForge(new Random(21));
    String[] inside = {"xXXx", "XxxX", "xxxx", "XXXX", "dUmMy", "ExAmPlE", "rEdacted", "sAmPLe"};
    for (int i = 0; i < 400; i++) {
      String body = forge.random(TokenForge.B64URL, 340);
      String planted = inside[i % inside.length];
      // letters on both sides: not a run that stands between separators
      String sig = body.substring(0, 100) + "Qz" + planted + "7k" + body.substring(100);
      String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2F1dGguYWNtZS5leGFtcGxlLyJ9." + sig;
      assertFalse(placeholder(jwt), "a JWT taken for a placeholder, marker " + planted + " planted in its signature");
    }
  }

  @Test
  void syntheticTokens_areNotPlaceholders() {
    TokenForge forge = new TokenForge(new Random(5));
    for (int i = 0; i < 2000; i++) {
      String t = forge.base62Crc32("ghp_");
      // a random 36-character body holds a marker ("xxxx", "<", ...) with negligible chance; fail loudly if it does
      assertFalse(placeholder(t), "a random token taken for a placeholder (fingerprint only): " + t.hashCode());
    }
    assertFalse(placeholder("Zm9vYmFyYmF6cXV4"));
    assertFalse(placeholder("a1b2c3d4e5f6a7b8"));
  }

  /** The markers searched without the engine's automaton: same answer as a plain search of each marker. */
  @Test
  void containsMarker_agreesWithAPlainSearch_onRandomBytes() {
    String[] markers = {"<masked>", "redacted", "example", "your_", "changeme", "${", "%s", "$(", "...", "xxxx", "****",
        "\u2026", "\u2588\u2588\u2588\u2588"};
    byte[] alphabet = "aAxX*.$({<>%sSeEmMrRdD_-0\u2026\u2588".getBytes(StandardCharsets.UTF_8);
    Random rnd = new Random(14);
    int found = 0;
    for (int i = 0; i < 20000; i++) {
      byte[] b = new byte[1 + rnd.nextInt(24)];
      for (int j = 0; j < b.length; j++) {
        b[j] = alphabet[rnd.nextInt(alphabet.length)];
      }
      if (rnd.nextInt(4) == 0) {
        byte[] m = markers[rnd.nextInt(markers.length)].toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        if (m.length <= b.length) {
          System.arraycopy(m, 0, b, rnd.nextInt(b.length - m.length + 1), m.length);
        }
      }
      boolean expected = plainSearch(b);
      found += expected ? 1 : 0;
      assertEquals(expected, Placeholders.containsMarker(b), "input " + i);
    }
    assertTrue(found > 1000, "the inputs must hold markers often enough to test something: " + found);
  }

  /**
   * The same question asked another way: every way of writing each marker that counts (lower, upper,
   * a capital first letter with at most one more) searched as a string, and {@code xxxx} judged by
   * a regular expression over its run.
   */
  private static boolean plainSearch(byte[] b) {
    String text = new String(b, StandardCharsets.ISO_8859_1);
    for (String m : Placeholders.markers()) {
      String marker = new String(m.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      for (String v : writings(marker)) {
        for (int at = text.indexOf(v); at >= 0; at = text.indexOf(v, at + 1)) {
          if (!marker.equals("xxxx") || maskRun(text, at)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static java.util.Set<String> writings(String marker) {
    java.util.Set<String> out = new java.util.HashSet<>();
    out.add(marker);
    out.add(marker.toUpperCase(java.util.Locale.ROOT));
    int first = -1;
    for (int i = 0; i < marker.length() && first < 0; i++) {
      first = Character.isLetter(marker.charAt(i)) && marker.charAt(i) < 128 ? i : -1;
    }
    if (first >= 0) {
      char[] c = marker.toCharArray();
      c[first] = Character.toUpperCase(c[first]);
      out.add(new String(c));
      for (int j = first + 1; j < c.length; j++) {
        if (c[j] >= 'a' && c[j] <= 'z') {
          char[] d = c.clone();
          d[j] = Character.toUpperCase(d[j]);
          out.add(new String(d));
        }
      }
    }
    return out;
  }

  private static boolean maskRun(String text, int at) {
    java.util.regex.Matcher run = java.util.regex.Pattern.compile("[xX]+").matcher(text);
    while (run.find()) {
      if (run.start() <= at && at < run.end()) {
        int n = run.end() - run.start();
        boolean apart = (run.start() == 0 || !text.substring(run.start() - 1, run.start()).matches("[A-Za-z0-9]"))
            && (run.end() == text.length() || !text.substring(run.end(), run.end() + 1).matches("[A-Za-z0-9]"));
        return n >= 8 || 4 * n >= text.length() || apart;
      }
    }
    throw new AssertionError("no run of x at " + at);
  }
}

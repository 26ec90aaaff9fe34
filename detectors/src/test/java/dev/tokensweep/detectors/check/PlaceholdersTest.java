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
        "aaaaaaaaaaaa", "0000000000000000", "****-****", "x-x-x-x", "sk_live_\u2026", "\u2022\u2022\u2022\u2022\u2022\u2022", "\u2588\u2588\u2588\u2588abc"}) {
      assertTrue(placeholder(s), s);
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

  private static boolean plainSearch(byte[] b) {
    String lower = new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    for (String m : Placeholders.markers()) {
      if (lower.contains(new String(m.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8),
          StandardCharsets.ISO_8859_1))) {
        return true;
      }
    }
    return false;
  }
}

package dev.tokensweep.detectors;

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
}

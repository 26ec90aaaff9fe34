package dev.tokensweep.detectors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written matchers against re2j, the reference: on random windows of text made of
 * tokens, near misses (parts too short, a missing dot, {@code =} padding, tabs, upper case, a word
 * byte or a byte above 0x7F just before the keyword) and noise, cut anywhere, each finds exactly
 * the matches, secrets included, that re2j's find loop finds in the same window.
 */
class ExactSpanTest {

  private static final String PIECES = " \t\n.=-_~+/\"':;,eyJbearerBEARERBearer0aZ\u00e9";

  /** Text that keeps coming close to both patterns. */
  static byte[] text(Random rnd, int pieces) {
    TokenForge f = new TokenForge(rnd);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < pieces; i++) {
      String s = switch (rnd.nextInt(9)) {
        case 0 -> f.accessJwt("https://login.example/", "api://x", "openid", 1_790_000_000L, 3600);
        case 1 -> "eyJ" + f.random(TokenForge.B64URL, rnd.nextInt(12)) + "." + "eyJ" + f.random(TokenForge.B64URL, rnd.nextInt(12))
            + (rnd.nextBoolean() ? "." + f.random(TokenForge.B64URL, rnd.nextInt(5)) : "");
        case 2 -> (rnd.nextBoolean() ? "Bearer" : rnd.nextBoolean() ? "bEaReR" : "bearer") + " \t".substring(0, 1 + rnd.nextInt(2)).repeat(rnd.nextInt(3))
            + f.random(TokenForge.ALNUM + "._~+/-", 15 + rnd.nextInt(10)) + "=".repeat(rnd.nextInt(3));
        case 3 -> "Authorization: Bearer " + f.jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"" + f.random(TokenForge.ALNUM, 4) + "\"}");
        case 4 -> f.random(TokenForge.B64URL, rnd.nextInt(30));
        case 5 -> String.valueOf(PIECES.charAt(rnd.nextInt(PIECES.length())));
        case 6 -> "xeyJ" + f.random(TokenForge.B64URL, 10) + ".eyJ" + f.random(TokenForge.B64URL, 10) + ".";
        case 7 -> "\u00e9bearer " + f.random(TokenForge.ALNUM, 24);
        default -> "abearer " + f.random(TokenForge.ALNUM, 24) + "==";
      };
      byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
      if (b.length > 0 && rnd.nextInt(4) == 0) {
        b[rnd.nextInt(b.length)] = (byte) PIECES.charAt(rnd.nextInt(PIECES.length()));
      }
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /** re2j's find loop over {@code buf[ws, we)}, as KeywordDetector.run reads it (identifier groups absent). */
  static int[] re2j(Pattern p, byte[] buf, int ws, int we) {
    Matcher m = p.matcher(new ByteWindow().reset(buf, ws, we));
    List<Integer> out = new ArrayList<>();
    while (m.find()) {
      out.addAll(List.of(m.start(), m.end(), m.start(1), m.start(1) < 0 ? -1 : m.end(1), -1, -1));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void find_randomWindows_sameMatchesAsRe2j() {
    Random rnd = new Random(16);
    int matched = 0;
    for (String pattern : List.of(ExactSpan.JWT, ExactSpan.BEARER)) {
      ExactSpan x = ExactSpan.of(pattern);
      assertNotNull(x);
      Pattern p = Pattern.compile(pattern);
      for (int round = 0; round < 300; round++) {
        byte[] buf = text(rnd, 30);
        for (int w = 0; w < 10; w++) {
          int ws = rnd.nextInt(buf.length + 1);
          int we = ws + rnd.nextInt(buf.length - ws + 1);
          int[] want = re2j(p, buf, ws, we);
          int[] got = x.find(buf, ws, we, ws, new int[0]);
          assertEquals(Arrays.toString(want), Arrays.toString(got), "window " + ws + ".." + we + " of round " + round);
          matched += want.length / 6;
        }
      }
    }
    assertTrue(matched > 1000, "the text matches often: " + matched);
  }

  @Test
  void of_builtinRules_bothPatternsStillInTheCatalogue() {
    // a pattern edited in the catalogue silently falls back to re2j; this says when that happened
    List<String> patterns = Rules.builtin().stream().map(Rule::pattern).toList();
    assertTrue(patterns.contains(ExactSpan.JWT), "ts.oauth.6's pattern changed: update ExactSpan.JWT or drop it");
    assertTrue(patterns.contains(ExactSpan.BEARER), "ts.oauth.1's pattern changed: update ExactSpan.BEARER or drop it");
    assertEquals(null, ExactSpan.of("\\b(eyJ[A-Za-z0-9_-]{8,})"));
  }
}

package dev.tokensweep.detectors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The anchored walk that takes the rest of the walk before it ({@link WindowFilter.Walk}) against
 * the same walk done alone, for every built-in rule anchored at its keyword: at each of the
 * rule's keyword occurrences in text made of its keywords, examples and runs of token characters
 * (walks that die, accept, or run to their limit, a few bytes or a rule's length apart), with
 * limits of every length, the answer and the last place a match may end are the same.
 */
class SharedWalkTest {
  private static final String TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~+/-=";

  @Test
  void everyAnchoredRule_sharedWalkAnswersAsAWalkAlone() {
    Random rnd = new Random(55);
    int rules = 0;
    long compared = 0;
    for (Rule rule : Rules.builtin()) {
      WindowFilter f = WindowFilter.orNone(rule.pattern(), rule.keywords());
      if (!f.anchoredAtKeyword()) {
        continue;
      }
      rules++;
      for (int round = 0; round < 6; round++) {
        byte[] buf = text(rule, rnd);
        String lower = new String(buf, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        WindowFilter.Walk walk = new WindowFilter.Walk();
        for (String k : rule.keywords()) {
          String kl = k.toLowerCase(Locale.ROOT);
          for (int p = lower.indexOf(kl); p >= 0; p = lower.indexOf(kl, p + 1)) {
            int to = (int) Math.min(buf.length, p + 2L + rnd.nextInt(rnd.nextBoolean() ? 64 : 2 * rule.length()));
            WindowFilter.Walk alone = new WindowFilter.Walk();
            int want = f.anchoredMatchEndOrDeath(buf, p, to, alone);
            int got = f.anchoredMatchEndOrDeath(buf, p, to, walk);
            String where = rule.id() + " at " + p + ".." + to;
            assertEquals(want, got, where);
            assertEquals(want, f.anchoredMatchEndOrDeath(buf, p, to), where + ": the walk without a Walk");
            if (got == to) {
              assertEquals(alone.lastAtEnd, walk.lastAtEnd, where + ": last place a match may end");
            }
            compared++;
          }
        }
      }
    }
    assertTrue(rules > 100, "anchored rules: " + rules);
    assertTrue(compared > 10_000, "walks compared: " + compared);
  }

  /** The rule's keywords, examples and token characters, in runs that keep walks alive or end them. */
  private static byte[] text(Rule rule, Random rnd) {
    StringBuilder b = new StringBuilder();
    while (b.length() < 6000) {
      switch (rnd.nextInt(6)) {
        case 0, 1 -> b.append(rule.keywords().get(rnd.nextInt(rule.keywords().size())));
        case 2 -> {
          if (!rule.examples().isEmpty()) {
            String e = rule.examples().get(rnd.nextInt(rule.examples().size()));
            b.append(e, 0, rnd.nextInt(e.length() + 1));
          }
        }
        case 3 -> {
          for (int i = rnd.nextInt(rnd.nextBoolean() ? 8 : 400); i > 0; i--) {
            b.append(TOKEN.charAt(rnd.nextInt(TOKEN.length())));
          }
        }
        case 4 -> b.append(" \n\":=,;".charAt(rnd.nextInt(7)));
        default -> b.append('.');
      }
    }
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}

package dev.tokensweep.detectors.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Backtracker;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The backtracking search against re2j's NFA on every built-in rule: windows cut anywhere from
 * text made of the rule's own examples and near misses (examples cut short, bytes changed, case
 * flipped, separators and bytes above 0x7F between them), searched from random places and then
 * on from each match as the detector's find loop goes on. Both must give the same match and the
 * same groups, as re2j's matcher gives them before and after it loads its groups. Failure
 * messages name the rule and offsets only: the examples are synthetic, but the habit holds.
 */
class BacktrackerTest {

  private static final String NOISE = " \t\n\r.=:;,\"'-_/+%&?#\u00e9\u00ffaZ09";

  /** Text near the rule's matches: its examples whole and damaged, with noise between. */
  private static byte[] text(Rule rule, Random rnd, int pieces) {
    List<String> seeds = new ArrayList<>(rule.examples() == null ? List.of() : rule.examples());
    if (rule.negativeExamples() != null) {
      seeds.addAll(rule.negativeExamples());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < pieces; i++) {
      byte[] b;
      if (seeds.isEmpty() || rnd.nextInt(4) == 0) {
        b = new byte[1 + rnd.nextInt(3)];
        for (int k = 0; k < b.length; k++) {
          b[k] = (byte) NOISE.charAt(rnd.nextInt(NOISE.length()));
        }
      } else {
        b = seeds.get(rnd.nextInt(seeds.size())).getBytes(StandardCharsets.UTF_8);
        switch (rnd.nextInt(6)) {
          case 0 -> b = Arrays.copyOfRange(b, rnd.nextInt(b.length / 2 + 1), b.length); // its start cut
          case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // its end cut
          case 2 -> {
            for (int k = rnd.nextInt(3); k >= 0 && b.length > 0; k--) {
              b[rnd.nextInt(b.length)] = (byte) NOISE.charAt(rnd.nextInt(NOISE.length()));
            }
          }
          case 3 -> {
            for (int k = 0; k < b.length; k++) {
              if (Character.isLetter(b[k]) && rnd.nextInt(3) == 0) {
                b[k] ^= 0x20;
              }
            }
          }
          default -> { } // whole
        }
      }
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /**
   * re2j's answer as {@link Backtracker#find} gives it: the match as found, then every group
   * once loaded (the second search, which must not move the match).
   */
  private static boolean re2j(Matcher m, int from, boolean continueFind, int groups, int[] out) {
    boolean found = continueFind ? m.find() : m.find(from);
    if (!found) {
      return false;
    }
    int start = m.start();
    int end = m.end();
    if (groups > 1) {
      m.start(1); // loads the groups, as the detector's start(secret group) does
    }
    for (int g = 0; g < groups; g++) {
      out[2 * g] = m.start(g);
      out[2 * g + 1] = m.end(g);
    }
    assertEquals(start, out[0], "the groups' search moved the match's start");
    assertEquals(end, out[1], "the groups' search moved the match's end");
    return true;
  }

  @Test
  void everyBuiltinRule_randomWindows_sameMatchesAndGroupsAsRe2j() {
    Random rnd = new Random(61);
    int rules = 0;
    long matches = 0;
    Backtracker.Space space = new Backtracker.Space(); // shared by all, as a thread's are
    for (Rule rule : Rules.builtin()) {
      Pattern p = Pattern.compile(rule.pattern());
      Backtracker b = Backtracker.of(p, space);
      if (b == null) {
        continue;
      }
      rules++;
      int groups = p.groupCount() + 1;
      int[] want = new int[b.resultInts()];
      int[] got = new int[b.resultInts()];
      // a rule that can end at the text's end ('$') meets re2j's second search, over the text cut
      // one byte past the match, where '$' must still see the bytes after the cut: more rounds
      int rounds = rule.pattern().contains("$") ? 120 : 30;
      for (int round = 0; round < rounds; round++) {
        byte[] buf = text(rule, rnd, 6 + rnd.nextInt(10));
        int ws = rnd.nextInt(Math.min(buf.length, 40) + 1);
        int we = ws + rnd.nextInt(buf.length - ws + 1);
        if ((long) (we - ws + 1) * b.size() > Backtracker.MAX_BITS) {
          we = ws + (int) (Backtracker.MAX_BITS / b.size()) - 1;
        }
        Matcher m = p.matcher(new ByteWindow().reset(buf, ws, we));
        int from = rnd.nextInt(Math.min(we - ws, 30) + 1);
        // search from a place, then on as the detector's loop does (re2j's find() from its last match)
        for (int step = 0; step < 50; step++) {
          boolean continueFind = step > 0;
          boolean w = re2j(m, from, continueFind, groups, want);
          boolean g = b.find(buf, ws, we, from, got);
          String where = rule.id() + " window [" + ws + ", " + we + ") from " + from;
          assertEquals(w, g, where + ": match or none");
          if (!w) {
            break;
          }
          assertArrayEquals(Arrays.copyOf(want, 2 * groups), Arrays.copyOf(got, 2 * groups), where);
          matches++;
          // re2j's find() goes on from the match's end (one further after an empty match)
          from = want[1] + (want[0] == want[1] ? 1 : 0);
        }
      }
    }
    assertTrue(rules > 400, "rules compared: " + rules);
    assertTrue(matches > 2000, "matches compared: " + matches);
  }

  /**
   * re2j loads a match's groups by searching again over the text cut one byte past the match's
   * end, where {@code $} still reads the bytes after the cut; the backtracker's one search with
   * the groups recorded must give the same. A value class that takes the byte which ended the
   * match ({@code =} in Terraform's) would have a longer parse through {@code $} if the cut were
   * the text's end.
   */
  @Test
  void groupsSearch_textCutAfterTheMatch_dollarStillSeesTheBytesAfterIt() {
    Rule terraform = Rules.builtin().stream().filter(r -> r.id().equals("ts.terraform.1")).findFirst().orElseThrow();
    Pattern p = Pattern.compile(terraform.pattern());
    Backtracker b = Backtracker.of(p, new Backtracker.Space());
    byte[] buf = ("abcdefghijklmn.atlasv1." + "x".repeat(67) + "=q23GA").getBytes(StandardCharsets.US_ASCII);
    int[] want = new int[b.resultInts()];
    int[] got = new int[b.resultInts()];
    Matcher m = p.matcher(new ByteWindow().reset(buf, 0, buf.length));
    assertTrue(re2j(m, 0, false, p.groupCount() + 1, want));
    assertArrayEquals(new int[] {0, 91, 0, 90}, Arrays.copyOf(want, 4), "re2j: the value stops before '=', which ends the match");
    assertTrue(b.find(buf, 0, buf.length, 0, got));
    assertArrayEquals(Arrays.copyOf(want, 4), Arrays.copyOf(got, 4));
  }
}

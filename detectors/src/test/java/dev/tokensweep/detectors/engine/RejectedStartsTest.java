package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The remembered rejections against the anchored DFA itself: at every keyword hit of request-log
 * lines that repeat a few shapes, with near misses that differ from a remembered shape in its last
 * byte or just after it, the memo answers what {@link WindowFilter#anchoredMatchEnd} answers.
 */
class RejectedStartsTest {

  private static final List<Rule> RULES = Rules.builtin();
  private static final String TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789._~+/-";
  private static final String[] SHAPES = {
      "grant_type=refresh_token status=200 auth=bearer session_id=", "grant_type=device_code status=401",
      "grant_type=authorization_code&x=1", "auth=bearer session_id", "Authorization: Bearer ", "refresh_token=",
      "refresh_token\": \"", "device_code=", "DEVICE_CODE ", "Bearer\t", "EwA", "ewa", "sk_live_", "AKIA", "ghp_",
      "xoxb-", "glpat-", "token: ", "password=", "\"access_token\":\"", "eyJ", "://user:", "npm_",
  };

  private static String line(Random rnd) {
    StringBuilder b = new StringBuilder();
    b.append(SHAPES[rnd.nextInt(SHAPES.length)]);
    if (rnd.nextInt(3) == 0) { // a near miss: one byte of the shape changed, or the shape cut short
      int at = rnd.nextInt(b.length());
      if (rnd.nextBoolean()) {
        b.setCharAt(at, TOKEN.charAt(rnd.nextInt(TOKEN.length())));
      } else {
        b.setLength(at);
      }
    }
    int n = rnd.nextInt(50);
    for (int i = 0; i < n; i++) {
      b.append(rnd.nextInt(8) == 0 ? "= \"'&:\n".charAt(rnd.nextInt(7)) : TOKEN.charAt(rnd.nextInt(TOKEN.length())));
    }
    return b.append(rnd.nextBoolean() ? "\n" : " ").toString();
  }

  /** A built-in rule anchored at its keywords, its filter, and its keywords in lower case. */
  private record Anchored(Rule rule, WindowFilter filter, List<String> keywords) {
    /** Whether one of the keywords starts at {@code p} of {@code lower} (the text in lower case). */
    boolean hitAt(String lower, int p) {
      for (String k : keywords) {
        if (lower.startsWith(k, p)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The built-in rules anchored at their keywords, their filters built once for the tests here. */
  private static final List<Anchored> ANCHORED = RULES.stream()
      .map(r -> new Anchored(r, WindowFilter.orNone(r.pattern(), r.keywords()),
          r.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList()))
      .filter(a -> a.filter().anchoredAtKeyword())
      .toList();

  @Test
  void anchoredMatchEnd_repeatedShapesAndNearMisses_sameAsTheAnchoredDfa() {
    Random rnd = new Random(41);
    long remembered = 0;
    for (Anchored a : ANCHORED) {
      Rule r = a.rule();
      WindowFilter f = a.filter();
      RejectedStarts memo = new RejectedStarts();
      for (int round = 0; round < 30; round++) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
          // the rule's own keyword after a shape, as the hits the detector asks about
          text.append(line(rnd)).append(rnd.nextBoolean() ? r.keywords().get(rnd.nextInt(r.keywords().size())) : "");
        }
        byte[] buf = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        String lower = text.toString().toLowerCase(Locale.ROOT);
        int to = rnd.nextInt(4) == 0 ? buf.length - rnd.nextInt(Math.min(buf.length, 40)) : buf.length;
        for (int p = 0; p < to; p++) {
          if (!a.hitAt(lower, p) && rnd.nextInt(16) != 0) {
            continue;
          }
          int expected = f.anchoredMatchEnd(buf, p, to);
          assertEquals(expected, memo.walkEnd(f, buf, p, to), r.id() + " at " + p);
          assertEquals(expected != -1, f.mayStartAt(buf, p, to), r.id() + " at " + p + ": one walk says both");
          remembered += expected == -1 ? 1 : 0;
        }
      }
    }
    assertTrue(ANCHORED.size() > 40 && remembered > 10_000, ANCHORED.size() + " rules, " + remembered + " rejections");
  }

  /**
   * A log that repeats each rule's own examples (tokens whose walks accept, then die) among near
   * misses of them: the same example with one byte changed, cut short by the end of the input, or
   * followed by more token bytes. The memo of whole walks answers many of the hits, and every
   * answer is the anchored DFA's.
   */
  @Test
  void anchoredMatchEnd_repeatedTokensAndNearMisses_sameAsTheAnchoredDfa() {
    Random rnd = new Random(43);
    long accepted = 0;
    long fromMemo = 0;
    for (Anchored a : ANCHORED) {
      Rule r = a.rule();
      WindowFilter f = a.filter();
      if (r.examples().isEmpty()) {
        continue;
      }
      RejectedStarts memo = new RejectedStarts();
      for (int round = 0; round < 5; round++) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
          StringBuilder ex = new StringBuilder(r.examples().get(rnd.nextInt(r.examples().size())));
          switch (rnd.nextInt(6)) {
            case 0 -> ex.setCharAt(rnd.nextInt(ex.length()), TOKEN.charAt(rnd.nextInt(TOKEN.length())));
            case 1 -> ex.append(TOKEN, 0, 1 + rnd.nextInt(20));
            case 2 -> ex.insert(rnd.nextInt(ex.length() + 1), "= \"'&:\n".charAt(rnd.nextInt(7)));
            default -> { } // the example as it is: the repeated token
          }
          text.append(rnd.nextInt(4) == 0 ? line(rnd) : "").append(ex).append(rnd.nextBoolean() ? "\n" : " ");
        }
        byte[] buf = text.toString().getBytes(StandardCharsets.UTF_8);
        String lower = new String(buf, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int to = rnd.nextInt(3) == 0 ? buf.length - rnd.nextInt(Math.min(buf.length, 200)) : buf.length;
        for (int p = 0; p < to; p++) {
          if (!a.hitAt(lower, p)) {
            continue;
          }
          long before = memo.walkHits;
          int expected = f.anchoredMatchEnd(buf, p, to);
          assertEquals(expected, memo.walkEnd(f, buf, p, to), r.id() + " at " + p);
          accepted += expected >= 0 ? 1 : 0;
          fromMemo += expected >= 0 && memo.walkHits > before ? 1 : 0;
        }
      }
    }
    assertTrue(accepted > 5_000 && fromMemo > accepted / 4, fromMemo + " of " + accepted + " match ends from the memo");
  }

  /**
   * The rules whose matches start before their keyword walk their after-keyword DFA from each
   * keyword's end ({@link WindowFilter#keywordWalkOrDeath}), remembered the same way: on lines that
   * repeat assignments ({@code SLACK_BOT_TOKEN=}, {@code "access_token":"}) and near misses of them,
   * the memo answers what the walk answers, at every keyword's end.
   */
  @Test
  void walkEnd_afterKeywordRules_repeatedAssignmentsAndNearMisses_sameAsTheWalk() {
    Random rnd = new Random(47);
    String[] names = {"SLACK_BOT_TOKEN=", "\"access_token\":\"", "PRIVATE-TOKEN: ", "api_key: \"", "client_secret = ",
        "://user:", "DROPBOX_APP_SECRET: \"", "secret", "_token "};
    int rules = 0;
    long accepted = 0;
    long rejected = 0;
    for (Rule r : RULES) {
      WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
      if (!f.hasAfterKeyword()) {
        continue;
      }
      rules++;
      List<String> keywords = r.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
      RejectedStarts memo = new RejectedStarts();
      for (int round = 0; round < 20; round++) {
        StringBuilder text = new StringBuilder();
        String value = TOKEN.substring(rnd.nextInt(10), 20 + rnd.nextInt(30));
        for (int i = 0; i < 40; i++) {
          StringBuilder a = new StringBuilder(rnd.nextInt(3) == 0 ? keywords.get(rnd.nextInt(keywords.size())) + "="
              : names[rnd.nextInt(names.length)]).append(rnd.nextInt(4) == 0 ? TOKEN.substring(0, 20) : value);
          if (rnd.nextInt(3) == 0) {
            a.setCharAt(rnd.nextInt(a.length()), "= \"'&:\n".charAt(rnd.nextInt(7)));
          }
          text.append(rnd.nextInt(3) == 0 ? line(rnd) : "").append(a).append(rnd.nextBoolean() ? "\n" : " ");
        }
        byte[] buf = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        String lower = text.toString().toLowerCase(Locale.ROOT);
        int to = rnd.nextInt(4) == 0 ? buf.length - rnd.nextInt(Math.min(buf.length, 40)) : buf.length;
        for (int p = 0; p < to; p++) {
          for (String k : keywords) {
            if (lower.startsWith(k, p) && p + k.length() <= to) {
              int e = p + k.length();
              int expected = f.keywordWalk(buf, e, to);
              assertEquals(expected, memo.walkEnd(f, buf, e, to), r.id() + " after the keyword at " + p);
              accepted += expected >= 0 ? 1 : 0;
              rejected += expected == -1 ? 1 : 0;
            }
          }
        }
      }
    }
    assertTrue(rules >= 6 && accepted > 1_000 && rejected > 1_000, rules + " rules, " + accepted + " walks accepted, " + rejected + " rejected");
  }

  @Test
  void mask_lowBytesOfALittleEndianWord() {
    assertEquals(0L, RejectedStarts.mask(0));
    assertEquals(0L, RejectedStarts.mask(-3));
    assertEquals(0xFFL, RejectedStarts.mask(1));
    assertEquals(0x00FF_FFFF_FFFF_FFFFL, RejectedStarts.mask(7));
    assertEquals(-1L, RejectedStarts.mask(8));
    assertEquals(-1L, RejectedStarts.mask(20));
  }
}

package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DFA pre-check against re2j itself, as Lucene's TestRegExp checks its automata against a
 * reference engine: on random text made of every rule's examples, negative examples, keywords and
 * their mutations, the filter never rejects a window in which re2j finds a match, trimming a window
 * to its first possible match start and last possible match end never changes what re2j finds, and a rule marked as anchored at
 * its keyword has no match that starts anywhere the anchored DFA rejects.
 */
class WindowFilterTest {

  private static final List<Rule> RULES = Rules.builtin();
  private static final String NOISE = " \t\n=:\"'/-_.%&;,{}[]()\\#@aAzZ09xX";

  /** Rule {@code r}'s examples, then {@code rounds} random texts of 2-9 pieces. */
  private static List<byte[]> examplesAndRandomText(Rule r, Random rnd, int rounds) {
    List<byte[]> inputs = new ArrayList<>();
    for (String e : r.examples()) {
      inputs.add(e.getBytes(StandardCharsets.UTF_8));
    }
    for (int round = 0; round < rounds; round++) {
      inputs.add(randomText(rnd, 2 + rnd.nextInt(8)));
    }
    return inputs;
  }

  /** Random text seeded with fragments of every rule's examples, mutated. */
  static byte[] randomText(Random rnd, int pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < pieces; i++) {
      Rule r = RULES.get(rnd.nextInt(RULES.size()));
      String s;
      switch (rnd.nextInt(5)) {
        case 0, 1 -> s = r.examples().isEmpty() ? r.keywords().get(0) : r.examples().get(rnd.nextInt(r.examples().size()));
        case 2 -> s = r.negativeExamples().isEmpty() ? r.keywords().get(0)
            : r.negativeExamples().get(rnd.nextInt(r.negativeExamples().size()));
        case 3 -> s = r.keywords().get(rnd.nextInt(r.keywords().size()));
        default -> {
          StringBuilder b = new StringBuilder();
          for (int k = rnd.nextInt(40); k > 0; k--) {
            b.append(NOISE.charAt(rnd.nextInt(NOISE.length())));
          }
          s = b.toString();
        }
      }
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      for (int m = rnd.nextInt(3); m > 0 && bytes.length > 0; m--) {
        int at = rnd.nextInt(bytes.length);
        switch (rnd.nextInt(4)) {
          case 0 -> bytes[at] = (byte) NOISE.charAt(rnd.nextInt(NOISE.length()));
          case 1 -> bytes[at] = (byte) (Character.isUpperCase(bytes[at]) ? Character.toLowerCase(bytes[at]) : Character.toUpperCase(bytes[at]));
          case 2 -> bytes = java.util.Arrays.copyOf(bytes, at); // truncated
          default -> bytes[at] = (byte) rnd.nextInt(256);
        }
      }
      out.writeBytes(bytes);
      if (rnd.nextInt(3) == 0) {
        out.write(rnd.nextBoolean() ? '\n' : ' ');
      }
    }
    return out.toByteArray();
  }

  private static List<String> matches(Pattern p, byte[] buf, int from, int to) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(new ByteWindow().reset(buf, from, to));
    while (m.find()) {
      out.add(m.start() + ".." + m.end() + "/" + m.start(1) + ".." + m.end(1));
    }
    return out;
  }

  /** "s..e/s1..e1" with every offset moved by {@code d} (an absent group, -1, stays -1). */
  private static String shift(String m, int d) {
    String[] n = m.split("\\.\\.|/");
    int[] v = new int[4];
    for (int i = 0; i < 4; i++) {
      v[i] = Integer.parseInt(n[i]);
      if (v[i] >= 0) {
        v[i] += d;
      }
    }
    return v[0] + ".." + v[1] + "/" + v[2] + ".." + v[3];
  }

  /**
   * Where a byte takes every state of the window DFA to one state, {@link WindowFilter#lastMatchEnd}
   * walks the two halves of a long window side by side: it must say what one walk says, for every
   * built-in rule that allows it, on random text (examples, decoys, keywords, noise, newlines).
   */
  @Test
  void lastMatchEnd_walksSplitAtASynchronizingByte_sameAsOneWalk() {
    Random rnd = new Random(12);
    int splitting = 0;
    int acceptedPastTheMiddle = 0;
    boolean generic = false;
    for (Rule r : RULES) {
      WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
      if (!f.lastMatchEndSplits()) {
        continue;
      }
      splitting++;
      generic |= r.id().equals("ts.generic.1");
      for (int round = 0; round < 40; round++) {
        byte[] buf = randomText(rnd, 10 + rnd.nextInt(30));
        int from = rnd.nextInt(Math.max(1, buf.length / 4));
        int to = buf.length - rnd.nextInt(Math.max(1, buf.length / 4));
        if (to < from) {
          continue;
        }
        int one = f.lastMatchEndOneWalk(buf, from, to);
        assertEquals(one, f.lastMatchEnd(buf, from, to), r.id() + ": window [" + from + ", " + to + ")");
        if (to - from >= WindowFilter.SPLIT_AT_LEAST && one > from + (to - from) / 2) {
          acceptedPastTheMiddle++;
        }
      }
    }
    assertTrue(generic, "ts.generic.1's window DFA is the one this was made for");
    assertTrue(splitting > 20 && acceptedPastTheMiddle > 100, splitting + " rules, " + acceptedPastTheMiddle + " windows with an end past the middle");
  }

  /** The split walk's second half starts in the state the synchronizing byte leads to, not at the start. */
  @Test
  void lastMatchEnd_secondHalfStartsAfterTheSynchronizingByte() {
    WindowFilter f = WindowFilter.orNone("<abc>", List.of("abc"));
    assertTrue(f.lastMatchEndSplits());
    byte[] buf = ("x".repeat(150) + "<abc>" + "x".repeat(145)).getBytes(StandardCharsets.US_ASCII);
    // the middle is the '<': the second walk starts after it, already inside the match
    assertEquals(155, f.lastMatchEndOneWalk(buf, 0, buf.length));
    assertEquals(155, f.lastMatchEnd(buf, 0, buf.length));
    assertEquals(-1, f.lastMatchEnd(("x".repeat(150) + "-abc>" + "x".repeat(145)).getBytes(StandardCharsets.US_ASCII), 0, buf.length));
  }

  @Test
  void trimmedWindow_randomText_re2jFindsTheSame() {
    Random rnd = new Random(11);
    int windowsWithMatches = 0;
    WindowFilter[] filters = new WindowFilter[RULES.size()];
    Pattern[] patterns = new Pattern[RULES.size()];
    for (int i = 0; i < filters.length; i++) {
      filters[i] = WindowFilter.orNone(RULES.get(i).pattern(), RULES.get(i).keywords());
      patterns[i] = KeywordDetector.compile(RULES.get(i));
    }
    for (int round = 0; round < 300; round++) {
      byte[] buf = randomText(rnd, 2 + rnd.nextInt(12));
      for (int i = 0; i < filters.length; i++) {
        Rule r = RULES.get(i);
        WindowFilter f = filters[i];
        Pattern p = patterns[i];
        int from = buf.length == 0 ? 0 : rnd.nextInt(Math.max(1, buf.length / 4));
        int to = buf.length;
        List<String> whole = matches(p, buf, from, to);
        int end = f.lastMatchEnd(buf, from, to);
        if (!whole.isEmpty()) {
          windowsWithMatches++;
          assertTrue(end >= 0, r.id() + ": the filter rejected a window with a match");
        }
        if (end >= 0) {
          int cut = Math.min(to, end + 1);
          assertEquals(whole, matches(p, buf, from, cut), r.id() + ": trimming the end changed the matches");
          int start = Math.max(from, f.firstMatchStart(buf, from, cut) - 1);
          List<String> shifted = new ArrayList<>();
          for (String m : matches(p, buf, start, cut)) {
            shifted.add(shift(m, start - from));
          }
          if (start > from) {
            assertEquals(whole, shifted, r.id() + ": trimming the start changed the matches");
          }
        }
      }
    }
    assertTrue(windowsWithMatches > 300, "the random text must exercise the rules: " + windowsWithMatches);
  }

  /**
   * {@link WindowFilter#mayMatchBeforeEnd} is false only for windows where every match re2j finds
   * ends at the window's end; on random text cut at random places (so that values run into the
   * cut, where re2j sees a {@code $}), for every built-in rule, as the jar holds its filter.
   */
  @Test
  void mayMatchBeforeEnd_randomCuts_falseOnlyWhenEveryMatchEndsAtTheCut() {
    Random rnd = new Random(17);
    int skippedWithMatches = 0;
    int skipped = 0;
    WindowFilter[] filters = inTheJar();
    Pattern[] patterns = compiled();
    for (int round = 0; round < 300; round++) {
      byte[] buf = randomText(rnd, 2 + rnd.nextInt(10));
      for (int i = 0; i < filters.length; i++) {
        WindowFilter f = filters[i];
        int from = buf.length == 0 ? 0 : rnd.nextInt(Math.max(1, buf.length / 4));
        int to = from + rnd.nextInt(buf.length - from + 1);
        List<String> whole = rnd.nextBoolean() ? matches(patterns[i], buf, from, buf.length) : List.of();
        if (!whole.isEmpty()) {
          // a cut a byte before, at or after where a match ends: one byte decides there
          int end = from + Integer.parseInt(whole.get(rnd.nextInt(whole.size())).split("\\.\\.|/")[1]);
          to = Math.max(from, Math.min(buf.length, end - 1 + rnd.nextInt(3)));
        }
        if (f.mayMatchBeforeEnd(buf, from, to)) {
          continue;
        }
        skipped++;
        List<String> found = matches(patterns[i], buf, from, to);
        skippedWithMatches += found.isEmpty() ? 0 : 1;
        for (String m : found) {
          assertEquals(to - from, Integer.parseInt(m.split("\\.\\.|/")[1]),
              RULES.get(i).id() + ": a match ends before the end of a window said to have none");
        }
      }
    }
    assertTrue(skipped > 1000 && skippedWithMatches > 20,
        "the cuts must end values: " + skipped + " windows without a match before their end, " + skippedWithMatches + " with one at it");
  }

  /** Every built-in rule's filter as the jar holds it ({@link WindowFilter#NONE} where it holds none). */
  private static WindowFilter[] inTheJar() {
    WindowFilter[] filters = new WindowFilter[RULES.size()];
    for (int i = 0; i < filters.length; i++) {
      WindowFilter f = PrecompiledFilters.load(RULES.get(i).pattern(), RULES.get(i).keywords());
      filters[i] = f == null ? WindowFilter.NONE : f;
    }
    return filters;
  }

  /** Every built-in rule's pattern, compiled as the detector compiles it. */
  private static Pattern[] compiled() {
    Pattern[] patterns = new Pattern[RULES.size()];
    for (int i = 0; i < patterns.length; i++) {
      patterns[i] = KeywordDetector.compile(RULES.get(i));
    }
    return patterns;
  }

  /** The detector's search loop: after each match, on from where the reverse DFA says the next may start. */
  private static List<String> skippingMatches(WindowFilter f, Pattern p, byte[] buf, int from, int to) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(new ByteWindow().reset(buf, from, to));
    boolean found = m.find();
    while (found) {
      out.add(m.start() + ".." + m.end() + "/" + m.start(1) + ".." + m.end(1));
      int next = m.end() == m.start() ? m.end() + 1 : m.end();
      if (next > to - from) {
        break;
      }
      int at = f.nextMatchStart(buf, from + next, to);
      if (at < 0) {
        break;
      }
      found = m.find(at - from);
    }
    return out;
  }

  @Test
  void nextMatchStart_randomText_searchingOnFromItFindsWhatFindFinds() {
    Random rnd = new Random(13);
    int windowsWithTwoMatches = 0;
    WindowFilter[] filters = inTheJar();
    Pattern[] patterns = compiled();
    for (int round = 0; round < 200; round++) {
      byte[] buf = randomText(rnd, 4 + rnd.nextInt(20));
      for (int i = 0; i < filters.length; i++) {
        Rule r = RULES.get(i);
        WindowFilter f = filters[i];
        Pattern p = patterns[i];
        int from = buf.length == 0 ? 0 : rnd.nextInt(Math.max(1, buf.length / 4));
        List<String> whole = matches(p, buf, from, buf.length);
        windowsWithTwoMatches += whole.size() >= 2 ? 1 : 0;
        assertEquals(whole, skippingMatches(f, p, buf, from, buf.length), r.id() + ": skipping ahead changed the matches");
      }
    }
    assertTrue(windowsWithTwoMatches > 50, "the random text must hold windows with several matches: " + windowsWithTwoMatches);
  }

  @Test
  void mayStartAt_anchoredRules_acceptEveryMatchStart() {
    Random rnd = new Random(12);
    int anchored = 0;
    for (Rule r : RULES) {
      WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
      if (!f.anchoredAtKeyword()) {
        continue;
      }
      anchored++;
      Pattern p = KeywordDetector.compile(r);
      for (int round = 0; round < 200; round++) {
        byte[] buf = randomText(rnd, 2 + rnd.nextInt(8));
        Matcher m = p.matcher(new ByteWindow().reset(buf, 0, buf.length));
        while (m.find()) {
          assertTrue(f.mayStartAt(buf, m.start(), buf.length), r.id() + ": rejected a real match start");
        }
      }
    }
    assertTrue(anchored > 40, "most provider rules start with their keyword: " + anchored);
  }

  @Test
  void scan_randomText_sameMatchesAsUnfilteredDetector() {
    Detector fast = new KeywordDetector(RULES, 0);
    Detector reference = new KeywordDetector(RULES, -1);
    Random rnd = new Random(13);
    int found = 0;
    for (int round = 0; round < 300; round++) {
      byte[] buf = randomText(rnd, 5 + rnd.nextInt(60));
      List<String> a = fast.findAll(buf).stream().map(m -> m.rule().id() + "@" + m.start() + ".." + m.end()).sorted().toList();
      List<String> b = reference.findAll(buf).stream().map(m -> m.rule().id() + "@" + m.start() + ".." + m.end()).sorted().toList();
      assertEquals(b, a);
      found += a.size();
    }
    assertTrue(found > 300, "the random text must hold findings: " + found);
  }

  @Test
  void keywordWalk_firstKeywordOfEveryRealMatch_acceptsAtTheMatchEnd() {
    Random rnd = new Random(13);
    int checked = 0;
    int withAfter = 0;
    for (Rule r : RULES) {
      WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
      if (!f.hasAfterKeyword()) {
        continue;
      }
      withAfter++;
      Pattern p = KeywordDetector.compile(r);
      List<byte[]> inputs = examplesAndRandomText(r, rnd, 2000);
      for (byte[] buf : inputs) {
        Matcher m = p.matcher(new ByteWindow().reset(buf, 0, buf.length));
        while (m.find()) {
          // the keyword that ends first inside the match (every keyword that ends there)
          String match = new String(buf, m.start(), m.end() - m.start(), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
          int firstEnd = Integer.MAX_VALUE;
          for (String k : r.keywords()) {
            int at = match.indexOf(k.toLowerCase(java.util.Locale.ROOT));
            if (at >= 0) {
              firstEnd = Math.min(firstEnd, at + k.length());
            }
          }
          assertTrue(firstEnd != Integer.MAX_VALUE, r.id() + ": a match holds no keyword");
          checked++;
          // the detector's window for that hit ends one byte past the walk's last accepting position
          int walk = f.keywordWalk(buf, m.start() + firstEnd, buf.length);
          assertTrue(walk >= m.end(), r.id() + ": the walk from the first keyword ends at " + walk + ", the match at " + m.end());
        }
      }
    }
    assertTrue(withAfter >= 6 && checked > 1000, withAfter + " rules, " + checked + " matches");
  }

  @Test
  void startBytes_everyRule_clearExactlyWhereTheAnchoredDfaDiesAtTheFirstByte() {
    // the detector skips a hit on a clear bit without running mayStartAt: a bit cleared wrongly
    // loses matches, one set wrongly only costs the DFA walk
    int rejecting = 0;
    for (Rule r : RULES) {
      WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
      int[] words = f.startBytes();
      assertEquals(WindowFilter.STARTS_WORDS, words.length);
      boolean rejects = false;
      for (int b = 0; b < 128; b++) {
        boolean set = (words[b >>> 5] & (1 << b)) != 0;
        // one byte of input: the walk either dies at it (false) or is still alive when it ends
        boolean may = f.mayStartAt(new byte[] {(byte) b}, 0, 1);
        assertEquals(may, set, r.id() + " byte " + b);
        rejects |= !set;
        if (!f.anchoredAtKeyword()) {
          assertTrue(set, r.id() + ": no anchored DFA, every byte may start");
        }
      }
      rejecting += rejects ? 1 : 0;
    }
    assertTrue(rejecting > 40, "most anchored rules reject some first bytes: " + rejecting);
    Rule ms = RULES.stream().filter(x -> x.id().equals("ts.microsoft.2")).findFirst().orElseThrow();
    int[] w = WindowFilter.orNone(ms.pattern(), ms.keywords()).startBytes();
    assertEquals(0, w['e' >>> 5] & (1 << 'e'), "'ewa' in 'gateway' cannot start \\bEw[AB]");
    assertTrue((w['E' >>> 5] & (1 << 'E')) != 0);
  }

  @Test
  void scan_gatewayLogWithMicrosoftTokens_sameMatchesAsUnfilteredDetector() {
    // the start bytes decide most hits of a request log ("gateway", "EWA" upper-cased, real and
    // near-miss tokens); the fast detector must report what the reference does, whole and in chunks
    Rule ms = RULES.stream().filter(x -> x.id().equals("ts.microsoft.2")).findFirst().orElseThrow();
    String token = ms.examples().get(1).substring("Authorization: Bearer ".length());
    Random rnd = new Random(31);
    Detector fast = new KeywordDetector(RULES, 0);
    Detector reference = new KeywordDetector(RULES, -1);
    int found = 0;
    for (int round = 0; round < 40; round++) {
      StringBuilder b = new StringBuilder();
      for (int line = 0; line < 30; line++) {
        String t = token.substring(0, 250 + rnd.nextInt(token.length() - 250));
        switch (rnd.nextInt(6)) {
          case 0 -> b.append("[gateway-").append(rnd.nextInt(16)).append("] Authorization: Bearer ").append(t);
          case 1 -> b.append("GATEWAY ").append(t.replace("EwB", "ewB"));
          case 2 -> b.append("x=").append(t.replace("EwB", "EWB")).append(" gateway");
          case 3 -> b.append("\\u00").append(t);
          case 4 -> b.append(new String(randomText(rnd, 3), StandardCharsets.ISO_8859_1)).append(t);
          default -> b.append("[gateway-").append(rnd.nextInt(16)).append("] access auth=bearer");
        }
        b.append('\n');
      }
      byte[] buf = b.toString().getBytes(StandardCharsets.ISO_8859_1);
      List<String> a = fast.findAll(buf).stream().map(m -> m.rule().id() + "@" + m.start() + ".." + m.end()).sorted().toList();
      List<String> e = reference.findAll(buf).stream().map(m -> m.rule().id() + "@" + m.start() + ".." + m.end()).sorted().toList();
      assertEquals(e, a);
      found += a.stream().filter(x -> x.startsWith("ts.microsoft.2@")).count();
    }
    assertTrue(found > 100, "the logs must hold Microsoft tokens: " + found);
  }

  @Test
  void mayStartWith_everyRealMatchStart_letThrough() {
    // the prefilter stops reporting a keyword spelled with its last byte in a case that every
    // rule of the keyword rejects: a wrong "no" here loses every match spelled that way
    Random rnd = new Random(19);
    int checked = 0;
    int rejecting = 0;
    for (Rule r : RULES) {
      WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
      if (!f.anchoredAtKeyword()) {
        continue;
      }
      for (String k : r.keywords()) {
        byte[] kw = k.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        rejecting += !f.mayStartWith(kw, false) || !f.mayStartWith(kw, true) ? 1 : 0;
      }
      Pattern p = KeywordDetector.compile(r);
      List<byte[]> inputs = examplesAndRandomText(r, rnd, 100);
      for (byte[] buf : inputs) {
        Matcher m = p.matcher(new ByteWindow().reset(buf, 0, buf.length));
        while (m.find()) {
          for (String k : r.keywords()) {
            int n = k.length();
            if (m.start() + n <= buf.length
                && new String(buf, m.start(), n, StandardCharsets.ISO_8859_1).equalsIgnoreCase(k)) {
              byte last = buf[m.start() + n - 1];
              byte[] kw = k.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
              assertTrue(f.mayStartWith(kw, last >= 'A' && last <= 'Z'), r.id() + ": rejected a real match's keyword " + k);
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked > 300, "matches checked: " + checked);
    assertTrue(rejecting > 0, "some keyword is exact-case in its last letter (Ew[AB]...)");
    Rule ms = RULES.stream().filter(x -> x.id().equals("ts.microsoft.2")).findFirst().orElseThrow();
    WindowFilter f = WindowFilter.orNone(ms.pattern(), ms.keywords());
    byte[] ewa = "ewa".getBytes(StandardCharsets.US_ASCII);
    assertTrue(!f.mayStartWith(ewa, false) && f.mayStartWith(ewa, true), "the ewa of gateway starts no \\bEw[AB]");
  }

  @Test
  void mayStartAt_bearerBeforeAShortWord_rejectedAtTheKeyword() {
    // a request log's "auth=bearer session_id=..." on most lines: with the count of the token
    // widened to 4 bytes, "session_id=" passed the anchored DFA and every such hit went to a window
    Rule r = RULES.stream().filter(x -> x.id().equals("ts.oauth.1")).findFirst().orElseThrow();
    WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
    String[] decoys = {"auth=bearer session_id=4bb79f6fe0d6 token_type=access", "token_type\":\"Bearer\",\"expires_in\":3600",
        "auth=bearer session_id=4bb79f6fe0d6 x", "Bearer 0123456789abcdefghi\n"};
    for (String d : decoys) {
      byte[] buf = d.getBytes(StandardCharsets.UTF_8);
      int at = d.toLowerCase(java.util.Locale.ROOT).indexOf("bearer");
      assertEquals(false, f.mayStartAt(buf, at, buf.length), d);
      assertEquals(-1, f.anchoredMatchEnd(buf, at, buf.length), d);
    }
    byte[] real = "Authorization: Bearer 0123456789abcdefghij, more".getBytes(StandardCharsets.UTF_8);
    assertTrue(f.mayStartAt(real, 15, real.length));
    assertEquals(15 + "Bearer 0123456789abcdefghij".length(), f.anchoredMatchEnd(real, 15, real.length));
  }

  @Test
  void keywordWalk_commonDecoys_rejectedAtTheKeyword() {
    // the generated log's most frequent context-rule hits that hold no secret
    String[][] cases = {
        {"ts.generic.1", "env: GH_TOKEN }} and more text here", "_TOKEN"},
        {"ts.urlcreds.1", "GET https://api.github.com/user HTTP/1.1", "://"},
        {"ts.urlcreds.1", "connected to http://10.1.2.3:8080/api/v1 in 3ms", "://"},
    };
    for (String[] c : cases) {
      Rule r = RULES.stream().filter(x -> x.id().equals(c[0])).findFirst().orElseThrow();
      WindowFilter f = WindowFilter.orNone(r.pattern(), r.keywords());
      byte[] buf = c[1].getBytes(StandardCharsets.UTF_8);
      int end = c[1].indexOf(c[2]) + c[2].length();
      assertEquals(-1, f.keywordWalk(buf, end, buf.length), c[0] + " on: " + c[1]);
    }
  }

  @Test
  void precompiledFilters_everyBuiltinRule_inTheJarAndEqualToOneBuiltNow() {
    // the build writes them (exec-maven-plugin); a stale or missing one would silently cost speed
    int none = 0;
    for (Rule r : RULES) {
      String name = PrecompiledFilters.name(r.pattern(), r.keywords());
      assertTrue(name.matches("[0-9a-f]{8}-[1-9][0-9]*\\.wf"), r.id() + ": resource name " + name);
      WindowFilter stored = PrecompiledFilters.load(r.pattern(), r.keywords());
      assertTrue(stored != null, r.id() + ": no precompiled window filter in the classes directory");
      WindowFilter built = WindowFilter.orNone(r.pattern(), r.keywords());
      assertTrue(stored.sameAs(built), r.id() + ": precompiled window filter differs from the one built now");
      none += stored == WindowFilter.NONE ? 1 : 0;
    }
    assertTrue(none < RULES.size() / 2, "most rules have a filter: " + none + " of " + RULES.size() + " have none");
  }

  @Test
  void precompiledFilters_otherPatternOrKeywords_findNone() {
    Rule r = RULES.get(0);
    assertEquals(null, PrecompiledFilters.load(r.pattern() + "x", r.keywords()));
    assertEquals(null, PrecompiledFilters.load(r.pattern(), List.of("not-a-keyword-of-it")));
  }
}

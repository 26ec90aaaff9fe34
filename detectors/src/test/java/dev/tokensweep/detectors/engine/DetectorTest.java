package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DetectorTest {

  private static final Detector ALL = new KeywordDetector(Rules.builtin(), 0); // window filters from the first hit

  private static String key(Match m) {
    return m.rule().id() + "@" + m.start() + ".." + m.end();
  }

  /** A log-like buffer with tokens planted among noise lines, some lines very long. */
  private static byte[] plantedLog(Random rnd, List<String> planted) {
    TokenForge f = new TokenForge(rnd);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] prefixes = {"ghp_", "gho_", "ghu_", "ghs_"};
    for (int line = 0; line < 400; line++) {
      int r = rnd.nextInt(10);
      String text;
      if (r < 2) {
        String t = f.base62Crc32(prefixes[rnd.nextInt(prefixes.length)]);
        planted.add(t);
        text = "2026-11-02T10:00:" + (line % 60) + "Z INFO auth token=" + t + " user=u" + line;
      } else if (r == 2) {
        text = f.random(TokenForge.B64URL, 500 + rnd.nextInt(3000)); // long noise line
      } else {
        text = "2026-11-02T10:00:00Z DEBUG request id=" + f.uuid() + " ghp_ mentioned but no token here";
      }
      out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
      out.write('\n');
    }
    return out.toByteArray();
  }

  @Test
  void scan_randomChunking_equalsWholeBufferScan() {
    Random rnd = new Random(7);
    for (int round = 0; round < 20; round++) {
      List<String> planted = new ArrayList<>();
      byte[] buf = plantedLog(rnd, planted);
      List<String> whole = ALL.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
      assertEquals(planted.size(), whole.size(), "whole-buffer scan finds each planted token once");

      List<String> chunked = new ArrayList<>();
      int ov = ALL.overlap();
      int pos = 0;
      while (pos < buf.length) {
        int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 8192);
        int end = Math.min(buf.length, pos + len);
        ALL.scan(buf, Math.max(0, pos - ov), Math.min(buf.length, end + ov), pos, end, m -> chunked.add(key(m)));
        pos = end;
      }
      chunked.sort(null);
      assertEquals(whole, chunked, "round " + round);
    }
  }

  @Test
  void scan_tokenAtEveryChunkEdge_foundExactlyOnce() {
    TokenForge f = new TokenForge(new Random(3));
    String token = f.base62Crc32("gho_");
    byte[] buf = ("x ".repeat(100) + "oauth_token: " + token + " y").getBytes(StandardCharsets.US_ASCII);
    int tokenAt = 200 + "oauth_token: ".length();
    for (int edge = tokenAt - 5; edge <= Math.min(buf.length, tokenAt + 45); edge++) {
      List<Match> got = new ArrayList<>();
      int ov = ALL.overlap();
      ALL.scan(buf, 0, Math.min(buf.length, edge + ov), 0, edge, got::add);
      ALL.scan(buf, Math.max(0, edge - ov), buf.length, edge, buf.length, got::add);
      assertEquals(1, got.stream().filter(m -> m.rule().id().equals("ts.github.2")).count(), "edge at " + edge);
    }
  }

  @Test
  void match_toString_neverShowsTheSecret() {
    TokenForge f = new TokenForge(new Random(5));
    String token = f.base62Crc32("ghp_");
    // ts.generic.1 also finds the value of GITHUB_TOKEN=; this test is about the GitHub rule's match
    List<Match> got = ALL.findAll(("export GITHUB_TOKEN=" + token).getBytes(StandardCharsets.US_ASCII)).stream()
        .filter(m -> m.rule().id().equals("ts.github.1")).toList();
    assertEquals(1, got.size());
    assertFalse(got.get(0).toString().contains(token.substring(4)));
    assertEquals(token, got.get(0).secretText());
  }

  @Test
  void scan_wrongChecksumAndPlaceholders_notReported() {
    TokenForge f = new TokenForge(new Random(9));
    String text = "a " + f.base62Crc32Wrong("ghp_") + " b ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx c";
    assertTrue(ALL.findAll(text.getBytes(StandardCharsets.US_ASCII)).isEmpty());
  }

  /**
   * A bearer JWT whose random signature holds four x in a mix of cases, or a word such as
   * {@code dUmMy}, is reported: it was dropped as a placeholder, about one JWT in 3,000.
   */
  @Test
  void scan_jwtWithMarkerLettersInItsSignature_isReported() {
    TokenForge f = new TokenForge(new Random(12));
    for (String planted : List.of("xXXx", "xxxx", "XXXX", "dUmMy", "SaMpLe")) {
      String issued = f.accessJwt("https://auth.acme.example/", "api://acme", "read:orders", 1_791_633_600L, 3600);
      int sig = issued.lastIndexOf('.') + 60;
      String jwt = issued.substring(0, sig) + "Qz" + planted + "7k" + issued.substring(sig + 4 + planted.length());
      String line = "2026-12-05T10:00:00Z GET /api/orders Authorization: Bearer " + jwt + " 200\n";
      List<Match> got = ALL.findAll(line.getBytes(StandardCharsets.US_ASCII));
      assertTrue(got.stream().anyMatch(m -> m.secretText().equals(jwt)), "the bearer JWT with " + planted + " in its signature is found");
    }
  }

  @Test
  void scan_sentenceEndingDots_notPartOfTheSecret() {
    // "... device_code=XYZ." took the dot into the secret (another fingerprint than the same code
    // elsewhere, and a validation would send the code with a dot); an Entra secret followed by
    // one was not found at all
    for (String id : List.of("ts.deviceflow.1", "ts.azure.1", "ts.adyen.1")) {
      dev.tokensweep.detectors.rule.Rule rule = Rules.builtin().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
      int tried = 0;
      for (String example : rule.examples()) {
        List<Match> plain = ALL.findAll(example.getBytes(StandardCharsets.UTF_8)).stream()
            .filter(m -> m.rule().id().equals(id)).toList();
        if (plain.size() != 1) {
          continue;
        }
        Match m = plain.get(0);
        int end = new String(example.getBytes(StandardCharsets.UTF_8), 0, m.end(), StandardCharsets.UTF_8).length();
        if (end < example.length() && example.charAt(end) != ' ') {
          continue; // inside quotes or a query: a dot there would be part of the value
        }
        for (String dots : id.equals("ts.adyen.1") ? List.of(".", "...", ")", "!", "?.") : List.of(".", "...")) {
          String text = example.substring(0, end) + dots + example.substring(end);
          List<Match> got = ALL.findAll(text.getBytes(StandardCharsets.UTF_8)).stream()
              .filter(x -> x.rule().id().equals(id)).toList();
          assertEquals(1, got.size(), id + ": found with \"" + dots + "\" after it");
          assertEquals(m.start() + ".." + m.end(), got.get(0).start() + ".." + got.get(0).end(),
              id + ": the same span with \"" + dots + "\" after it");
        }
        tried++;
      }
      assertTrue(tried > 0, id + ": an example whose secret ends the line or a word");
    }
  }

  private static List<String> generic1(Detector d, String text) {
    return d.findAll(text.getBytes(StandardCharsets.UTF_8)).stream()
        .filter(m -> m.rule().id().equals("ts.generic.1")).map(m -> m.matchStart() + ".." + m.matchEnd()).toList();
  }

  /**
   * One base64 run of 300 KB (a blob, a dump), with "EwA" and "EwB" after '/' and '+' (word
   * boundaries) every few KB: ts.microsoft.2 ({@code Ew[AB][A-Za-z0-9+/]{300,}}, max_length 4096)
   * must not report the rest of the run as a token: only the last one, which ends at the space
   * before "end" within the rule's length. The anchored walk went to the buffer's end, so the
   * filtered detector ran re2j over ~150 KB a hit and reported a match of ~300 KB, which the
   * reference, whose windows end two rule lengths after the hit, never does.
   */
  @Test
  void scan_longBase64Run_sameAsReferenceAndNoMatchLongerThanTheWindow() {
    Random rnd = new Random(8);
    TokenForge f = new TokenForge(rnd);
    StringBuilder b = new StringBuilder("blob=");
    for (int i = 0; i < 100; i++) {
      b.append(f.random(TokenForge.ALNUM + "+/", 2000 + rnd.nextInt(2000))).append(i % 2 == 0 ? "/EwA" : "+EwB");
    }
    b.append(" end\n");
    byte[] buf = b.toString().getBytes(StandardCharsets.US_ASCII);
    Detector reference = new KeywordDetector(Rules.builtin(), -1);
    List<String> want = reference.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
    List<String> got = ALL.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
    assertEquals(want, got);
    for (Match m : ALL.findAll(buf)) {
      assertTrue(m.end() - m.start() <= m.rule().length(), m.rule().id() + " reported " + (m.end() - m.start()) + " bytes");
    }
    assertEquals(1, got.size(), "the last Ew token only: " + got);
  }

  @Test
  void scan_keyLongerThanMaxBefore_sameWithAndWithoutFilters() {
    // The key name puts the match's only keyword (_SECRET) 80 bytes after its start, beyond
    // generic.1's max_before (64): no window of its own holds it. The window of the earlier hit
    // (_token) does, but what the filtered detector cannot find the reference must not report.
    String text = "a_token b Q7wZ2xK9vR4tY6uP1sD3fG5hJ8kL0zX7cV2bN4mQ9wE1rT3yU5iO8pA6sD2fG4hJ7kL9zX_SECRET="
        + "Hq3LmT9vXw2RkZp7NcYb4JfGs8DaUe6K end";
    assertEquals(List.of(), generic1(new KeywordDetector(Rules.builtin(), -1), text));
    assertEquals(List.of(), generic1(new KeywordDetector(Rules.builtin(), 0), text));
  }

  /**
   * A name's final extension ends a secret that ran into it (a generic value takes dots, and took
   * {@code .json} too), not one that is longer than an extension ({@code .config}) or a name that
   * has none; two extensions ({@code .json.gz}, {@code .log.1}) end it as one does; a fixed-shape
   * token whose own last characters look like an extension stays whole, and one that the extension
   * alone kept from matching is found.
   */
  @Test
  void findAllInName_extensionEndsTheSecretsThatRanIntoIt() {
    TokenForge f = new TokenForge(new Random(11));
    String secret = f.random(TokenForge.ALNUM, 32);
    String entraDot = f.random(TokenForge.ALNUM, 3) + "8Q~" + f.random(TokenForge.ALNUM, 30) + ".Ab1";
    String entra = f.random(TokenForge.ALNUM, 3) + "8Q~" + f.random(TokenForge.ALNUM, 34);
    String[][] cases = { // name, then the rule and the secret's span it must give
        {"api_secret=" + secret + ".json", "ts.generic.1@11..43"},
        {"api_secret=" + secret + ".1", "ts.generic.1@11..43"},
        {"api_secret=" + secret, "ts.generic.1@11..43"},
        {"api_secret=" + secret + ".config", "ts.generic.1@11..50"},
        {"api_secret=" + secret + ".json.gz", "ts.generic.1@11..43"},
        {"api_secret=" + secret + ".log.1", "ts.generic.1@11..43"},
        {"api_secret=" + secret + ".config.gz", "ts.generic.1@11..50"},
        {entraDot, "ts.azure.1@0..40"},
        {entra + ".txt", "ts.azure.1@0..40"},
    };
    for (int i = 0; i < cases.length; i++) {
      String rule = cases[i][1].substring(0, cases[i][1].indexOf('@'));
      List<String> got = ALL.findAllInName(cases[i][0].getBytes(StandardCharsets.US_ASCII)).stream()
          .filter(m -> m.rule().id().equals(rule)).map(DetectorTest::key).toList();
      assertEquals(List.of(cases[i][1]), got, "case " + i);
    }
    assertEquals("api_secret=…" + secret.substring(28) + ".json", ALL.scrubName("api_secret=" + secret + ".json"));
    assertEquals("api_secret=…" + secret.substring(28) + ".json.gz", ALL.scrubName("api_secret=" + secret + ".json.gz"));
  }

  /**
   * ts.urlcreds.5 reads only whole .pgpass lines: a host name of any length up to 253 characters
   * (the keyword is then far after the line's start, the port's or a * field's), a password with
   * an escaped colon, among noise lines; the same line after a log prefix or inside a command is
   * not one. Found once each, its secret the password field as written, by the fast detector, the
   * reference and a chunked scan alike.
   */
  @Test
  void scan_pgpassLines_wholeLinesOnlyWhateverTheHostLength() {
    Random rnd = new Random(5432);
    TokenForge f = new TokenForge(rnd);
    StringBuilder b = new StringBuilder();
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      int hostLength = i < 4 ? new int[] {1, 64, 200, 253}[i] : 1 + rnd.nextInt(253);
      String host = f.random("abcdefghijklmnopqrstuvwxyz", 1) + f.random("abcdefghijklmnopqrstuvwxyz0123456789.-", hostLength - 1);
      String db = i % 3 == 0 ? "*" : "app_" + f.random(TokenForge.ALNUM, 1 + rnd.nextInt(40));
      String port = i % 3 == 0 ? "5434" : new String[] {"5432", "5433", "6432", "6543"}[rnd.nextInt(4)];
      String user = i % 3 == 0 ? "svc" : "*";
      String password = f.random(TokenForge.ALNUM, 4 + rnd.nextInt(30)) + "\\:" + f.random(TokenForge.ALNUM, 4 + rnd.nextInt(60));
      String line = host + ":" + port + ":" + db + ":" + user + ":" + password;
      switch (i % 4) {
        case 0 -> b.append("2026-11-02T10:00:00Z DEBUG c.a.Loader - ").append(line).append('\n'); // not a whole line
        case 1 -> b.append("echo '").append(line).append("' >> ~/.pgpass\n");
        default -> {
          b.append(i % 8 == 2 ? "    " : "");
          want.add("ts.urlcreds.5@" + (b.length() + line.length() - password.length()) + ".." + (b.length() + line.length()));
          b.append(line).append(i % 8 == 3 ? "\r\n" : "\n");
        }
      }
      b.append("2026-11-02T10:00:0").append(i % 10).append("Z INFO pool ready host=").append(host).append(" port=5432\n");
    }
    byte[] buf = b.toString().getBytes(StandardCharsets.US_ASCII);
    for (Detector d : List.of(ALL, new KeywordDetector(Rules.builtin(), -1))) {
      List<String> got = d.findAll(buf).stream().filter(m -> m.rule().id().equals("ts.urlcreds.5"))
          .map(DetectorTest::key).sorted().toList();
      assertEquals(want.stream().sorted().toList(), got);
    }
    List<String> chunked = new ArrayList<>();
    int ov = ALL.overlap();
    for (int pos = 0; pos < buf.length; pos += 4096) {
      int end = Math.min(buf.length, pos + 4096);
      ALL.scan(buf, Math.max(0, pos - ov), Math.min(buf.length, end + ov), pos, end, m -> {
        if (m.rule().id().equals("ts.urlcreds.5")) {
          chunked.add(key(m));
        }
      });
    }
    assertEquals(want.stream().sorted().toList(), chunked.stream().sorted().toList());
  }

  /**
   * A rule whose matches may start before its keyword gets a window per hit. A lone hit's window
   * ends right after its own matches could; a hit within a rule length of the last window's hit
   * gets one that reaches a rule length further and lets the next hits in that stretch go without
   * a window of their own. Assignments of every length at every distance from each other, for
   * ts.generic.1 (max_length 512) and a rule of max_length 70 whose longest values nearly fill
   * it: the fast detector finds what the reference, whose windows always reach two rule lengths
   * past the hit, finds.
   */
  @Test
  void scan_hitsOfOneRuleAtEveryDistance_sameAsReference() {
    List<dev.tokensweep.detectors.rule.Rule> rules = new ArrayList<>(Rules.builtin());
    rules.addAll(Rules.parse("""
        - id: test.window.1
          name: short assignment
          kind: api_key
          keywords: [pass]
          pattern: '(?:^|[^a-z])pass ?= ?([A-Za-z0-9]{8,60})(?:[ ;]|$)'
          max_length: 70
          max_before: 1
          severity: low
        """, "window.yml"));
    Detector fast = new KeywordDetector(rules, 0);
    Detector reference = new KeywordDetector(rules, -1);
    Random rnd = new Random(47);
    TokenForge f = new TokenForge(rnd);
    String[] keys = {"API_TOKEN=", "CI_JOB_TOKEN = ", "client_secret: ", "x.api_key=", "pass=", "pass = ", ";pass="};
    int found = 0;
    for (int round = 0; round < 300; round++) {
      StringBuilder b = new StringBuilder();
      for (int k = 1 + rnd.nextInt(6); k > 0; k--) {
        int gap = switch (rnd.nextInt(3)) {
          case 0 -> rnd.nextInt(8);
          case 1 -> rnd.nextInt(80);
          default -> rnd.nextInt(1100);
        };
        b.append(" note ".repeat(gap / 6)).append(" ".repeat(gap % 6));
        String key = keys[rnd.nextInt(keys.length)];
        int len = key.contains("pass") ? 8 + rnd.nextInt(53) : 16 + rnd.nextInt(185);
        b.append(key).append(f.random(TokenForge.ALNUM, len)).append(rnd.nextBoolean() ? ";" : " ");
      }
      byte[] buf = b.toString().getBytes(StandardCharsets.US_ASCII);
      List<String> want = reference.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
      List<String> got = fast.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
      assertEquals(want, got, "round " + round);
      found += want.size();
    }
    assertTrue(found > 600, "the assignments must be found: " + found);
  }

  /**
   * A rule anchored at its keyword, whose keyword overlaps itself: in {@code kkk} a hit at each
   * {@code kk}, so a match that starts one byte before a hit may run past it and hide the hit's
   * own match from re2j's search of the window. Random strings of the keyword, the value's bytes
   * and separators put hits inside matches, at their very end and just after; the fast detector
   * finds what the reference (one search from the text's start) finds.
   */
  @Test
  void scan_anchoredHitsInsideAndRightAfterMatches_sameAsReference() {
    List<dev.tokensweep.detectors.rule.Rule> rules = Rules.parse("""
        - id: test.anchored.1
          name: anchored value
          kind: api_key
          keywords: [kk]
          pattern: 'kk([a-z0-9]{4,12})'
          severity: low
        """, "anchored.yml");
    String[] pieces = {"kk", "kk", "k", "a", "b7", "x9z", " ", "-"};
    int found = sameAsReferenceOnPieces(rules, pieces, 53, 2000, 4, 40);
    assertTrue(found > 2000, "the strings must hold matches: " + found);
  }

  /**
   * A rule whose matches start before their keyword, with a keyword inside another that ends
   * later ({@code key} in {@code apikeys}): assignments next to each other share a separator
   * ({@code k=1234;apikeys=5678}), names run into values, values are cut short, and runs are
   * longer than the rule ({@code key=key=...}, a long value). The fast detector finds what the
   * reference finds.
   */
  @Test
  void scan_afterKeywordWindows_keywordInsideAKeywordAndAdjacentAssignments_sameAsReference() {
    List<dev.tokensweep.detectors.rule.Rule> rules = Rules.parse("""
        - id: test.after.1
          name: assignment after a name
          kind: api_key
          keywords: [key, apikeys]
          pattern: '(?:^|[^a-z])[a-z]*(?:apikeys|key)=([0-9]{4,12})(?:[ ;]|$)'
          max_before: 16
          max_length: 40
          severity: low
        """, "after.yml");
    WindowFilter f = WindowFilter.orNone(rules.get(0).pattern(), rules.get(0).keywords());
    assertTrue(f.hasAfterKeyword() && !f.anchoredAtKeyword(), "the rule's matches start before its keyword");
    String[] pieces = {"apikeys=", "key=", "xapikeys=", "zzzzkey=", "1234", "56789", "123456789012345", " ", ";", "z", "k", "e",
        "1234567890".repeat(6), "key=".repeat(12)};
    int found = sameAsReferenceOnPieces(rules, pieces, 59, 3000, 2, 30);
    assertTrue(found > 500, "the strings must hold matches: " + found);
  }

  /**
   * {@code rounds} random strings of {@code min} to {@code min + spread - 1} of {@code pieces}:
   * the fast detector finds in each what the reference finds. How many the reference found.
   */
  private static int sameAsReferenceOnPieces(List<dev.tokensweep.detectors.rule.Rule> rules, String[] pieces, long seed,
      int rounds, int min, int spread) {
    Detector fast = new KeywordDetector(rules, 0);
    Detector reference = new KeywordDetector(rules, -1);
    Random rnd = new Random(seed);
    int found = 0;
    for (int round = 0; round < rounds; round++) {
      StringBuilder b = new StringBuilder();
      for (int k = min + rnd.nextInt(spread); k > 0; k--) {
        b.append(pieces[rnd.nextInt(pieces.length)]);
      }
      byte[] buf = b.toString().getBytes(StandardCharsets.US_ASCII);
      List<String> want = reference.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
      assertEquals(want, fast.findAll(buf).stream().map(DetectorTest::key).sorted().toList(), "round " + round);
      found += want.size();
    }
    return found;
  }

  /**
   * The same assignment repeated with nothing between (~4,000 of {@code x_secret=...} sharing
   * their separators, a space, a newline or an {@code &}): which neighbour gets a shared separator
   * depended on where each window's search started (a narrower window per hit found 10,000 of
   * 20,000, the reference 9,475; corpus/bench/README.md, item 90) until a window whose first
   * match ran over the last reported one searched on from that one's end, as one search over the
   * text does (item 94). The fast detector finds what the reference finds, for several
   * assignment shapes.
   */
  @Test
  void scan_denseAdjacentAssignments_sameAsReference() {
    Detector fast = new KeywordDetector(Rules.builtin(), 0);
    Detector reference = new KeywordDetector(Rules.builtin(), -1);
    String[] units = {"x_secret=Ab3dEfGh1jKlMn0pQr ", "x_secret=Ab3dEfGh1jKlMn0pQr\n", "API_TOKEN=Zq8LmN3pRt6VwX9yBc2D;",
        "client_secret: \"Hk4Jm7Np0Qs3Tv6Wx9Za\",", "auth_token=Ab3dEfGh1jKlMn0pQr&"};
    for (String unit : units) {
      byte[] buf = unit.repeat(4000 + unit.length()).getBytes(StandardCharsets.US_ASCII);
      List<String> want = reference.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
      List<String> got = fast.findAll(buf).stream().map(DetectorTest::key).sorted().toList();
      // a separator ends one match and starts the next one's (?:^|[^A-Za-z0-9_.-]): every other repeat
      assertTrue(want.size() >= (4000 + unit.length()) / 2, "the repeats must be found: " + want.size());
      assertEquals(want.size(), got.size(), "findings in the repeats of shape " + java.util.Arrays.asList(units).indexOf(unit));
      assertEquals(want, got, "shape " + java.util.Arrays.asList(units).indexOf(unit));
    }
  }

  /**
   * Windows that end inside a value: assignment names repeated with nothing between, values that
   * run past a window and values cut by a separator a few bytes before or after a window's end.
   * A window whose every match would end at its end, through the {@code $} the end fakes, is
   * skipped without re2j; one that also holds a match ending before its end is not. The fast
   * detector finds what the reference finds, on the built-in rules.
   */
  @Test
  void scan_windowsEndingInsideValues_sameAsReference() {
    String[] pieces = {"client_secret=", "client_secret=".repeat(20), "x_secret=", "API_TOKEN=", "apikey: ",
        "Ab3dEfGh1jKlMn0pQr", "Zq8LmN3pRt6VwX9yBc2D", "Ab3dEfGh1jKlMn0pQr".repeat(12), "_x=", " ", "&", "\n", "\"", ","};
    int found = sameAsReferenceOnPieces(Rules.builtin(), pieces, 61, 1500, 4, 40);
    assertTrue(found > 800, "the strings must hold matches: " + found);
  }

  @Test
  void segmentEdges_areWordBoundaries_whateverBytesSurroundTheSegment() {
    // store readers hand one value at a time: a token right after another column's text, a
    // length byte or a NUL, and right before the next value, is found when its value is the range
    TokenForge f = new TokenForge(new Random(3));
    for (Detector d : new Detector[] {ALL, new KeywordDetector(Rules.builtin(), -1)}) {
      for (String before : new String[] {"octocat", "A", "\u0000", "9"}) {
        String t = f.base62Crc32("ghp_");
        String jwtLike = f.base62Crc32("gho_");
        byte[] pre = before.getBytes(StandardCharsets.ISO_8859_1);
        byte[] buf = (new String(pre, StandardCharsets.ISO_8859_1) + t + "Zx" + jwtLike + "tail")
            .getBytes(StandardCharsets.ISO_8859_1);
        int from = pre.length;
        List<Match> whole = new ArrayList<>();
        d.scan(buf, 0, buf.length, whole::add);
        assertTrue(whole.isEmpty(), "the whole buffer: each token glued to a word character on one side");
        List<Match> first = new ArrayList<>();
        d.scan(buf, from, from + t.length(), first::add);
        assertEquals(1, first.size(), "the first value alone, after '" + before + "'");
        assertEquals(from, first.get(0).start());
        List<Match> second = new ArrayList<>();
        int s2 = from + t.length() + 2;
        d.scan(buf, s2, s2 + jwtLike.length(), second::add);
        assertEquals(1, second.size(), "the second value alone, between word characters");
      }
    }
  }

  /**
   * A detector used only through findAll (the linter builds one per example, scrub runs on
   * messages) leaves nothing on the calling thread: once dropped it is collected. A thread-local
   * scratch kept every such detector alive until its thread ended (RulesFuzzTest over 40 s: 500 MB).
   */
  @Test
  void findAll_shortLivedDetector_isCollectedAfterUse() throws InterruptedException {
    java.lang.ref.WeakReference<Detector> ref = findOnceAndDrop();
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertTrue(ref.get() == null, "a detector used once through findAll is still reachable after GC");
  }

  private static java.lang.ref.WeakReference<Detector> findOnceAndDrop() {
    Detector d = new KeywordDetector(List.of(Rules.builtin().get(0)));
    d.findAll("ghp_ nothing here".getBytes(StandardCharsets.US_ASCII));
    return new java.lang.ref.WeakReference<>(d);
  }
}

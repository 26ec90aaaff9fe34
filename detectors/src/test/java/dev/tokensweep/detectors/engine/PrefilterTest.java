package dev.tokensweep.detectors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrefilterTest {

  /** The slow obvious reference: every keyword at every position, case-insensitively. */
  private static List<String> naive(List<String> keywords, byte[] text) {
    String lower = new String(text, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (int end = 1; end <= lower.length(); end++) {
      for (int k = 0; k < keywords.size(); k++) {
        String kw = keywords.get(k).toLowerCase(Locale.ROOT);
        int start = end - kw.length();
        if (start >= 0 && lower.startsWith(kw, start)) {
          out.add(k + "@" + start);
        }
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void scan_randomTextAndKeywords_equalsNaiveSearch() {
    Random rnd = new Random(42);
    String alphabet = "abcAB_-xyz01";
    for (int round = 0; round < 300; round++) {
      List<String> keywords = new ArrayList<>();
      int nk = 1 + rnd.nextInt(6);
      for (int i = 0; i < nk; i++) {
        StringBuilder b = new StringBuilder();
        int len = 1 + rnd.nextInt(4);
        for (int j = 0; j < len; j++) {
          b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        if (!keywords.contains(b.toString().toLowerCase(Locale.ROOT))) {
          keywords.add(b.toString().toLowerCase(Locale.ROOT));
        }
      }
      // long texts take the two-stream walk, whose halves meet in the middle, in several blocks
      byte[] text = new byte[rnd.nextBoolean() ? rnd.nextInt(200) : Prefilter.TWO_STREAMS + rnd.nextInt(5 * Prefilter.TWO_STREAMS)];
      for (int i = 0; i < text.length; i++) {
        text[i] = (byte) (rnd.nextInt(10) == 0 ? rnd.nextInt(256) : alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      Prefilter p = new Prefilter(keywords);
      List<String> got = new ArrayList<>();
      int[] lastEnd = {-1};
      p.scan(text, 0, text.length, (k, start) -> {
        got.add(k + "@" + start);
        int end = start + p.keywordLength(k);
        assertTrue(end >= lastEnd[0], "hits in order of their last byte");
        lastEnd[0] = end;
      });
      got.sort(null);
      assertEquals(naive(keywords, text), got, "keywords " + keywords);
    }
  }

  /** Hits of {@code p} over {@code text[from, to)}, sorted, as naive() names them (offsets from {@code from}). */
  private static List<String> scanned(Prefilter p, byte[] text, int from, int to) {
    List<String> got = new ArrayList<>();
    p.scan(text, from, to, (k, start) -> got.add(k + "@" + (start - from)));
    got.sort(null);
    return got;
  }

  @Test
  void scan_subrangesLongKeywordsAtStreamBoundariesAndNestedScans_equalNaiveSearch() {
    Random rnd = new Random(7);
    String alphabet = "abcAB_-xyz01";
    for (int round = 0; round < 150; round++) {
      List<String> keywords = new ArrayList<>();
      int nk = 1 + rnd.nextInt(6);
      for (int i = 0; i < nk; i++) {
        StringBuilder b = new StringBuilder();
        int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40);
        for (int j = 0; j < len; j++) {
          b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        if (!keywords.contains(b.toString().toLowerCase(Locale.ROOT))) {
          keywords.add(b.toString().toLowerCase(Locale.ROOT));
        }
      }
      byte[] text = new byte[Prefilter.TWO_STREAMS + rnd.nextInt(6 * Prefilter.TWO_STREAMS)];
      for (int i = 0; i < text.length; i++) {
        text[i] = (byte) (rnd.nextInt(10) == 0 ? rnd.nextInt(256) : alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      int from = rnd.nextInt(64);
      int to = text.length - rnd.nextInt(64);
      // plant keywords across every point where one walk hands over to the next (each walk's
      // first owned end, give or take the longest keyword), and at random eighths
      int maxLen = keywords.stream().mapToInt(String::length).max().getAsInt();
      int stride = (to - from - (maxLen - 1)) / Prefilter.STREAMS;
      for (int q = 1; q < Prefilter.STREAMS + 8; q++) {
        int at = q < Prefilter.STREAMS ? from + q * stride + maxLen - 1 - rnd.nextInt(2 * maxLen + 1)
            : from + (to - from) * (q - Prefilter.STREAMS) / 8 - rnd.nextInt(2 * maxLen + 1);
        byte[] kw = keywords.get(rnd.nextInt(keywords.size())).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (at >= from && at + kw.length <= to) {
          System.arraycopy(kw, 0, text, at, kw.length);
        }
      }
      Prefilter p = new Prefilter(keywords);
      byte[] inner = java.util.Arrays.copyOfRange(text, from, to);
      List<String> want = naive(keywords, inner);
      // a sink that scans again, on the same thread, with the same prefilter
      List<String> got = new ArrayList<>();
      int[] lastEnd = {-1};
      p.scan(text, from, to, (k, start) -> {
        got.add(k + "@" + (start - from));
        int end = start + p.keywordLength(k);
        assertTrue(end >= lastEnd[0], "hits in order of their last byte");
        lastEnd[0] = end;
        if (got.size() == 1 || got.size() == want.size() / 2) {
          assertEquals(want, scanned(p, text, from, to), "nested scan");
        }
      });
      got.sort(null);
      assertEquals(want, got, "keywords " + keywords + " from " + from + " to " + to);
      assertEquals(want, scanned(p, text, from, to), "second scan on this thread");
    }
  }

  @Test
  void quiet_lastLetterInOneCase_notReportedInThatCaseOnly() {
    Prefilter p = new Prefilter(List.of("ewa", "token", "wb", "ewb"));
    p.quiet(0, false); // ewa with a lower-case a: no rule can use it
    assertEquals(List.of(), hits(p, "gateway"));
    assertEquals(List.of("ewa@3"), hits(p, "gatEwAy"));
    assertEquals(List.of("ewa@3"), hits(p, "gatewAy"), "only the last byte's case decides");
    assertEquals(List.of("token@0"), hits(p, "token gateway"));
    // ewb ends where wb does: the state's flag stays until both are quiet in that case
    p.quiet(3, false);
    assertEquals(List.of("ewb@1", "wb@2"), hits(p, "xewb"), "wb may still be used, so both are reported");
    p.quiet(2, false);
    assertEquals(List.of(), hits(p, "xewb"));
    assertEquals(List.of("ewb@1", "wb@2"), hits(p, "xewB"));
  }

  private static List<String> hits(Prefilter p, String text) {
    List<String> out = new ArrayList<>();
    byte[] b = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    p.scan(b, 0, b.length, (k, start) -> out.add(p.keywords().get(k) + "@" + start));
    out.sort(null);
    return out;
  }

  @Test
  void scan_upperCaseInput_matchesLowerCaseKeyword() {
    Prefilter p = new Prefilter(List.of("authorization"));
    List<Integer> hits = new ArrayList<>();
    p.scan("> AUTHORIZATION: Bearer".getBytes(StandardCharsets.US_ASCII), 0, 23, (k, s) -> hits.add(s));
    assertEquals(List.of(2), hits);
  }
}

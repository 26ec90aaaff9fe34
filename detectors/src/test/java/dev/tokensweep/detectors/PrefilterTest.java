package dev.tokensweep.detectors;

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

  @Test
  void scan_upperCaseInput_matchesLowerCaseKeyword() {
    Prefilter p = new Prefilter(List.of("authorization"));
    List<Integer> hits = new ArrayList<>();
    p.scan("> AUTHORIZATION: Bearer".getBytes(StandardCharsets.US_ASCII), 0, 23, (k, s) -> hits.add(s));
    assertEquals(List.of(2), hits);
  }
}

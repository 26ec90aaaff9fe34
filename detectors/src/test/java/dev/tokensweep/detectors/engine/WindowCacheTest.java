package dev.tokensweep.detectors.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-rule cache of re2j's matches by window content: it answers only for the same bytes, keeps
 * the lines that repeat when more windows than a set holds share a hash, and never answers for
 * other bytes of the same hash (whose matches would then be another window's).
 */
class WindowCacheTest {

  /** Windows of one length made of "Aa" and "BB", which Java-style 31-hashes cannot tell apart. */
  private static List<byte[]> colliding(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; out.size() < n; i++) {
      StringBuilder b = new StringBuilder();
      for (int bit = 0; bit < 8; bit++) {
        b.append((i >> bit & 1) == 0 ? "Aa" : "BB");
      }
      out.add(b.toString().getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }

  @Test
  void get_sameHashOtherBytes_missesInsteadOfAnsweringForAnotherWindow() {
    List<byte[]> w = colliding(2);
    int h = KeywordDetector.WindowCache.hash(w.get(0), 0, w.get(0).length);
    assertArrayEquals(new int[] {h}, new int[] {KeywordDetector.WindowCache.hash(w.get(1), 0, w.get(1).length)});
    KeywordDetector.WindowCache c = new KeywordDetector.WindowCache();
    int[] found = {0, 16, 0, 16, -1, -1};
    c.put(h, w.get(0), 0, w.get(0).length, found);
    assertSame(found, c.get(h, w.get(0), 0, w.get(0).length));
    assertNull(c.get(h, w.get(1), 0, w.get(1).length));
  }

  @Test
  void get_moreCollidingWindowsThanWays_keepsTheOnesInUse() {
    int ways = KeywordDetector.WindowCache.WAYS;
    List<byte[]> w = colliding(ways + 1);
    int h = KeywordDetector.WindowCache.hash(w.get(0), 0, w.get(0).length);
    KeywordDetector.WindowCache c = new KeywordDetector.WindowCache();
    int[][] found = new int[ways + 1][];
    for (int i = 0; i < ways; i++) {
      found[i] = new int[] {i};
      c.put(h, w.get(i), 0, w.get(i).length, found[i]);
    }
    // the oldest is used again, so the next oldest goes when one more arrives
    assertSame(found[0], c.get(h, w.get(0), 0, w.get(0).length));
    found[ways] = new int[] {ways};
    c.put(h, w.get(ways), 0, w.get(ways).length, found[ways]);
    assertNull(c.get(h, w.get(1), 0, w.get(1).length));
    for (int i : new int[] {0, 2, ways}) {
      assertSame(found[i], c.get(h, w.get(i), 0, w.get(i).length), "window " + i);
    }
    // 19 lines repeating in turn (a gateway log's token lines for ts.generic.1) all stay
    KeywordDetector.WindowCache lines = new KeywordDetector.WindowCache();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 19; i++) {
      keys.add(("h SLACK_BOT_TOKEN=xoxb-" + i + "-line\n2").getBytes(StandardCharsets.US_ASCII));
    }
    for (byte[] k : keys) {
      lines.put(KeywordDetector.WindowCache.hash(k, 0, k.length), k, 0, k.length, new int[] {k.length});
    }
    for (int round = 0; round < 3; round++) {
      for (byte[] k : keys) {
        int[] v = lines.get(KeywordDetector.WindowCache.hash(k, 0, k.length), k, 0, k.length);
        assertArrayEquals(new int[] {k.length}, v);
      }
    }
  }
}

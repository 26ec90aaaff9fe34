package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SWAR loops and the byte classification against the obvious byte loops. */
class ByteScanTest {

  @Test
  void countAndIndexOf_randomBytes_equalNaiveLoops() {
    Random rnd = new Random(21);
    for (int round = 0; round < 2000; round++) {
      byte[] buf = new byte[rnd.nextInt(100)];
      for (int i = 0; i < buf.length; i++) {
        // few distinct values, the high-bit ones included, so matches and near-misses are common
        buf[i] = (byte) new int[] {'\n', '%', 0, 0x80, 0x8A, 0xFF, 'a', 0x0B, 0x09}[rnd.nextInt(9)];
      }
      int from = buf.length == 0 ? 0 : rnd.nextInt(buf.length);
      int to = from + rnd.nextInt(buf.length - from + 1);
      for (byte b : new byte[] {'\n', '%', 0, (byte) 0x80, (byte) 0xFF}) {
        int n = 0;
        int first = -1;
        int last = -1;
        for (int i = from; i < to; i++) {
          if (buf[i] == b) {
            n++;
            first = first < 0 ? i : first;
            last = i;
          }
        }
        assertEquals(n, ByteScan.count(buf, from, to, b));
        assertEquals(first, ByteScan.indexOf(buf, from, to, b));
        assertEquals(last, ByteScan.lastIndexOf(buf, from, to, b));
      }
    }
  }

  @Test
  void highBits_randomWords_areEachBytesTopBitInOrder() {
    Random rnd = new Random(22);
    for (int round = 0; round < 100_000; round++) {
      long w = rnd.nextLong();
      long expected = 0;
      for (int k = 0; k < 8; k++) {
        expected |= ((w >>> (8 * k + 7)) & 1) << k;
      }
      assertEquals(expected, ByteScan.highBits(w), Long.toHexString(w));
    }
    assertEquals(0xFF, ByteScan.highBits(-1L));
    assertEquals(0, ByteScan.highBits(0x7F7F7F7F7F7F7F7FL));
    assertEquals(0x81, ByteScan.highBits(0x8000000000000080L));
  }

  @Test
  void classify_everyByteValueAtEveryOffset_agreesWithTheAlphabetAndTheBytes() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
    Random rnd = new Random(23);
    // every byte value, at every offset of a word and of a vector, between random neighbours,
    // classified over ranges that start and end anywhere (the JIT's vector loop has a scalar
    // head and tail)
    byte[] buf = new byte[256 * 37 + 64];
    rnd.nextBytes(buf);
    for (int b = 0; b < 256; b++) {
      buf[b * 37 + b % 37] = (byte) b;
    }
    byte[] flags = new byte[buf.length];
    for (int round = 0; round < 200; round++) {
      int from = rnd.nextInt(64);
      int to = buf.length - rnd.nextInt(64);
      java.util.Arrays.fill(flags, (byte) 0x55);
      ByteScan.classify(buf, from, to, flags);
      for (int i = from & ~7; i + 8 <= (to & ~7); i += 8) {
        long w = ByteScan.word(flags, i);
        long non = ByteScan.nonBase64(w);
        long hints = ByteScan.hints(w);
        long bytes = ByteScan.word(buf, i);
        long high = ByteScan.highs(bytes);
        for (int k = 0; k < 8; k++) {
          int c = buf[i + k] & 0xFF;
          if (i + k < from) {
            continue;
          }
          String at = "byte 0x" + Integer.toHexString(c) + " at " + (i + k);
          assertEquals(c >= 0x80 || alphabet.indexOf(c) < 0, (non >>> (8 * k + 7) & 1) == 1, "base64 test, " + at);
          boolean special = c == '%' || c == '#' || c == '!' || c == '\'';
          assertEquals(c == '\n' || special, (hints >>> (8 * k + 7) & 1) == 1, "hint, " + at);
          assertEquals(0, w >>> (8 * k) & 0x3F, "a flag's low bits, " + at);
          assertEquals(c >= 0x7F, (high >>> (8 * k + 7) & 1) == 1, "0x7F and up, " + at);
        }
      }
      if (from > 0) {
        assertEquals((byte) 0x55, flags[from - 1], "nothing written before from");
      }
      if (to < buf.length) {
        assertEquals((byte) 0x55, flags[to], "nothing written from to on");
      }
    }
  }
}

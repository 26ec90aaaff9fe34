package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The word-at-a-time marker search against the byte-at-a-time reference, on random lines that
 * hold the marker, near misses of it (a byte changed, cut short, split by a newline) and long
 * lines past the search's reach, for findings anywhere in a segment with context on both sides.
 */
class InlineAllowTest {

  private static byte[] text(Random rnd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String marker = new String(InlineAllow.MARKER, StandardCharsets.US_ASCII);
    for (int line = rnd.nextInt(12); line >= 0; line--) {
      int n = rnd.nextInt(rnd.nextInt(10) == 0 ? 9000 : 200);
      for (int i = 0; i < n; i++) {
        int pick = rnd.nextInt(400);
        if (pick == 0) {
          out.writeBytes(marker.getBytes(StandardCharsets.US_ASCII));
        } else if (pick == 1) {
          byte[] near = marker.getBytes(StandardCharsets.US_ASCII);
          int at = rnd.nextInt(near.length);
          switch (rnd.nextInt(3)) {
            case 0 -> near[at] = (byte) "tokenswep:alw\n ".charAt(rnd.nextInt(15));
            case 1 -> near = java.util.Arrays.copyOf(near, at);
            default -> near[at] = '\n';
          }
          out.writeBytes(near);
        } else {
          out.write(rnd.nextInt(8) == 0 ? "t :w\t".charAt(rnd.nextInt(5)) : 'a' + rnd.nextInt(26));
        }
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  @Test
  void onLineOf_randomLines_sameAsByteAtATime() {
    Random rnd = new Random(5);
    int allowed = 0;
    int checked = 0;
    int marked = 0;
    for (int round = 0; round < 3000; round++) {
      byte[] buf = text(rnd);
      if (buf.length < 2) {
        continue;
      }
      for (int k = 0; k < 20; k++) {
        int from = rnd.nextInt(buf.length);
        int to = from + rnd.nextInt(buf.length - from + 1);
        if (to == from) {
          continue;
        }
        int start = from + rnd.nextInt(to - from);
        int end = Math.min(to, start + 1 + rnd.nextInt(60));
        boolean expected = InlineAllow.onLineOfReference(buf, from, to, start, end);
        assertEquals(expected, InlineAllow.onLineOf(buf, from, to, start, end),
            "round " + round + " " + from + ".." + to + " secret " + start + ".." + end);
        // the whole range's answer, which lets a dense segment skip onLineOf: a marker on the
        // secret's line is a marker in the range, and none in the range is none on any line
        boolean anywhere = markerStartsIn(buf, from, to);
        assertEquals(anywhere, InlineAllow.markerIn(buf, from, to), "round " + round + " " + from + ".." + to);
        assertTrue(anywhere || !expected, "a marker on the line is in the range");
        marked += anywhere ? 1 : 0;
        allowed += expected ? 1 : 0;
        checked++;
      }
    }
    assertTrue(allowed > 1000 && checked - allowed > 1000, allowed + " of " + checked + " allowed");
    assertTrue(marked > allowed && checked - marked > 1000, marked + " of " + checked + " ranges with a marker");
  }

  /** Whether the marker starts anywhere in {@code buf[from, to)}, a byte at a time. */
  private static boolean markerStartsIn(byte[] buf, int from, int to) {
    byte[] m = InlineAllow.MARKER;
    outer:
    for (int i = from; i + m.length <= to; i++) {
      for (int j = 0; j < m.length; j++) {
        if (buf[i + j] != m[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}

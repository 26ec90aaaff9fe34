package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.read.ByteScan;

/**
 * The inline allow marker: a finding whose line holds {@code tokensweep:allow} is not reported
 * (counted as suppressed instead). Only the bytes of the segment the detector saw are searched,
 * at most {@link #REACH} on each side of the secret, so a very long line costs no more than that.
 */
final class InlineAllow {
  private InlineAllow() {}

  static final byte[] MARKER = "tokensweep:allow".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final int REACH = 4096;

  /**
   * Whether the line around {@code buf[start, end)}, within {@code buf[from, to)}, holds the marker.
   * The line's end and the marker's first byte are found a word at a time ({@link ByteScan#indexOf}):
   * a dense log asks this for every finding (57,000 lines of ~200 bytes per 256 MB).
   */
  static boolean onLineOf(byte[] buf, int from, int to, int start, int end) {
    int lo = start;
    int floor = Math.max(from, start - REACH);
    while (lo > floor && buf[lo - 1] != '\n') {
      lo--;
    }
    int ceil = Math.min(to, end + REACH);
    int nl = ByteScan.indexOf(buf, end, ceil, (byte) '\n');
    return markerIn(buf, lo, nl >= 0 ? nl : Math.max(end, ceil));
  }

  /**
   * Whether the marker is anywhere in {@code buf[from, to)}. A segment dense with findings (one
   * long line of assignments) is searched once: without a marker in it, no finding's line holds
   * one, where {@link #onLineOf} would search up to {@link #REACH} each side of every finding
   * (10 MB of adjacent assignments, ~187,000 findings: ~1.5 GB searched).
   */
  static boolean markerIn(byte[] buf, int from, int to) {
    int last = to - MARKER.length;
    for (int i = from; i <= last; i++) {
      i = ByteScan.indexOf(buf, i, last + 1, MARKER[0]);
      if (i < 0) {
        return false;
      }
      if (markerAt(buf, i)) {
        return true;
      }
    }
    return false;
  }

  private static boolean markerAt(byte[] buf, int i) {
    for (int j = 1; j < MARKER.length; j++) {
      if (buf[i + j] != MARKER[j]) {
        return false;
      }
    }
    return true;
  }

  /** {@link #onLineOf} a byte at a time: the reference that {@code InlineAllowTest} holds it to. */
  static boolean onLineOfReference(byte[] buf, int from, int to, int start, int end) {
    int lo = start;
    int floor = Math.max(from, start - REACH);
    while (lo > floor && buf[lo - 1] != '\n') {
      lo--;
    }
    int hi = end;
    int ceil = Math.min(to, end + REACH);
    while (hi < ceil && buf[hi] != '\n') {
      hi++;
    }
    byte first = MARKER[0];
    outer:
    for (int i = lo, last = hi - MARKER.length; i <= last; i++) {
      if (buf[i] != first) {
        continue;
      }
      for (int j = 1; j < MARKER.length; j++) {
        if (buf[i + j] != MARKER[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}

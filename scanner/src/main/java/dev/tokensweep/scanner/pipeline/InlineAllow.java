package dev.tokensweep.scanner.pipeline;

/**
 * The inline allow marker: a finding whose line holds {@code tokensweep:allow} is not reported
 * (counted as suppressed instead). Only the bytes of the segment the detector saw are searched,
 * at most {@link #REACH} on each side of the secret, so a very long line costs no more than that.
 */
final class InlineAllow {
  private InlineAllow() {}

  static final byte[] MARKER = "tokensweep:allow".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final int REACH = 4096;

  /** Whether the line around {@code buf[start, end)}, within {@code buf[from, to)}, holds the marker. */
  static boolean onLineOf(byte[] buf, int from, int to, int start, int end) {
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

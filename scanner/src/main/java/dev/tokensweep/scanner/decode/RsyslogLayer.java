package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.Locator;

/**
 * rsyslog's control-character escapes: rsyslog writes control characters as {@code #} and three
 * octal digits ({@code #012} for a newline, {@code #011} for a tab), which glues a multi-line
 * message into one line: a token right after {@code #012} has no word boundary before it, and a
 * logged JSON body loses its layout. Each line piece in the buffer that holds such an escape is
 * decoded whole and scanned; a piece that reaches into the range this call owns is decoded here
 * (neighbouring chunks may decode the same bytes: the scanner reports a decoded finding at the
 * same offset once).
 */
final class RsyslogLayer implements DecodingLayer {

  @Override
  public String name() {
    return "rsyslog";
  }

  @Override
  public void decode(byte[] buf, int from, int to, int ownFrom, int ownTo, SegmentPass pass, Locator locator, Next next) {
    // lines split at '\n' from `from`; a line with an escape is decoded once. Most lines hold no
    // '#': the pass noted those, and a line's bounds are looked for only around an escape
    int i = from;
    int k = 0; // the next '#' the pass noted
    while (i < to) {
      while (k < pass.nHashes && pass.hashes[k] < i) {
        k++;
      }
      if (k == pass.nHashes) {
        return;
      }
      int h = pass.hashes[k];
      if (escape(buf, h, to) < 0) {
        i = h + 1;
        continue;
      }
      int nl = ByteScan.lastIndexOf(buf, from, h, (byte) '\n');
      int s = nl < 0 ? from : nl + 1;
      int e = ByteScan.indexOf(buf, h, to, (byte) '\n');
      if (e < 0) {
        e = to;
      }
      if (s < ownTo && e > ownFrom) {
        decodeLine(buf, s, e, locator, next);
      }
      i = e + 1;
    }
  }

  private void decodeLine(byte[] buf, int s, int e, Locator locator, Next next) {
    int n = Math.min(e - s, MAX_RUN);
    byte[] out = new byte[n];
    int[] map = new int[n];
    int o = 0;
    for (int i = s; i < s + n; ) {
      int c = escape(buf, i, e);
      map[o] = i;
      if (c >= 0) {
        out[o++] = (byte) c;
        i += 4;
      } else {
        out[o++] = buf[i++];
      }
    }
    final int len = o;
    next.pass(out, len, name(), Locator.decoded(locator, p -> map[Math.min(p, len - 1)],
        q -> q < len ? map[q] : map[len - 1] + 4)); // past the last byte, a #NNN escape on
  }

  /** The control character that {@code #ooo} at {@code i} stands for, or -1 when it is no rsyslog escape. */
  static int escape(byte[] b, int i, int end) {
    if (i + 3 >= end || b[i] != '#') {
      return -1;
    }
    int d0 = b[i + 1] - '0';
    int d1 = b[i + 2] - '0';
    int d2 = b[i + 3] - '0';
    if (d0 < 0 || d0 > 1 || d1 < 0 || d1 > 7 || d2 < 0 || d2 > 7) {
      return -1;
    }
    int c = d0 * 64 + d1 * 8 + d2;
    return c < 0x20 || c == 0x7F ? c : -1; // rsyslog escapes control characters only
  }
}

package dev.tokensweep.scanner.read;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a stream into lines without ever holding more than {@code maxPiece} bytes of one: a longer
 * line arrives as several pieces, the first flagged {@code start}, the last {@code end}. The
 * {@code '\n'} is not part of any piece. Line numbers are 1-based; offsets are stream offsets.
 */
final class LineFeeder {

  @FunctionalInterface
  interface Handler {
    void piece(byte[] b, int off, int len, long offset, long line, boolean start, boolean end) throws IOException;
  }

  private LineFeeder() {}

  static void feed(InputStream in, int maxPiece, Handler h) throws IOException {
    byte[] buf = new byte[Math.max(64, maxPiece)];
    int len = 0;
    int pos = 0;
    long base = 0; // stream offset of buf[0]
    long line = 1;
    boolean start = true;
    boolean eof = false;
    while (true) {
      int nl = -1;
      for (int i = pos; i < len; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      if (nl >= 0) {
        h.piece(buf, pos, nl - pos, base + pos, line, start, true);
        line++;
        start = true;
        pos = nl + 1;
        continue;
      }
      if (eof) {
        if (len > pos || !start) {
          h.piece(buf, pos, len - pos, base + pos, line, start, true);
        }
        return;
      }
      if (pos == 0 && len == buf.length) {
        h.piece(buf, 0, len, base, line, start, false);
        start = false;
        base += len;
        len = 0;
        continue;
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, len - pos);
        base += pos;
        len -= pos;
        pos = 0;
      }
      int r = in.read(buf, len, buf.length - len);
      if (r < 0) {
        eof = true;
      } else {
        len += r;
      }
    }
  }
}

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

  /**
   * Sees the whole lines held at once before they are handed on one by one: {@code b[from, to)}
   * is one or more whole lines, the last ending at the newline at {@code to} (a reader that looks
   * at every line's bytes does it in one call over many lines: {@link KeywordStems}).
   */
  @FunctionalInterface
  interface Lines {
    void lines(byte[] b, int from, int to);
  }

  private LineFeeder() {}

  static void feed(InputStream in, int maxPiece, Handler h) throws IOException {
    feed(in, maxPiece, null, h);
  }

  /**
   * As {@link #feed(InputStream, int, Handler)}, and {@code lines} (when not null) sees each run of
   * whole lines in the buffer before their pieces go to {@code h}; the pieces of a line that
   * does not fit the buffer, and of a last line with no newline, are in none.
   */
  static void feed(InputStream in, int maxPiece, Lines lines, Handler h) throws IOException {
    feed(in, maxPiece, 0, Long.MAX_VALUE, lines, h);
  }

  /**
   * As above, for a part of a larger stream: {@code in} starts at stream offset {@code base0}, and
   * is read up to stream offset {@code end} at most. Returns the newlines read and the offset of
   * the last one.
   */
  static PartReader.PartLines feed(InputStream in, int maxPiece, long base0, long end, Lines lines, Handler h)
      throws IOException {
    byte[] buf = new byte[Math.max(64, maxPiece)];
    int len = 0;
    int pos = 0;
    long base = base0; // stream offset of buf[0]
    long lastNewline = -1;
    long line = 1;
    boolean start = true;
    boolean eof = false;
    int seen = 0; // lines has seen buf[.., seen)
    while (true) {
      int nl = ByteScan.indexOf(buf, pos, len, (byte) '\n');
      if (nl >= 0) {
        if (lines != null && nl >= seen) {
          int last = ByteScan.lastIndexOf(buf, nl, len, (byte) '\n');
          lines.lines(buf, pos, last);
          seen = last + 1;
        }
        h.piece(buf, pos, nl - pos, base + pos, line, start, true);
        lastNewline = base + nl;
        line++;
        start = true;
        pos = nl + 1;
        continue;
      }
      if (eof) {
        if (len > pos || !start) {
          h.piece(buf, pos, len - pos, base + pos, line, start, true);
        }
        return new PartReader.PartLines(line - 1, lastNewline);
      }
      if (pos == 0 && len == buf.length) {
        h.piece(buf, 0, len, base, line, start, false);
        start = false;
        base += len;
        len = 0;
        seen = 0;
        continue;
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, len - pos);
        base += pos;
        len -= pos;
        pos = 0;
        seen = 0; // every whole line was handed on: none is left to see
      }
      long room = Math.min(buf.length - len, end - (base + len)); // 0 only at the end
      int r = room == 0 ? -1 : in.read(buf, len, (int) room);
      if (r < 0) {
        eof = true;
      } else {
        len += r;
      }
    }
  }
}

package dev.tokensweep.scanner.read;

/**
 * Bytes of no known structure inside a store (a SQLite free block or freelist page, a LevelDB
 * block that does not parse): their printable runs of at least {@link #MIN_RUN} characters go to
 * the current value of a {@link ValueBuffer}, separated by newlines, each run located at its
 * stored bytes. As {@link BinaryReader} does for whole binary files, but over a region of a page
 * the reader already holds.
 */
final class RawRuns {
  static final int MIN_RUN = 8;
  private static final byte[] NL = {'\n'};

  private RawRuns() {}

  private static boolean printable(int c) {
    return c >= 0x20 && c < 0x7F || c == '\t';
  }

  /** Single-byte runs of {@code b[off, off + n)}, stored from {@code fileOffset}. */
  static void ascii(ValueBuffer vb, byte[] b, int off, int n, long fileOffset) {
    int end = off + n;
    int s = -1;
    for (int i = off; i <= end; i++) {
      boolean p = i < end && printable(b[i] & 0xFF);
      if (p && s < 0) {
        s = i;
      } else if (!p && s >= 0) {
        if (i - s >= MIN_RUN) {
          vb.put(b, s, i - s, fileOffset + (s - off));
          vb.label(NL, 0, 1);
        }
        s = -1;
      }
    }
  }

  /** UTF-16 runs (characters below 0x80) of {@code b[off, off + n)} in one byte order, from both alignments. */
  static void utf16(ValueBuffer vb, byte[] b, int off, int n, long fileOffset, boolean bigEndian) {
    int end = off + n;
    for (int align = 0; align < 2; align++) {
      int s = -1;
      for (int i = off + align; i + 1 <= end; i += 2) {
        boolean p = false;
        if (i + 1 < end) {
          int lo = b[i + (bigEndian ? 1 : 0)] & 0xFF;
          int hi = b[i + (bigEndian ? 0 : 1)] & 0xFF;
          p = hi == 0 && printable(lo);
        }
        if (p && s < 0) {
          s = i;
        } else if (!p && s >= 0) {
          if ((i - s) / 2 >= MIN_RUN) {
            vb.putUtf16(b, s, i - s, fileOffset + (s - off), bigEndian);
            vb.label(NL, 0, 1);
          }
          s = -1;
        }
        if (i + 1 >= end) {
          break;
        }
      }
    }
  }
}

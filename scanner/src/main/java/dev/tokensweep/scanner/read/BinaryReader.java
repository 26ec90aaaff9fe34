package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Any binary leaf (crash dumps, heap dumps, SQLite files, executables): printable runs of at least
 * {@link #MIN_RUN} characters are extracted in three encodings, single-byte (ASCII and Latin-1),
 * UTF-16LE and UTF-16BE, converted to one byte per character, joined with newlines and handed to
 * the detector. A finding's offset is the byte offset in the leaf of the secret's first stored
 * byte, and its encoding says how it was stored.
 *
 * <p>Streaming: the leaf is read in windows of {@code chunk} bytes plus twice the detector's overlap
 * on each side (a UTF-16 character takes two bytes). A window owns a range of leaf offsets and the
 * detector reports only matches whose first stored byte lies in it, so a run longer than a window,
 * or a token across a window edge, is found exactly once.
 *
 * <p>The bytes {@code 00 41 00 42 ... 00} read as UTF-16LE from one alignment and as UTF-16BE from
 * the other. Such a run is reported once: as UTF-16BE in a Java heap dump (whose {@code char[]}s are
 * big-endian), as UTF-16LE everywhere else (Windows and .NET memory).
 */
final class BinaryReader implements Reader {
  static final int MIN_RUN = 8;

  private static final int ASCII = 0;
  private static final int LE = 1;
  private static final int BE = 2;
  private static final String[] ENCODING = {"ascii", "utf-16le", "utf-16be"};
  /** Bytes that may be part of a run: printable ASCII, tab, CR, LF and Latin-1 0xA0-0xFF. */
  private static final boolean[] PRINTABLE = new boolean[256];

  static {
    for (int c = 0x20; c < 0x7F; c++) {
      PRINTABLE[c] = true;
    }
    for (int c = 0xA0; c < 0x100; c++) {
      PRINTABLE[c] = true;
    }
    PRINTABLE['\t'] = true;
    PRINTABLE['\n'] = true;
    PRINTABLE['\r'] = true;
  }

  private final String format;
  private final int chunk;
  private final boolean preferBigEndian;

  BinaryReader(String format, int chunkBytes) {
    this.format = format;
    this.chunk = Math.max(16, chunkBytes);
    this.preferBigEndian = format.equals("hprof");
  }

  @Override
  public String format() {
    return format;
  }

  /** Room for the strings of a window of {@code n} bytes, with a separator between runs. */
  private static int textCapacity(int n) {
    return n + n / MIN_RUN + 16;
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    int ov = 2 * sink.overlap();
    // a small window first, the whole chunk only once the leaf fills it (TextReader says why)
    int full = chunk + 2 * ov;
    byte[] win = new byte[Math.min(full, TextReader.FIRST_BUFFER)];
    Runs runs = new Runs();
    byte[] text = new byte[textCapacity(win.length)];
    int[] owned = new int[3]; // what strings() says besides the text's length
    int len = 0;
    long base = 0; // leaf offset of win[0]
    int own = 0;
    boolean eof = false;
    while (!eof) {
      len += in.readNBytes(win, len, win.length - len);
      if (len == win.length && win.length < full) {
        win = java.util.Arrays.copyOf(win, full);
        text = new byte[textCapacity(full)];
        len += in.readNBytes(win, len, win.length - len);
      }
      eof = len < win.length;
      int ownEnd = eof ? len : len - ov;
      int textLen = strings(win, len, ov, own, ownEnd, runs, text, owned);
      // a string the decoding layers would decode, owned here and cut by the window's end (a
      // base64 blob longer than the context): read on and find the strings again, so that this
      // segment holds it whole (as TextReader does)
      while (!eof && owned[1] > owned[0] && owned[2] >= len - 1 && sink.readOn(text, 0, textLen, owned[0], owned[1])) {
        win = java.util.Arrays.copyOf(win, win.length * 2);
        text = new byte[textCapacity(win.length)];
        len += in.readNBytes(win, len, win.length - len);
        eof = len < win.length;
        if (eof) {
          ownEnd = len; // nothing comes after to own the rest
        }
        textLen = strings(win, len, ov, own, ownEnd, runs, text, owned);
      }
      int ownFrom = owned[0];
      int ownTo = owned[1];
      if (ownTo > ownFrom) {
        final long fBase = base;
        sink.segment(text, 0, textLen, ownFrom, ownTo, p -> locate(runs, p, fBase, path));
      }
      if (eof) {
        break;
      }
      int keepFrom = ownEnd - ov;
      System.arraycopy(win, keepFrom, win, 0, len - keepFrom);
      base += keepFrom;
      len -= keepFrom;
      own = ownEnd - keepFrom;
    }
  }

  /**
   * The strings of {@code win[0, len)} into {@code text}, one a line, their places kept in
   * {@code runs}; returns the text's length and sets {@code owned} to the text range of the
   * window's owned bytes {@code [own, ownEnd)} and the window end of the last string.
   */
  private int strings(byte[] win, int len, int ov, int own, int ownEnd, Runs runs, byte[] text, int[] owned) {
    runs.clear();
    findRuns(win, len, ov, runs);
    runs.sort();
    int textLen = 0;
    int ownFrom = -1;
    int ownTo = -1;
    int prevEnd = -1;
    int kept = 0;
    for (int k = 0; k < runs.n; k++) {
      int s = runs.start[k];
      int e = runs.end[k];
      int enc = runs.enc[k];
      int stride = enc == ASCII ? 1 : 2;
      while (s < prevEnd) {
        s += stride; // a seam between encodings: the byte already belongs to the run before
      }
      if ((e - s + stride - 1) / stride < MIN_RUN) {
        continue;
      }
      prevEnd = e;
      if (textLen > 0) {
        text[textLen++] = '\n';
      }
      runs.start[kept] = s;
      runs.enc[kept] = enc;
      runs.textStart[kept] = textLen;
      int back = enc == BE ? 1 : 0; // a UTF-16BE char is stored from the 00 before it
      for (int i = s; i < e; i += stride) {
        int pos = i - back;
        if (ownFrom < 0 && pos >= own) {
          ownFrom = textLen;
        }
        if (ownTo < 0 && pos >= ownEnd) {
          ownTo = textLen;
        }
        text[textLen++] = win[i];
      }
      kept++;
    }
    runs.n = kept;
    owned[0] = ownFrom < 0 ? textLen : ownFrom;
    owned[1] = ownTo < 0 ? textLen : ownTo;
    owned[2] = prevEnd;
    return textLen;
  }

  private Location locate(Runs runs, int p, long base, String path) {
    int k = Arrays.binarySearch(runs.textStart, 0, runs.n, p);
    if (k < 0) {
      k = Math.max(0, -k - 2);
    }
    int enc = runs.enc[k];
    long offset = enc == ASCII ? base + runs.start[k] + (p - runs.textStart[k])
        : base + runs.start[k] + 2L * (p - runs.textStart[k]) - (enc == BE ? 1 : 0);
    return new Location(path, null, null, offset, null, null, ENCODING[enc], null, null, format);
  }

  /**
   * Finds the runs of {@code win[0, len)}. Single-byte runs are maximal printable runs. A UTF-16
   * run is a maximal region where zero bytes and printable bytes alternate; its characters are the
   * printable bytes. Its byte order is read from its ends, and it says the same for a region seen
   * whole or cut by a window edge: a region shorter than {@code ov} bytes is seen whole by every
   * window that owns part of it, so it is judged by its ends (starts with a character: LE; ends
   * with one: BE; else the leaf's preference); a longer one always gets the leaf's preference.
   */
  private void findRuns(byte[] win, int len, int ov, Runs runs) {
    int s = -1;
    for (int i = 0; i < len; i++) {
      if (PRINTABLE[win[i] & 0xFF]) {
        if (s < 0) {
          s = i;
        }
      } else {
        if (s >= 0 && i - s >= MIN_RUN) {
          runs.add(s, i, ASCII);
        }
        s = -1;
      }
    }
    if (s >= 0 && len - s >= MIN_RUN) {
      runs.add(s, len, ASCII);
    }
    int i = 0;
    while (i + 1 < len) {
      int b0 = win[i] & 0xFF;
      int b1 = win[i + 1] & 0xFF;
      boolean charFirst = b0 != 0 && PRINTABLE[b0] && b1 == 0;
      if (!charFirst && !(b0 == 0 && b1 != 0 && PRINTABLE[b1])) {
        i++;
        continue;
      }
      int r0 = i;
      int j = i + 2;
      boolean zeroNext = !charFirst; // what win[j] must be: the pattern repeats every two bytes
      while (j < len) {
        int c = win[j] & 0xFF;
        if (zeroNext ? c != 0 : c == 0 || !PRINTABLE[c]) {
          break;
        }
        zeroNext = !zeroNext;
        j++;
      }
      int r1 = j;
      int first = charFirst ? r0 : r0 + 1; // first character byte
      boolean charLast = win[r1 - 1] != 0;
      int chars = (r1 - first + 1) / 2;
      if (chars >= MIN_RUN) {
        int enc;
        if (r1 - r0 >= ov || charFirst == charLast) {
          enc = preferBigEndian ? BE : LE;
        } else {
          enc = charFirst ? LE : BE;
        }
        runs.add(first, charLast ? r1 : r1 - 1, enc);
      }
      i = charLast ? r1 : r1 - 1;
    }
  }

  /** Runs found in one window, as parallel arrays. */
  private static final class Runs {
    int n;
    int[] start = new int[64];
    int[] end = new int[64];
    int[] enc = new int[64];
    int[] textStart = new int[64];
    private long[] order = new long[64];

    void clear() {
      n = 0;
    }

    void add(int s, int e, int encoding) {
      if (n == start.length) {
        int m = n * 2;
        start = Arrays.copyOf(start, m);
        end = Arrays.copyOf(end, m);
        enc = Arrays.copyOf(enc, m);
        textStart = Arrays.copyOf(textStart, m);
        order = Arrays.copyOf(order, m);
      }
      start[n] = s;
      end[n] = e;
      enc[n] = encoding;
      n++;
    }

    /** Sorts by start offset (then encoding), without allocating per run. */
    void sort() {
      for (int k = 0; k < n; k++) {
        order[k] = ((long) start[k] << 2 | enc[k]) << 32 | (end[k] & 0xFFFFFFFFL);
      }
      Arrays.sort(order, 0, n);
      for (int k = 0; k < n; k++) {
        long o = order[k];
        end[k] = (int) o;
        enc[k] = (int) ((o >>> 32) & 3);
        start[k] = (int) (o >>> 34);
      }
    }
  }
}

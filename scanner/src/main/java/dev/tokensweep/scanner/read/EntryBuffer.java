package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;

/**
 * Collects the decoded bytes of one record (a history entry) and hands it to the sink as one
 * segment, or, when it outgrows the chunk, as several with the sink's overlap on each side. Every
 * decoded byte remembers the stream offset of the stored bytes it came from, and the raw line it
 * sits on, so a finding names the offset, line and column in the file as stored. Memory: at most
 * one chunk of bytes and one {@code int} per byte, as much as the longest entry needs.
 */
final class EntryBuffer {
  private final SegmentSink sink;
  private final String path;
  private final String format;
  private String encoding;
  private final boolean numbered;
  private final int ov;
  private final int full; // the chunk with its overlap on both sides: the buffer grows to this, then spills
  private byte[] buf;
  private int[] src; // stream offset of each decoded byte, relative to srcBase
  private long srcBase;
  private int len;
  private int own;
  private boolean open;
  private long entry;
  private Long timestamp;
  // raw lines that contribute to the buffer: first decoded index, line number, stream offset of its start
  private int[] markIdx = new int[16];
  private long[] markLine = new long[16];
  private long[] markStart = new long[16];
  private int marks;

  EntryBuffer(SegmentSink sink, String path, String format, int chunk) {
    this(sink, path, format, chunk, true);
  }

  /** {@code numbered}: whether locations name the entry (histories) or not (text fallbacks). */
  EntryBuffer(SegmentSink sink, String path, String format, int chunk, boolean numbered) {
    this.numbered = numbered;
    this.sink = sink;
    this.path = path;
    this.format = format;
    this.ov = sink.overlap();
    this.full = chunk + 2 * ov;
    // small first: an entry is one command, and the full chunk (1 MiB of bytes and 4 MiB of
    // offsets, zeroed by the JVM) cost a 1 KB history ~15 ms of its scan
    int first = Math.min(full, FIRST_BYTES);
    this.buf = new byte[first];
    this.src = new int[first];
  }

  /** The encoding that locations name: the leaf's, when its text was transcoded to be read (null: as stored). */
  void encoding(String encoding) {
    this.encoding = encoding;
  }

  /** The buffer an entry starts in; a longer one doubles it up to the full chunk. */
  static final int FIRST_BYTES = 16 << 10;

  boolean open() {
    return open;
  }

  long entry() {
    return entry;
  }

  /** Ends the current entry, if any, and starts entry {@code number}. */
  void begin(long number, Long ts) {
    end();
    open = true;
    entry = number;
    timestamp = ts;
    len = 0;
    own = 0;
    marks = 0;
  }

  void timestamp(Long ts) {
    timestamp = ts;
  }

  /** Says that the bytes put next come from the raw line {@code line} starting at stream offset {@code lineStart}. */
  void line(long line, long lineStart) {
    if (marks > 0 && markIdx[marks - 1] == len) {
      marks--; // nothing came from the previous line
    }
    if (marks == markIdx.length) {
      markIdx = java.util.Arrays.copyOf(markIdx, marks * 2);
      markLine = java.util.Arrays.copyOf(markLine, marks * 2);
      markStart = java.util.Arrays.copyOf(markStart, marks * 2);
    }
    markIdx[marks] = len;
    markLine[marks] = line;
    markStart[marks] = lineStart;
    marks++;
  }

  /** Appends one decoded byte that was stored at stream offset {@code offset}. */
  void put(byte b, long offset) {
    if (len == buf.length) {
      if (buf.length < full) {
        int n = (int) Math.min(full, 2L * buf.length);
        buf = java.util.Arrays.copyOf(buf, n);
        src = java.util.Arrays.copyOf(src, n);
      } else {
        spill();
      }
    }
    if (len == 0) {
      srcBase = offset;
    }
    buf[len] = b;
    src[len] = (int) (offset - srcBase);
    len++;
  }

  /** Hands the rest of the current entry to the sink. */
  void end() {
    if (open && len > own) {
      sink.segment(buf, 0, len, own, len, locator());
    }
    open = false;
    len = 0;
    own = 0;
    marks = 0;
  }

  private void spill() {
    int ownEnd = len - ov;
    if (ownEnd > own) {
      sink.segment(buf, 0, len, own, ownEnd, locator());
    }
    int keepFrom = ownEnd - ov;
    int shift = src[keepFrom];
    for (int i = keepFrom; i < len; i++) {
      src[i - keepFrom] = src[i] - shift;
    }
    srcBase += shift;
    System.arraycopy(buf, keepFrom, buf, 0, len - keepFrom);
    len -= keepFrom;
    own = ownEnd - keepFrom;
    // keep the line marks that still describe kept bytes
    int first = 0;
    while (first + 1 < marks && markIdx[first + 1] <= keepFrom) {
      first++;
    }
    int k = 0;
    for (int m = first; m < marks; m++, k++) {
      markIdx[k] = Math.max(0, markIdx[m] - keepFrom);
      markLine[k] = markLine[m];
      markStart[k] = markStart[m];
    }
    marks = k;
  }

  private Locator locator() {
    final Long e = numbered ? entry : null;
    final Long ts = timestamp;
    return p -> {
      long offset = srcBase + src[p];
      Long line = null;
      Long column = null;
      int lo = 0;
      int hi = marks - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (markIdx[mid] <= p) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found >= 0) {
        line = markLine[found];
        column = offset - markStart[found] + 1;
      }
      return new Location(path, line, column, offset, e, ts, encoding, null, null, format);
    };
  }
}

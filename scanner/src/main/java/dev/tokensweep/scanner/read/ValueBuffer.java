package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import java.util.Arrays;

/**
 * Hands one logical value of a store (a journal field, a SQLite column, a LevelDB key or value)
 * to the detector as a segment of its own, so its edges are word boundaries for the rules
 * whatever bytes sit next to it in the file (another column, a length byte, a NUL). A value
 * longer than the chunk goes in chunks with the sink's overlap on each side, so memory is
 * bounded by the chunk, not by the value.
 *
 * <p>Every byte remembers where it came from, as runs: bytes stored as they are (a SQLite value,
 * also across an overflow page's pointer), UTF-16 characters narrowed to one byte each (the
 * location then names the encoding and the stored offset), bytes without a file offset of their
 * own (decompressed ones: located at their container, with the offset in the value), and a label
 * ({@code column=}) that gives key-aware rules their context. Not thread-safe.
 */
final class ValueBuffer {

  /** Builds the location of a byte of the current value. */
  @FunctionalInterface
  interface Place {
    /**
     * @param fileOffset the byte's offset in the file, or its container's when it has none
     * @param valueOffset the byte's offset in the decoded value when {@code fileOffset} is not its own, else null
     * @param encoding {@code utf-16le}/{@code utf-16be} for narrowed characters, else null
     */
    Location at(long fileOffset, Long valueOffset, String encoding);
  }

  private static final byte AS_IS = 0;
  private static final byte LE = 1;
  private static final byte BE = 2;
  private static final byte UNPLACED = 3;
  private static final byte LABEL = 4;

  private final SegmentSink sink;
  private final int ov;
  private final byte[] buf;
  private int len;
  private int own;
  private boolean open;
  private Place place;
  private long container;
  private long shifted; // value bytes dropped from the buffer's front by spills
  private int labelLen;

  // runs: first buffer index, file offset of that byte (for UNPLACED: value offset minus buffer position), kind
  private int[] runIdx = new int[16];
  private long[] runAt = new long[16];
  private byte[] runKind = new byte[16];
  private int runs;

  ValueBuffer(SegmentSink sink, int chunk) {
    this.sink = sink;
    this.ov = sink.overlap();
    this.buf = new byte[Math.max(64, chunk) + 2 * ov];
  }

  /** Starts a value; {@code containerOffset} locates its bytes that have no file offset of their own. */
  void begin(Place p, long containerOffset) {
    end();
    open = true;
    place = p;
    container = containerOffset;
    len = 0;
    own = 0;
    runs = 0;
    shifted = 0;
    labelLen = 0;
  }

  /** A label before the value ({@code MESSAGE=}, {@code column=}): context for the rules, located at the value's start. */
  void label(byte[] b, int off, int n) {
    for (int i = 0; i < n; i++) {
      room();
      mark(LABEL, 0);
      buf[len++] = b[off + i];
      labelLen++;
    }
  }

  /** Bytes stored as they are, the first at {@code fileOffset}. */
  void put(byte[] b, int off, int n, long fileOffset) {
    while (n > 0) {
      room();
      int k = Math.min(n, buf.length - len);
      mark(AS_IS, fileOffset);
      System.arraycopy(b, off, buf, len, k);
      len += k;
      off += k;
      n -= k;
      fileOffset += k;
    }
  }

  /**
   * UTF-16 code units stored from {@code fileOffset}, narrowed to one byte each: ASCII and
   * Latin-1 as themselves, anything else as {@code ?}. {@code n} is a byte count.
   */
  void putUtf16(byte[] b, int off, int n, long fileOffset, boolean bigEndian) {
    for (int i = 0; i + 1 < n; i += 2) {
      room();
      mark(bigEndian ? BE : LE, fileOffset + i);
      int lo = b[off + i + (bigEndian ? 1 : 0)] & 0xFF;
      int hi = b[off + i + (bigEndian ? 0 : 1)] & 0xFF;
      buf[len++] = hi == 0 ? (byte) lo : (byte) '?';
    }
  }

  /** Decoded bytes with no file offset of their own (decompressed); located at the container. */
  void putUnplaced(byte[] b, int off, int n) {
    while (n > 0) {
      room();
      int k = Math.min(n, buf.length - len);
      mark(UNPLACED, 0);
      System.arraycopy(b, off, buf, len, k);
      len += k;
      off += k;
      n -= k;
    }
  }

  /**
   * Decoded bytes with no file offset of their own, the first at {@code valueOffset} in the
   * decoded value: for a reader that hands on only some of a value's bytes (a git delta's inserted
   * text, not its copy instructions), so that offsets stay those of the whole value.
   */
  void putUnplaced(byte[] b, int off, int n, long valueOffset) {
    while (n > 0) {
      room();
      int k = Math.min(n, buf.length - len);
      // kept as the difference from the buffer position, which spills do not change
      mark(UNPLACED, valueOffset - (shifted + len - labelLen));
      System.arraycopy(b, off, buf, len, k);
      len += k;
      off += k;
      n -= k;
      valueOffset += k;
    }
  }

  /** Hands the rest of the current value to the sink. */
  void end() {
    if (open && len > own) {
      sink.segment(buf, 0, len, own, len, locator());
    }
    open = false;
    len = 0;
    own = 0;
    runs = 0;
    place = null;
  }

  /** Whether the run at the buffer's end continues with a byte of this kind stored at {@code at}. */
  private void mark(byte kind, long at) {
    if (runs > 0) {
      int k = runs - 1;
      byte rk = runKind[k];
      long expect = switch (rk) {
        case AS_IS -> runAt[k] + (len - runIdx[k]);
        case LE, BE -> runAt[k] + 2L * (len - runIdx[k]);
        case UNPLACED -> runAt[k]; // the difference from the buffer position
        default -> 0;
      };
      if (rk == kind && expect == at) {
        return;
      }
    }
    if (runs == runIdx.length) {
      runIdx = Arrays.copyOf(runIdx, runs * 2);
      runAt = Arrays.copyOf(runAt, runs * 2);
      runKind = Arrays.copyOf(runKind, runs * 2);
    }
    runIdx[runs] = len;
    runAt[runs] = at;
    runKind[runs] = kind;
    runs++;
  }

  /** Makes room for at least one byte, spilling a full buffer to the sink. */
  private void room() {
    if (len < buf.length) {
      return;
    }
    int ownEnd = len - ov;
    if (ownEnd > own) {
      sink.segment(buf, 0, len, own, ownEnd, locator());
    }
    int keepFrom = ownEnd - ov;
    // the runs that describe kept bytes, shifted to the new buffer start
    int first = 0;
    while (first + 1 < runs && runIdx[first + 1] <= keepFrom) {
      first++;
    }
    int k = 0;
    for (int r = first; r < runs; r++, k++) {
      int idx = runIdx[r];
      long at = runAt[r];
      if (idx < keepFrom) {
        int d = keepFrom - idx;
        at += switch (runKind[r]) {
          case AS_IS -> d;
          case LE, BE -> 2L * d;
          default -> 0;
        };
        idx = keepFrom;
      }
      runIdx[k] = idx - keepFrom;
      runAt[k] = at;
      runKind[k] = runKind[r];
    }
    runs = k;
    System.arraycopy(buf, keepFrom, buf, 0, len - keepFrom);
    shifted += keepFrom;
    len -= keepFrom;
    own = ownEnd - keepFrom;
  }

  private Locator locator() {
    final Place p = place;
    final long base = shifted;
    final int n = runs;
    final int[] idx = Arrays.copyOf(runIdx, n);
    final long[] at = Arrays.copyOf(runAt, n);
    final byte[] kind = Arrays.copyOf(runKind, n);
    final long cont = container;
    final int label = labelLen;
    return q -> {
      int k = Arrays.binarySearch(idx, 0, n, q);
      if (k < 0) {
        k = Math.max(0, -k - 2);
      }
      while (k + 1 < n && idx[k + 1] == idx[k]) {
        k++;
      }
      long value = Math.max(0, base + q - label);
      return switch (kind[k]) {
        case AS_IS -> p.at(at[k] + (q - idx[k]), null, null);
        case LE -> p.at(at[k] + 2L * (q - idx[k]), null, "utf-16le");
        case BE -> p.at(at[k] + 2L * (q - idx[k]), null, "utf-16be");
        case LABEL -> firstPlaced(p, idx, at, kind, n, cont);
        default -> p.at(cont, value + at[k], null);
      };
    };
  }

  /** A label's bytes are located where the value starts. */
  private static Location firstPlaced(Place p, int[] idx, long[] at, byte[] kind, int n, long cont) {
    for (int k = 0; k < n; k++) {
      if (kind[k] == AS_IS || kind[k] == LE || kind[k] == BE) {
        return p.at(at[k], null, kind[k] == AS_IS ? null : kind[k] == LE ? "utf-16le" : "utf-16be");
      }
      if (kind[k] == UNPLACED) {
        return p.at(cont, 0L, null);
      }
    }
    return p.at(cont, 0L, null);
  }
}

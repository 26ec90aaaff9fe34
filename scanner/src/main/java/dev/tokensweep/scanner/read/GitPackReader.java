package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Git packfiles ({@code .git/objects/pack/pack-*.pack}), read from git's documented format
 * ({@code Documentation/gitformat-pack.txt}): {@code PACK}, version 2 or 3, the object count, then
 * each object as a size-encoded header (a delta's base offset or id after it) and a zlib stream of
 * its own. A cloned or gc'ed repository keeps its whole history here, so a token committed and
 * later removed lives on in a pack.
 *
 * <p>Every object is inflated and handed to the detector as one value: a blob, commit or tag is
 * its text; of a delta (against any base), the literal bytes its inserts add, which hold the lines
 * the change added, so a token inserted there is found without resolving the delta. Trees
 * (names and binary hashes) are inflated to find the next object and not scanned. A location is
 * the object's offset in the pack and the offset in the inflated object.
 *
 * <p>The pack is read as a stream, one object at a time; an object declaring or inflating to more
 * than {@link ScanLimits} allow is cut and reported, and at most {@code maxEntries} objects are
 * read. A bad header, a zlib error or a truncated pack is reported once with its offset, and
 * reading stops there: the objects before it have been scanned.
 */
final class GitPackReader implements Reader {
  static final String FORMAT = "git-pack";
  /** Bytes read from the stream, and inflated, at a time. */
  private static final int PIECE = 1 << 16;
  private static final int TREE = 2;
  private static final int OFS_DELTA = 6;
  private static final int REF_DELTA = 7;
  /** A REF_DELTA's base id: SHA-1. (SHA-256 repositories, 32 bytes, are not told apart in the pack itself.) */
  private static final int BASE_ID = 20;
  private static final byte[] NEWLINE = {'\n'};

  private final int chunk;
  private final ScanLimits limits;

  GitPackReader(int chunkBytes, ScanLimits limits) {
    this.chunk = chunkBytes;
    this.limits = limits;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** {@code PACK} and version 2 or 3, big-endian. */
  static boolean looksLike(byte[] h, int n) {
    return n >= 12 && h[0] == 'P' && h[1] == 'A' && h[2] == 'C' && h[3] == 'K' && h[4] == 0 && h[5] == 0 && h[6] == 0
        && (h[7] == 2 || h[7] == 3);
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    Walk w = new Walk(in, path, sink);
    Inflater inf = new Inflater();
    try {
      w.pack(inf);
    } finally {
      inf.end();
      w.finish();
    }
  }

  private final class Walk {
    private final InputStream in;
    private final String path;
    private final SegmentSink sink;
    private final ValueBuffer vb;
    private final byte[] buf = new byte[PIECE];
    private final byte[] out = new byte[PIECE];
    private int pos;
    private int lim;
    private long bufStart; // file offset of buf[0]
    private boolean eof;
    private String corrupt;
    private String limit;
    /** Inflated bytes thrown away (cut objects, trees): bounded, so a bomb cannot run on. */
    private long discarded;

    Walk(InputStream in, String path, SegmentSink sink) {
      this.in = in;
      this.path = path;
      this.sink = sink;
      this.vb = new ValueBuffer(sink, chunk);
    }

    void finish() {
      vb.end();
      if (corrupt != null) {
        sink.problem(new Problem(path, Problem.Type.CORRUPT, FORMAT + ": " + corrupt));
      }
      if (limit != null) {
        sink.problem(new Problem(path, Problem.Type.LIMIT, limit));
      }
    }

    private long offset() {
      return bufStart + pos;
    }

    /** Refills the buffer, keeping its unread bytes; false at the end of the stream. */
    private boolean fill() throws IOException {
      if (eof) {
        return false;
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        bufStart += pos;
        lim -= pos;
        pos = 0;
      }
      int n = in.read(buf, lim, buf.length - lim);
      if (n < 0) {
        eof = true;
        return false;
      }
      lim += n;
      return true;
    }

    /** The next byte, or -1 at the end. */
    private int next() throws IOException {
      while (pos == lim) {
        if (!fill()) {
          return -1;
        }
      }
      return buf[pos++] & 0xFF;
    }

    void pack(Inflater inf) throws IOException {
      long count = 0;
      for (int i = 0; i < 12; i++) {
        int c = next();
        if (c < 0) {
          corrupt = "truncated in the pack header";
          return;
        }
        if (i >= 8) {
          count = count << 8 | c;
        }
      }
      long max = Math.min(count, limits.maxEntries());
      for (long i = 0; i < max; i++) {
        if (!object(inf)) {
          return;
        }
      }
      if (count > max) {
        limit = "max-entries: git pack declares " + count + " objects; the first " + max + " were read";
      }
    }

    /** One object; false when reading must stop (reported). */
    private boolean object(Inflater inf) throws IOException {
      long at = offset();
      int c = next();
      if (c < 0) {
        corrupt = "truncated: the pack ends before the object at offset " + at;
        return false;
      }
      int type = (c >> 4) & 7;
      long size = c & 15;
      int shift = 4;
      while ((c & 0x80) != 0) {
        c = next();
        if (c < 0 || shift > 56) {
          corrupt = (c < 0 ? "truncated" : "bad size") + " in the header of the object at offset " + at;
          return false;
        }
        size |= (long) (c & 0x7F) << shift;
        shift += 7;
      }
      if (type == 0 || type == 5) {
        corrupt = "object at offset " + at + " has type " + type + "; reading stopped there";
        return false;
      }
      if (type == OFS_DELTA) {
        int k = 0;
        do {
          c = next();
        } while (c >= 0 && (c & 0x80) != 0 && ++k < 10);
        if (c < 0 || k >= 10) {
          corrupt = (c < 0 ? "truncated" : "bad base offset") + " in the header of the object at offset " + at;
          return false;
        }
      } else if (type == REF_DELTA) {
        for (int k = 0; k < BASE_ID; k++) {
          if (next() < 0) {
            corrupt = "truncated in the header of the object at offset " + at;
            return false;
          }
        }
      }
      boolean scan = type != TREE;
      long cap = limits.maxEntryBytes();
      if (scan && size > cap) {
        limit = "max-entry-bytes: git pack object at offset " + at + " declares " + size + " bytes; not scanned";
        scan = false;
      }
      if (scan) {
        vb.begin(place(), at);
      }
      boolean delta = type == OFS_DELTA || type == REF_DELTA;
      deltaState = 0;
      deltaLeft = 0;
      inf.reset();
      long inflated = 0;
      int stalls = 0;
      try {
        while (!inf.finished()) {
          if (inf.needsInput()) {
            if (pos == lim && !fill()) {
              corrupt = "truncated: the pack ends inside the object at offset " + at;
              return false;
            }
            inf.setInput(buf, pos, lim - pos);
            pos = lim; // handed to the inflater; what it leaves over is given back when it finishes
          }
          int n = inf.inflate(out);
          if (n == 0 && !inf.finished() && !inf.needsInput() && (inf.needsDictionary() || ++stalls > 3)) {
            corrupt = "object at offset " + at + " is not a plain zlib stream; reading stopped there";
            return false;
          }
          inflated += n;
          if (inflated > size) {
            corrupt = "object at offset " + at + " inflates to more than the " + size + " bytes it declares; reading stopped there";
            return false;
          }
          if (scan) {
            long compressed = Math.max(1, inf.getBytesRead());
            if (inflated >= limits.ratioThreshold() && (double) inflated / compressed > limits.maxRatio()) {
              limit = "max-ratio: git pack object at offset " + at + " expands more than the limits allow; cut there";
              scan = false;
              vb.end();
            } else if (delta) {
              insertedText(n, inflated - n);
            } else {
              vb.putUnplaced(out, 0, n);
            }
          } else {
            discarded += n;
            if (discarded > cap) {
              limit = "max-entry-bytes: git pack objects not scanned (trees, cut objects) inflate to more than the limit;"
                  + " reading stopped at the object at offset " + at;
              return false;
            }
          }
        }
      } catch (DataFormatException e) {
        corrupt = "object at offset " + at + " does not inflate (zlib: " + e.getMessage() + "); reading stopped there";
        return false;
      } finally {
        if (scan) {
          vb.end();
        }
      }
      pos = lim - inf.getRemaining();
      return true;
    }

    /** Where the delta parse is: 0 and 1 in its two sizes, 2 before an instruction, 3 in a copy's arguments, 4 in an insert. */
    private int deltaState;
    /** Bytes left of the current copy's arguments or insert's literal. */
    private int deltaLeft;

    /**
     * Hands on the literal bytes of a delta's inserts in {@code out[0, n)}, which starts at
     * {@code valueAt} in the inflated delta, each at its own offset there. Git cuts an insert
     * after 127 bytes, so a longer added run comes as several inserts, an opcode byte between
     * them: joined again, a token that such a cut falls in is found. A copy between two inserts
     * stands as one newline (at its opcode), so text that is not adjacent in the result is not
     * joined. A damaged delta parses to something without failing: it only decides what is scanned.
     */
    private void insertedText(int n, long valueAt) {
      int i = 0;
      while (i < n) {
        int c = out[i] & 0xFF;
        switch (deltaState) {
          case 0, 1 -> { // source and result sizes, 7-bit groups
            if ((c & 0x80) == 0) {
              deltaState++;
            }
            i++;
          }
          case 2 -> {
            if ((c & 0x80) != 0) {
              vb.putUnplaced(NEWLINE, 0, 1, valueAt + i);
              deltaLeft = Integer.bitCount(c & 0x7F);
              deltaState = deltaLeft > 0 ? 3 : 2;
            } else if (c != 0) {
              deltaLeft = c;
              deltaState = 4;
            }
            i++;
          }
          case 3 -> {
            int k = Math.min(deltaLeft, n - i);
            i += k;
            deltaLeft -= k;
            if (deltaLeft == 0) {
              deltaState = 2;
            }
          }
          default -> {
            int k = Math.min(deltaLeft, n - i);
            vb.putUnplaced(out, i, k, valueAt + i);
            i += k;
            deltaLeft -= k;
            if (deltaLeft == 0) {
              deltaState = 2;
            }
          }
        }
      }
    }

    private ValueBuffer.Place place() {
      StoreContext ctx = StoreContext.gitPack();
      return (fo, vo, enc) -> new Location(path, null, null, fo, null, null, enc, null, null, FORMAT, null,
          ctx.withValueOffset(vo));
    }
  }
}

package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.tukaani.xz.SingleXZInputStream;

/**
 * systemd journal files ({@code /var/log/journal/<machine>/*.journal}, archived {@code *.journal~},
 * {@code user-*.journal}), read from the documented binary format (systemd's
 * JOURNAL_FILE_FORMAT.md), both the regular and the compact layout, online ("dirty") files too.
 *
 * <p>The objects are walked in file order, as they were appended. Every DATA object (one field,
 * {@code NAME=value}, stored once however many entries share it) is handed to the detector on its
 * own, decompressed when journald compressed it (zstd; xz and lz4 in files written by older
 * systemd; lz4 is the raw block format after a 64-bit little-endian size). The location names the
 * entry that first referenced the field (its sequence number and realtime timestamp, read from
 * the ENTRY object the DATA object points to) and the field name: a history of {@code _CMDLINE}
 * fields reads like a shell history. An uncompressed field's offset is its stored byte; a
 * compressed one's is the DATA object's payload, with the offset in the field.
 *
 * <p>Each decompressed field counts against {@link ScanLimits#maxEntryBytes()} and, once
 * {@link ScanLimits#ratioThreshold()} bytes are out, {@link ScanLimits#maxRatio()}: a field that
 * claims to expand to gigabytes is a {@code limit} problem, and the walk goes on. An object that
 * does not parse is a problem naming its offset, and the walk goes on from the next whole object
 * past it; a truncated file is read up to its last whole object. Memory: one chunk of field and the decoders' windows.
 */
final class JournalReader implements Reader {
  static final String FORMAT = "journal";
  static final byte[] MAGIC = "LPKSHHRH".getBytes(StandardCharsets.US_ASCII);
  private static final int OBJECT_DATA = 1;
  private static final int OBJECT_ENTRY = 3;
  private static final int MAX_TYPE = 7;
  private static final int XZ = 1;
  private static final int LZ4 = 2;
  private static final int ZSTD = 4;
  private static final int COMPACT = 1 << 4;
  /** A field name is read up to this many bytes: journald's own names are at most 64, and a longer one is no name to match. */
  private static final int MAX_NAME = 256;
  /** Bytes of a field's payload scanned at a time: bounded memory however large a field claims to be. */
  private static final int PIECE = 1 << 16;
  /** Fields up to this size (stored and decompressed) are decompressed in one call. */
  private static final int ONE_SHOT = 1 << 20;

  private final int chunk;
  private final ScanLimits limits;

  JournalReader(int chunkBytes, ScanLimits limits) {
    this.chunk = chunkBytes;
    this.limits = limits;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  static boolean looksLike(byte[] head, int n) {
    return n >= 8 && java.util.Arrays.equals(head, 0, 8, MAGIC, 0, 8);
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    read(in, path, null, sink);
  }

  @Override
  public void read(InputStream in, String path, Path file, SegmentSink sink) throws IOException {
    RandomAccess.read(in, file, path, "journal", limits, sink, ra -> {
      Walk w = new Walk(ra, path, sink);
      try {
        w.run();
      } finally {
        if (w.zstd != null) {
          w.zstd.close();
        }
      }
    });
  }

  private final class Walk {
    private final RandomAccess ra;
    private final String path;
    private final SegmentSink sink;
    private final ValueBuffer vb;
    private final byte[] piece = new byte[PIECE];
    private final byte[] name = new byte[MAX_NAME];
    private String corrupt;
    private int corruptCount;
    private String limit;
    private int limitCount;

    Walk(RandomAccess ra, String path, SegmentSink sink) {
      this.ra = ra;
      this.path = path;
      this.sink = sink;
      this.vb = new ValueBuffer(sink, chunk);
    }

    private void corrupt(String m) {
      if (corruptCount++ == 0) {
        corrupt = m;
      }
    }

    private void limit(String m) {
      if (limitCount++ == 0) {
        limit = m;
      }
    }

    void run() throws IOException {
      try {
        walk();
      } catch (EOFException e) {
        corrupt("an offset leads past the end of the file (" + e.getMessage() + "); reading stopped there");
      } finally {
        if (corrupt != null) {
          sink.problem(new Problem(path, Problem.Type.CORRUPT, "journal: " + corrupt
              + (corruptCount > 1 ? " (and " + (corruptCount - 1) + " more damaged objects)" : "")));
        }
        if (limit != null) {
          sink.problem(new Problem(path, Problem.Type.LIMIT, limit
              + (limitCount > 1 ? " (and " + (limitCount - 1) + " more fields)" : "")));
        }
      }
    }

    private void walk() throws IOException {
      long size = ra.size();
      if (size < 208) {
        corrupt("file of " + size + " bytes ends inside the header at offset " + size + "; nothing read");
        return;
      }
      int incompatible = (int) ra.le32(12);
      boolean compact = (incompatible & COMPACT) != 0;
      long headerSize = ra.le64(88);
      long arena = ra.le64(96);
      long tail = ra.le64(136);
      if (headerSize < 208 || headerSize > size || (headerSize & 7) != 0) {
        corrupt("header size " + headerSize + " at offset 88 is not valid; nothing read");
        return;
      }
      long end = arena > 0 && headerSize + arena <= size ? headerSize + arena : size;
      if (arena > 0 && headerSize + arena > size) {
        corrupt("truncated: the header says the objects end at offset " + (headerSize + arena) + ", the file ends at "
            + size + "; the objects before were read");
      }
      int dataHeader = compact ? 72 : 64;
      long p = headerSize;
      while (p + 16 <= end) {
        int type = ra.u8(p);
        int flags = ra.u8(p + 1);
        long objSize = ra.le64(p + 8);
        if (type == 0 && objSize == 0) {
          if (tail == 0 || p > tail) {
            return; // the unused, preallocated end of the file
          }
          long next = resync(p + 8, end);
          corrupt("empty object at offset " + p + " before the last object (" + tail + "); " + goesOn(next));
          if (next < 0) {
            return;
          }
          p = next;
          continue;
        }
        if (objSize < 16 || type > MAX_TYPE || objSize > end - p) {
          // one damaged object does not end the walk: the next whole one past it is found and read on
          long next = resync(p + 8, end);
          if (next < 0 && objSize > end - p && type <= MAX_TYPE && objSize >= 16) {
            corrupt("truncated: the object at offset " + p + " needs " + objSize + " bytes, the file ends at " + end
                + "; the objects before were read");
          } else {
            corrupt("object at offset " + p + " has type " + type + " and size " + objSize + "; " + goesOn(next));
          }
          if (next < 0) {
            return;
          }
          p = next;
          continue;
        }
        if (type == OBJECT_DATA && objSize > dataHeader) {
          data(p, objSize, flags & 7, dataHeader, end);
        }
        p += (objSize + 7) & ~7L;
      }
    }

    private static String goesOn(long next) {
      return next < 0 ? "the rest was not read" : "read on from the next whole object, at offset " + next;
    }

    /**
     * The first offset from {@code from} (8-aligned, as objects are) where an object header looks
     * whole and is followed by another, the unused end, or the end of the objects; -1 if there is none.
     */
    private long resync(long from, long end) throws IOException {
      for (long q = (from + 7) & ~7L; q + 16 <= end; q += 8) {
        if (plausible(q, end)) {
          long next = q + ((ra.le64(q + 8) + 7) & ~7L);
          if (next + 16 > end || plausible(next, end) || (ra.u8(next) == 0 && ra.le64(next + 8) == 0)) {
            return q;
          }
        }
      }
      return -1;
    }

    /** Whether an object header at {@code p} looks whole: a known type, its six reserved bytes zero, a size that fits. */
    private boolean plausible(long p, long end) throws IOException {
      int type = ra.u8(p);
      if (type < 1 || type > MAX_TYPE) {
        return false;
      }
      for (int i = 2; i < 8; i++) {
        if (ra.u8(p + i) != 0) {
          return false;
        }
      }
      long size = ra.le64(p + 8);
      return size >= 16 && size <= end - p;
    }

    /** One DATA object: {@code NAME=value}, maybe compressed. */
    private void data(long p, long objSize, int compression, int dataHeader, long end) throws IOException {
      long payload = p + dataHeader;
      long len = objSize - dataHeader;
      Long seqnum = null;
      Long realtime = null;
      long eo = ra.le64(p + 40);
      if (eo >= 208 && eo + 40 <= end && (eo & 7) == 0 && ra.u8(eo) == OBJECT_ENTRY) {
        seqnum = ra.le64(eo + 16);
        realtime = ra.le64(eo + 24);
      }
      if (compression == 0) {
        int n = (int) Math.min(len, MAX_NAME);
        ra.readFully(payload, name, 0, n);
        String field = fieldName(name, n);
        begin(seqnum, realtime, field, payload);
        long left = len;
        long at = payload;
        while (left > 0) {
          int k = (int) Math.min(piece.length, left);
          ra.readFully(at, piece, 0, k);
          vb.put(piece, 0, k, at);
          at += k;
          left -= k;
        }
        vb.end();
        return;
      }
      if (compression == ZSTD && len <= ONE_SHOT && zstdOneShot(p, payload, (int) len, seqnum, realtime)) {
        return;
      }
      InputStream dec;
      String algo;
      long declared = -1;
      try {
        switch (compression) {
          case ZSTD -> {
            algo = "zstd";
            dec = new ZstdCompressorInputStream(ra.stream(payload, len));
          }
          case XZ -> {
            algo = "xz";
            dec = new SingleXZInputStream(ra.stream(payload, len), ScanLimits.MAX_DECODER_MEMORY_KIB);
          }
          case LZ4 -> {
            algo = "lz4";
            declared = len >= 8 ? ra.le64(payload) : -1;
            if (declared < 0 || declared > limits.maxEntryBytes()) {
              limit("max-entry-bytes: journal field at offset " + payload + " claims to decompress to " + Long.toUnsignedString(declared)
                  + " bytes, more than " + limits.maxEntryBytes() + "; skipped (raise --max-entry-bytes)");
              return;
            }
            if (declared > limits.ratioThreshold() && declared > (len - 8) * limits.maxRatio()) {
              limit(String.format(java.util.Locale.ROOT, "max-ratio: journal field at offset %d claims to expand more than "
                  + "%.0f times (possible bomb); skipped (raise --max-ratio)", payload, limits.maxRatio()));
              return;
            }
            dec = new BlockLZ4CompressorInputStream(ra.stream(payload + 8, len - 8));
          }
          default -> {
            corrupt("DATA object at offset " + p + " has compression flags " + compression + "; skipped");
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        corrupt("DATA object at offset " + p + ": compressed payload unreadable (" + e.getClass().getSimpleName() + "); skipped");
        return;
      } catch (LinkageError e) {
        limit("unsupported: no zstd decoder on this platform; compressed journal fields skipped");
        return;
      }
      long out = 0;
      boolean begun = false;
      try (dec) {
        while (declared < 0 || out < declared) {
          int want = (int) (declared < 0 ? piece.length : Math.min(piece.length, declared - out));
          int k = dec.read(piece, 0, want);
          if (k < 0) {
            break;
          }
          if (!begun) {
            begin(seqnum, realtime, fieldName(piece, Math.min(k, MAX_NAME)), payload);
            begun = true;
          }
          if (out + k > limits.maxEntryBytes()) {
            vb.putUnplaced(piece, 0, (int) (limits.maxEntryBytes() - out));
            limit("max-entry-bytes: journal field at offset " + payload + " decompresses to more than "
                + limits.maxEntryBytes() + " bytes; the rest of it skipped (raise --max-entry-bytes)");
            break;
          }
          vb.putUnplaced(piece, 0, k);
          out += k;
          if (out >= limits.ratioThreshold() && (double) out / len > limits.maxRatio()) {
            limit(String.format(java.util.Locale.ROOT, "max-ratio: journal field at offset %d expands more than %.0f times "
                + "(possible bomb); the rest of it skipped (raise --max-ratio)", payload, limits.maxRatio()));
            break;
          }
        }
      } catch (IOException | RuntimeException e) {
        corrupt("DATA object at offset " + p + ": " + algo + " payload does not decompress (" + e.getClass().getSimpleName()
            + "); the " + out + " bytes before were scanned");
      } finally {
        if (begun) {
          vb.end();
        }
      }
    }

    private com.github.luben.zstd.ZstdDecompressCtx zstd;
    private byte[] zin = new byte[1 << 12];
    private byte[] zout = new byte[1 << 16];

    /**
     * A small zstd field (most are) decompressed in one call with one reused context: a stream
     * decoder per field allocates native buffers each time, which cost more than the field.
     * False when the frame does not say its size or says more than {@link #ONE_SHOT}; the
     * caller then streams it.
     */
    private boolean zstdOneShot(long p, long payload, int len, Long seqnum, Long realtime) throws IOException {
      if (zin.length < len) {
        zin = new byte[Math.max(len, zin.length * 2)];
      }
      ra.readFully(payload, zin, 0, len);
      long size;
      try {
        size = com.github.luben.zstd.Zstd.getFrameContentSize(zin, 0, len);
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
      if (size <= 0 || size > ONE_SHOT || size > limits.maxEntryBytes()
          || size >= limits.ratioThreshold() && (double) size / len > limits.maxRatio()) {
        return false;
      }
      if (zout.length < size) {
        zout = new byte[(int) Math.max(size, zout.length * 2L)];
      }
      int n;
      try {
        if (zstd == null) {
          zstd = new com.github.luben.zstd.ZstdDecompressCtx();
        }
        n = zstd.decompressByteArray(zout, 0, (int) size, zin, 0, len);
      } catch (RuntimeException e) {
        corrupt("DATA object at offset " + p + ": zstd payload does not decompress (" + e.getClass().getSimpleName()
            + "); skipped");
        return true;
      }
      begin(seqnum, realtime, fieldName(zout, Math.min(n, MAX_NAME)), payload);
      vb.putUnplaced(zout, 0, n);
      vb.end();
      return true;
    }

    private void begin(Long seqnum, Long realtime, String field, long container) {
      final Long ts = realtime == null ? null : realtime / 1_000_000;
      final StoreContext ctx = StoreContext.journal(seqnum, realtime, field);
      vb.begin((fo, vo, enc) -> new Location(path, null, null, fo, seqnum, ts, enc, null, null, FORMAT, null,
          ctx.withValueOffset(vo)), container);
    }
  }

  /** The field name before {@code =}, if it is one (journald allows A-Z, 0-9 and _), else null. */
  static String fieldName(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xFF;
      if (c == '=') {
        return i == 0 ? null : new String(b, 0, i, StandardCharsets.US_ASCII);
      }
      if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 'a' && c <= 'z')) {
        return null;
      }
    }
    return null;
  }
}

package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.apache.commons.compress.compressors.snappy.SnappyCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * LevelDB stores (Chromium and Electron {@code Local Storage/leveldb}, {@code Session Storage},
 * {@code IndexedDB}: Teams, Slack, VS Code, Discord, Edge, Chrome), read from LevelDB's documented
 * formats ({@code doc/table_format.md}, {@code doc/log_format.md}).
 *
 * <p>Table files ({@code .ldb}, {@code .sst}): the footer's magic is checked, the index block
 * lists the data blocks, and each block is decompressed (Snappy, or zstd where newer stores use
 * it) within {@link ScanLimits} and parsed into its prefix-compressed entries. Write-ahead logs
 * ({@code NNNNNN.log}, by name and by a valid first record): the 32 KiB blocks' record fragments
 * are joined again, each record (a write batch) is parsed into its puts. Every key and value is
 * handed to the detector on its own, the value as {@code key=value} so key-aware rules see the
 * key; Chromium's Local Storage values are decoded by their first byte (0: UTF-16LE, 1: Latin-1).
 * Locations give the key, printable, with any token-like run in it hidden. A value stored as it
 * is (an uncompressed block, a log record, also across a block boundary) has its exact file
 * offset; one in a compressed block has the block's offset and its offset in the value.
 *
 * <p>A block that fails its checksum or does not parse, or a table without its footer, is
 * reported with its offset and read as printable runs; a truncated log is read up to its last
 * whole record.
 */
final class LevelDbReader implements Reader {
  static final String FORMAT = "leveldb";
  static final String LOG_FORMAT = "leveldb-log";
  static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  static final int LOG_BLOCK = 32768;
  /**
   * A log record is joined from its fragments up to this size (a larger one is scanned as raw
   * bytes), and a table block may decompress to four times it: Chrome's values are far smaller,
   * and the cap bounds what one record holds in memory.
   */
  private static final int MAX_RECORD = 16 << 20;
  /** Bytes read or decompressed at a time: bounded memory per store. */
  private static final int PIECE = 1 << 16;
  /** The first size of a decompressed block's buffer (four times the block, up to this); it grows as needed. */
  private static final int FIRST_BLOCK_BUFFER = 1 << 20;
  /** A key shown in a location is cut here: enough to name the origin and the key, never a whole value. */
  private static final int MAX_KEY_CHARS = 200;

  private final int chunk;
  private final ScanLimits limits;
  private final boolean log;

  LevelDbReader(int chunkBytes, ScanLimits limits, boolean log) {
    this.chunk = chunkBytes;
    this.limits = limits;
    this.log = log;
  }

  @Override
  public String format() {
    return log ? LOG_FORMAT : FORMAT;
  }

  /** A table by its name; the reader checks the footer. */
  static boolean tableByName(String lowerName) {
    return lowerName.endsWith(".ldb") || lowerName.endsWith(".sst");
  }

  /** A log: named {@code <digits>.log}, and its first record header valid (and its checksum when it fits the head). */
  static boolean looksLikeLog(String lowerName, byte[] h, int n) {
    if (!numberedLog(lowerName) || n < 7) {
      return false;
    }
    int len = (h[4] & 0xFF) | (h[5] & 0xFF) << 8;
    int type = h[6] & 0xFF;
    if (type < 1 || type > 4 || len > LOG_BLOCK - 7) {
      return false;
    }
    if (7 + len <= n) {
      return maskedCrc(h, 6, 1 + len) == le32(h, 0);
    }
    return true;
  }

  /**
   * A LevelDB log's name: six digits or more, then {@code .log}. By hand, not
   * {@code String.matches}, which compiled a regex for every file a scan met.
   */
  static boolean numberedLog(String name) {
    int digits = name.length() - 4;
    if (digits < 6 || !name.endsWith(".log")) {
      return false;
    }
    for (int i = 0; i < digits; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  static long le32(byte[] b, int i) {
    return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
  }

  /** LevelDB's masked CRC32C of {@code b[off, off + len)}. */
  static long maskedCrc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    long crc = c.getValue();
    return (((crc >>> 15) | (crc << 17)) + 0xa282ead8L) & 0xFFFFFFFFL;
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    read(in, path, null, sink);
  }

  @Override
  public void read(InputStream in, String path, Path file, SegmentSink sink) throws IOException {
    RandomAccess.read(in, file, path, format(), limits, sink, ra -> {
      Walk w = new Walk(ra, path, sink);
      try {
        if (log) {
          w.log();
        } else {
          w.table();
        }
      } catch (EOFException e) {
        w.corrupt("an offset leads past the end of the file (" + e.getMessage() + "); reading stopped there");
      } finally {
        w.finish();
      }
    });
  }

  private final class Walk {
    private final RandomAccess ra;
    private final String path;
    private final SegmentSink sink;
    private final ValueBuffer vb;
    private String corrupt;
    private int corruptCount;
    private String limit;

    Walk(RandomAccess ra, String path, SegmentSink sink) {
      this.ra = ra;
      this.path = path;
      this.sink = sink;
      this.vb = new ValueBuffer(sink, chunk);
    }

    void corrupt(String m) {
      if (corruptCount++ == 0) {
        corrupt = m;
      }
    }

    void finish() {
      if (corrupt != null) {
        sink.problem(new Problem(path, Problem.Type.CORRUPT, format() + ": " + corrupt
            + (corruptCount > 1 ? " (and " + (corruptCount - 1) + " more damaged places)" : "")));
      }
      if (limit != null) {
        sink.problem(new Problem(path, Problem.Type.LIMIT, limit));
      }
    }

    // ---- tables

    void table() throws IOException {
      long size = ra.size();
      if (size < 48 || ra.le64(size - 8) != TABLE_MAGIC) {
        // a .sst may be another store's table (RocksDB): only a .ldb without its footer is damage
        if (path.toLowerCase(java.util.Locale.ROOT).endsWith(".ldb")) {
          corrupt("no table footer (magic) in the last 48 bytes, truncated or not a table; the " + size
              + " bytes were read as printable runs");
        }
        raw(0, size, StoreContext.RECORD);
        return;
      }
      byte[] footer = new byte[40];
      ra.readFully(size - 48, footer, 0, 40);
      long[] v = new long[1];
      int at = varint(footer, 0, 40, v); // metaindex offset
      at = at < 0 ? -1 : varint(footer, at, 40, v); // metaindex size
      at = at < 0 ? -1 : varint(footer, at, 40, v);
      long indexOffset = v[0];
      at = at < 0 ? -1 : varint(footer, at, 40, v);
      long indexSize = v[0];
      if (at < 0 || indexOffset + indexSize + 5 > size - 48 || indexSize > Integer.MAX_VALUE - 16) {
        corrupt("footer's index handle (offset " + (size - 48) + ") points outside the file; read as printable runs");
        raw(0, size - 48, StoreContext.RECORD);
        return;
      }
      byte[] index = block(indexOffset, indexSize);
      if (index == null) {
        raw(0, size - 48, StoreContext.RECORD);
        return;
      }
      Entries ix = new Entries(index);
      while (ix.next()) {
        long[] h = new long[1];
        int a = varint(index, ix.valueFrom, ix.valueTo, h);
        long off = h[0];
        a = a < 0 ? -1 : varint(index, a, ix.valueTo, h);
        long len = h[0];
        if (a < 0 || off < 0 || len < 0 || off + len + 5 > size) {
          corrupt("index entry points to a block outside the file; skipped");
          continue;
        }
        dataBlock(off, len);
      }
      if (ix.broken) {
        corrupt("index block at offset " + indexOffset + " does not parse; the blocks before were read");
      }
    }

    private boolean compressedLast;

    /** A block's contents, decompressed and checked; null when it cannot be read (reported). */
    private byte[] block(long off, long len) throws IOException {
      if (len > limits.maxEntryBytes() || len > Integer.MAX_VALUE - 64) {
        limit = "max-entry-bytes: leveldb block at offset " + off + " is larger than the limit; skipped";
        return null;
      }
      byte[] raw = new byte[(int) len + 5];
      ra.readFully(off, raw, 0, raw.length);
      int type = raw[(int) len] & 0xFF;
      long crc = le32(raw, (int) len + 1);
      if (maskedCrc(raw, 0, (int) len + 1) != crc) {
        corrupt("block at offset " + off + " fails its checksum; read as printable runs");
        rawBytes(raw, 0, (int) len, off, StoreContext.RECORD);
        return null;
      }
      compressedLast = type != 0;
      if (type == 0) {
        return java.util.Arrays.copyOf(raw, (int) len);
      }
      InputStream dec;
      try {
        if (type == 1) {
          dec = new SnappyCompressorInputStream(new ByteArrayInputStream(raw, 0, (int) len));
        } else if (type == 2) {
          dec = new ZstdCompressorInputStream(new ByteArrayInputStream(raw, 0, (int) len));
        } else {
          corrupt("block at offset " + off + " has compression type " + type + "; read as printable runs");
          rawBytes(raw, 0, (int) len, off, StoreContext.RECORD);
          return null;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.min(len * 4, FIRST_BLOCK_BUFFER));
        byte[] buf = new byte[PIECE];
        long n = 0;
        try (dec) {
          int k;
          while ((k = dec.read(buf)) > 0) {
            n += k;
            if (n > Math.min(limits.maxEntryBytes(), MAX_RECORD * 4L)
                || n >= limits.ratioThreshold() && (double) n / Math.max(1, len) > limits.maxRatio()) {
              limit = "max-ratio: leveldb block at offset " + off + " expands more than the limits allow; skipped";
              return null;
            }
            out.write(buf, 0, k);
          }
        }
        return out.toByteArray();
      } catch (IOException | RuntimeException e) {
        corrupt("block at offset " + off + " does not decompress (" + e.getClass().getSimpleName()
            + "); read as printable runs");
        rawBytes(raw, 0, (int) len, off, StoreContext.RECORD);
        return null;
      } catch (LinkageError e) {
        limit = "unsupported: no zstd decoder on this platform; a zstd block skipped";
        return null;
      }
    }

    private void dataBlock(long off, long len) throws IOException {
      byte[] b = block(off, len);
      if (b == null) {
        return;
      }
      boolean compressed = compressedLast;
      Entries e = new Entries(b);
      while (e.next()) {
        int keyLen = Math.max(0, e.keyLen - 8); // the internal key's 8-byte sequence and type
        boolean deletion = e.keyLen >= 8 && (e.key[e.keyLen - 8] & 0xFF) == 0;
        byte[] key = java.util.Arrays.copyOf(e.key, keyLen);
        long valueAt = compressed ? -1 : off + e.valueFrom;
        entry(key, b, e.valueFrom, deletion ? 0 : e.valueTo - e.valueFrom, valueAt, off, StoreContext.RECORD);
      }
      if (e.broken) {
        corrupt("block at offset " + off + " does not parse after its first entries; the rest read as printable runs");
        rawBytes(b, e.pos, b.length - e.pos, compressed ? off : off + e.pos, StoreContext.RECORD);
      }
    }

    /**
     * One key and its value: the key alone, then {@code key=value}. {@code valueAt} is the
     * value's file offset, or -1 when it has none (a decompressed block at {@code container}).
     */
    private void entry(byte[] key, byte[] b, int from, int len, long valueAt, long container, String origin) {
      String shown = Keys.show(key);
      StoreContext ctx = StoreContext.leveldb(origin, shown);
      final String fmt = format();
      ValueBuffer.Place place = (fo, vo, enc) -> new Location(path, null, null, fo, null, null, enc, null, null, fmt, null,
          ctx.withValueOffset(vo));
      vb.begin(place, container);
      vb.putUnplaced(key, 0, key.length);
      vb.end();
      if (len <= 0) {
        return;
      }
      vb.begin(place, valueAt >= 0 ? valueAt : container);
      byte[] label = (Keys.label(key) + "=").getBytes(StandardCharsets.ISO_8859_1);
      vb.label(label, 0, label.length);
      int prefix = Keys.chromiumLocalStorage(key) ? b[from] & 0xFF : -1;
      if (prefix == 0 && len > 1) {
        if (valueAt >= 0) {
          vb.putUtf16(b, from + 1, len - 1, valueAt + 1, false);
        } else {
          narrowUnplaced(b, from + 1, len - 1);
        }
      } else if (prefix == 1 && len > 1) {
        if (valueAt >= 0) {
          vb.put(b, from + 1, len - 1, valueAt + 1);
        } else {
          vb.putUnplaced(b, from + 1, len - 1);
        }
      } else if (valueAt >= 0) {
        vb.put(b, from, len, valueAt);
      } else {
        vb.putUnplaced(b, from, len);
      }
      vb.end();
    }

    private byte[] narrow = new byte[1 << 12];

    private void narrowUnplaced(byte[] b, int from, int len) {
      for (int i = 0; i + 1 < len; ) {
        int k = 0;
        while (k < narrow.length && i + 1 < len) {
          int lo = b[from + i] & 0xFF;
          int hi = b[from + i + 1] & 0xFF;
          narrow[k++] = hi == 0 ? (byte) lo : (byte) '?';
          i += 2;
        }
        vb.putUnplaced(narrow, 0, k);
      }
    }

    private void raw(long from, long len, String origin) throws IOException {
      byte[] b = new byte[PIECE];
      for (long at = from; at < from + len; at += b.length) {
        int n = (int) Math.min(b.length, from + len - at);
        ra.readFully(at, b, 0, n);
        rawBytes(b, 0, n, at, origin);
      }
    }

    private void rawBytes(byte[] b, int from, int len, long fileOffset, String origin) {
      final String fmt = format();
      StoreContext ctx = StoreContext.leveldb(origin, null);
      vb.begin((fo, vo, enc) -> new Location(path, null, null, fo, null, null, enc, null, null, fmt, null, ctx), fileOffset);
      RawRuns.ascii(vb, b, from, len, fileOffset);
      RawRuns.utf16(vb, b, from, len, fileOffset, false);
      vb.end();
    }

    // ---- logs

    void log() throws IOException {
      long size = ra.size();
      byte[] block = new byte[LOG_BLOCK];
      Record rec = new Record();
      for (long b = 0; b < size; b += LOG_BLOCK) {
        int n = (int) Math.min(LOG_BLOCK, size - b);
        ra.readFully(b, block, 0, n);
        int p = 0;
        while (p + 7 <= n) {
          int len = (block[p + 4] & 0xFF) | (block[p + 5] & 0xFF) << 8;
          int type = block[p + 6] & 0xFF;
          if (type == 0 && len == 0) {
            break; // zero padding: the rest of the block
          }
          if (type < 1 || type > 4 || p + 7 + len > n) {
            if (p + 7 + len > n && b + n == size && type >= 1 && type <= 4) {
              corrupt("truncated: the record at offset " + (b + p) + " needs " + len + " bytes, the file ends at " + size
                  + "; the records before were read");
            } else {
              corrupt("record header at offset " + (b + p) + " is not valid; the rest of its block was skipped");
            }
            rec.flushRaw();
            break;
          }
          if (maskedCrc(block, p + 6, 1 + len) != le32(block, p)) {
            corrupt("record at offset " + (b + p) + " fails its checksum; read as printable runs");
            rec.flushRaw();
            rawBytes(block, p + 7, len, b + p + 7, StoreContext.LOG);
            p += 7 + len;
            continue;
          }
          switch (type) {
            case 1 -> {
              rec.flushRaw();
              rec.add(block, p + 7, len, b + p + 7);
              rec.parse();
            }
            case 2 -> {
              rec.flushRaw();
              rec.add(block, p + 7, len, b + p + 7);
            }
            case 3 -> rec.add(block, p + 7, len, b + p + 7);
            default -> {
              rec.add(block, p + 7, len, b + p + 7);
              rec.parse();
            }
          }
          p += 7 + len;
        }
      }
      if (rec.len > 0) {
        corrupt("truncated: the last record ends at offset " + size + " before its last fragment; read as printable runs");
        rec.flushRaw();
      }
    }

    /** A log record joined from its fragments, with the file offset of each fragment. */
    private final class Record {
      byte[] buf = new byte[1 << 12];
      int len;
      int[] fragAt = new int[8];
      long[] fragFile = new long[8];
      int frags;

      void add(byte[] b, int from, int n, long fileOffset) {
        if (len + n > MAX_RECORD) {
          flushRaw();
          rawBytes(b, from, n, fileOffset, StoreContext.LOG);
          return;
        }
        if (len + n > buf.length) {
          buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        if (frags == fragAt.length) {
          fragAt = java.util.Arrays.copyOf(fragAt, frags * 2);
          fragFile = java.util.Arrays.copyOf(fragFile, frags * 2);
        }
        fragAt[frags] = len;
        fragFile[frags] = fileOffset;
        frags++;
        System.arraycopy(b, from, buf, len, n);
        len += n;
      }

      /** The file offset of record byte {@code i}. */
      long fileOf(int i) {
        int k = frags - 1;
        while (k > 0 && fragAt[k] > i) {
          k--;
        }
        return fragFile[k] + (i - fragAt[k]);
      }

      /** A write batch: sequence (8), count (4), then put (1, key, value) and delete (0, key) records. */
      void parse() {
        int p = 12;
        long[] v = new long[1];
        boolean ok = len >= 12;
        while (ok && p < len) {
          int tag = buf[p++] & 0xFF;
          int a = varint(buf, p, len, v);
          if (a < 0 || v[0] > len - a || tag > 1) {
            ok = false;
            break;
          }
          byte[] key = java.util.Arrays.copyOfRange(buf, a, a + (int) v[0]);
          p = a + (int) v[0];
          if (tag == 0) {
            continue;
          }
          a = varint(buf, p, len, v);
          if (a < 0 || v[0] > len - a) {
            ok = false;
            break;
          }
          int vlen = (int) v[0];
          valueAcrossFragments(key, a, vlen);
          p = a + vlen;
        }
        if (!ok) {
          corrupt("write batch at offset " + fileOf(0) + " does not parse; read as printable runs");
          rawBytes(buf, 0, len, fileOf(0), StoreContext.LOG);
        }
        len = 0;
        frags = 0;
      }

      /** A value whose bytes may lie in several fragments: each piece at its own file offset. */
      private void valueAcrossFragments(byte[] key, int from, int vlen) {
        String shown = Keys.show(key);
        StoreContext ctx = StoreContext.leveldb(StoreContext.LOG, shown);
        final String fmt = format();
        ValueBuffer.Place place = (fo, vo, enc) -> new Location(path, null, null, fo, null, null, enc, null, null, fmt, null,
            ctx.withValueOffset(vo));
        long keyAt = fileOf(Math.max(0, from - 1));
        vb.begin(place, keyAt);
        vb.putUnplaced(key, 0, key.length);
        vb.end();
        if (vlen == 0) {
          return;
        }
        vb.begin(place, fileOf(from));
        byte[] label = (Keys.label(key) + "=").getBytes(StandardCharsets.ISO_8859_1);
        vb.label(label, 0, label.length);
        int prefix = Keys.chromiumLocalStorage(key) ? buf[from] & 0xFF : -1;
        int start = prefix == 0 || prefix == 1 ? from + 1 : from;
        int end = from + vlen;
        int i = start;
        while (i < end) {
          int k = frags - 1;
          while (k > 0 && fragAt[k] > i) {
            k--;
          }
          int pieceEnd = Math.min(end, k + 1 < frags ? fragAt[k + 1] : len);
          if (prefix == 0) {
            int n = (pieceEnd - i) & ~1;
            if (n == 0) {
              n = Math.min(2, end - i); // a UTF-16 unit across two fragments: located at its first byte
              if (n == 2) {
                byte[] two = {buf[i], buf[i + 1]};
                vb.putUtf16(two, 0, 2, fileOf(i), false);
              }
              i += Math.max(1, n);
              continue;
            }
            vb.putUtf16(buf, i, n, fileOf(i), false);
            i += n;
          } else {
            vb.put(buf, i, pieceEnd - i, fileOf(i));
            i = pieceEnd;
          }
        }
        vb.end();
      }

      void flushRaw() {
        if (len > 0) {
          rawBytes(buf, 0, len, fileOf(0), StoreContext.LOG);
        }
        len = 0;
        frags = 0;
      }
    }
  }

  /** The entries of one block: shared key prefix, unshared bytes, value; restart array at the end. */
  static final class Entries {
    final byte[] b;
    final int end;
    int pos;
    byte[] key = new byte[64];
    int keyLen;
    int valueFrom;
    int valueTo;
    boolean broken;

    Entries(byte[] b) {
      this.b = b;
      int e = -1;
      if (b.length >= 4) {
        long restarts = le32(b, b.length - 4);
        long restartBytes = 4 + 4 * restarts;
        if (restarts < b.length && restartBytes <= b.length) {
          e = (int) (b.length - restartBytes);
        }
      }
      if (e < 0) {
        broken = true;
        e = 0;
      }
      this.end = e;
    }

    boolean next() {
      if (broken || pos >= end) {
        return false;
      }
      long[] v = new long[1];
      int p = varint(b, pos, end, v);
      long shared = v[0];
      p = p < 0 ? -1 : varint(b, p, end, v);
      long unshared = v[0];
      p = p < 0 ? -1 : varint(b, p, end, v);
      long vlen = v[0];
      if (p < 0 || shared > keyLen || unshared > end - p || vlen > end - p - unshared) {
        broken = true;
        return false;
      }
      int newLen = (int) (shared + unshared);
      if (newLen > key.length) {
        key = java.util.Arrays.copyOf(key, Math.max(newLen, key.length * 2));
      }
      System.arraycopy(b, p, key, (int) shared, (int) unshared);
      keyLen = newLen;
      valueFrom = p + (int) unshared;
      valueTo = valueFrom + (int) vlen;
      pos = valueTo;
      return true;
    }
  }

  /** LevelDB's varint64 (little-endian base 128); the index after it, or -1. */
  static int varint(byte[] b, int i, int end, long[] out) {
    long v = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (i >= end || i >= b.length) {
        return -1;
      }
      int c = b[i++] & 0xFF;
      v |= (long) (c & 0x7F) << shift;
      if ((c & 0x80) == 0) {
        out[0] = v;
        return i;
      }
    }
    return -1;
  }

  /** How keys are shown in locations and labels. */
  static final class Keys {
    private Keys() {}

    /** Chromium Local Storage: {@code _<origin>\0\1<key>} (the key itself Latin-1 after the 1). */
    static boolean chromiumLocalStorage(byte[] key) {
      if (key.length < 3 || key[0] != '_') {
        return false;
      }
      for (int i = 1; i + 1 < key.length; i++) {
        if (key[i] == 0 && (key[i + 1] == 1 || key[i + 1] == 0)) {
          return true;
        }
      }
      return false;
    }

    /** The key's name part for a label: Local Storage's key name, else the printable key. */
    static String label(byte[] key) {
      if (chromiumLocalStorage(key)) {
        for (int i = 1; i + 1 < key.length; i++) {
          if (key[i] == 0 && (key[i + 1] == 1 || key[i + 1] == 0)) {
            boolean utf16 = key[i + 1] == 0;
            byte[] rest = java.util.Arrays.copyOfRange(key, i + 2, key.length);
            return printable(utf16 ? new String(rest, StandardCharsets.UTF_16LE) : new String(rest, StandardCharsets.ISO_8859_1));
          }
        }
      }
      return printable(new String(key, StandardCharsets.ISO_8859_1));
    }

    /** The key for a location: printable, Local Storage as {@code <origin> key <name>}, token-like runs hidden. */
    static String show(byte[] key) {
      String s;
      if (chromiumLocalStorage(key)) {
        int i = 1;
        while (i + 1 < key.length && !(key[i] == 0 && (key[i + 1] == 1 || key[i + 1] == 0))) {
          i++;
        }
        s = printable(new String(key, 1, i - 1, StandardCharsets.ISO_8859_1)) + " key " + label(key);
      } else {
        s = printable(new String(key, StandardCharsets.ISO_8859_1));
      }
      return hideTokens(s.length() > MAX_KEY_CHARS ? cut(s, MAX_KEY_CHARS) + "…" : s);
    }

    /**
     * {@code s}'s first {@code max} characters, less the run of token characters the cut falls in:
     * the first part of a token cut short is too short to hide as a token-like run and is no
     * longer a token the detector recognizes when the location is redacted.
     */
    static String cut(String s, int max) {
      int end = max;
      if (cutChar(s.charAt(end))) {
        while (end > 0 && cutChar(s.charAt(end - 1))) {
          end--;
        }
      }
      return s.substring(0, end);
    }

    // token characters and those a token's parts are joined with (a JWT's dots, URL encoding)
    private static boolean cutChar(char c) {
      return tokenChar(c) || c == '.' || c == '~' || c == '%' || c == ':';
    }

    private static String printable(String s) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        b.append(c >= 0x20 && c < 0x7F ? c : '.');
      }
      return b.toString();
    }

    /** Runs of 16 or more token characters with letters and digits mixed become {@code [N chars hidden]}. */
    static String hideTokens(String s) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < s.length()) {
        int j = i;
        boolean digit = false;
        boolean letter = false;
        while (j < s.length() && tokenChar(s.charAt(j))) {
          digit |= Character.isDigit(s.charAt(j));
          letter |= Character.isLetter(s.charAt(j));
          j++;
        }
        if (j - i >= 16 && digit && letter) {
          out.append('[').append(j - i).append(" chars hidden]");
          i = j;
        } else if (j > i) {
          out.append(s, i, j);
          i = j;
        } else {
          out.append(s.charAt(i++));
        }
      }
      return out.toString();
    }

    private static boolean tokenChar(char c) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '+'
          || c == '/' || c == '=';
    }
  }
}

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SQLite databases (gcloud {@code credentials.db}, VS Code {@code state.vscdb}, browsers'
 * {@code Cookies}, CLI caches) and their {@code -wal} files, read page by page from the
 * documented file format (sqlite.org/fileformat2.html): no SQLite library and no SQL run on an
 * untrusted file.
 *
 * <p>Every table b-tree named in {@code sqlite_schema} is walked from its root; each cell's payload
 * is reassembled across its overflow chain (so a token cut by a 4-byte page pointer is whole
 * again) and decoded into its columns, and every text and blob column is handed to the detector
 * on its own as {@code column=value}: columns stored back to back never glue a token to the bytes
 * before it, and key-aware rules see the column name. Text in UTF-16 databases is narrowed to one
 * byte a character. Locations give the table, rowid and column, and the file offset of the
 * secret's first stored byte.
 *
 * <p>What the b-trees no longer reach is scanned too, as printable runs, with origin
 * {@code deleted}: free blocks and the unallocated space of every b-tree page, and every page no
 * b-tree or overflow chain reaches (freelist trunk and leaf pages, orphans). Index b-trees are
 * walked only to know their pages (their keys repeat table values). A {@code -wal} file's frames
 * are decoded page by page with origin {@code uncommitted}: table leaf cells into columns
 * (overflow pages found in the same file), other pages as printable runs.
 *
 * <p>Damage never stops the scan: a page or cell that does not parse is reported once with its
 * offset and skipped, a truncated file is read up to its last whole page. Memory: one page, one
 * chunk of value, a bit per page; a value of any length streams.
 */
final class SqliteReader implements Reader {
  static final String FORMAT = "sqlite";
  static final String WAL_FORMAT = "sqlite-wal";
  static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  /** B-tree levels descended at most: a real database of any size has a handful; a cycle or a forged page chain stops here. */
  private static final int MAX_DEPTH = 64;
  /** Largest record header believed: headers hold one varint per column, and SQLite allows at most 32,767 columns. */
  private static final int MAX_HEADER = 1 << 16;
  /** Bytes of cell content scanned at a time and of a raw block of the whole file: bounded memory per database. */
  private static final int PIECE = 1 << 16;
  /** A schema row's text kept in memory (the rest skipped): schema SQL is far shorter, and a forged size allocates no more. */
  private static final int MAX_SCHEMA_STRING = 1 << 20;

  private final int chunk;
  private final ScanLimits limits;
  private final boolean wal;
  private final String format;

  SqliteReader(int chunkBytes, ScanLimits limits, boolean wal) {
    this(chunkBytes, limits, wal, wal ? WAL_FORMAT : FORMAT);
  }

  /** With {@code format} as the locations' format (a token cache's {@code token-cache:gcloud}). */
  SqliteReader(int chunkBytes, ScanLimits limits, boolean wal, String format) {
    this.chunk = chunkBytes;
    this.limits = limits;
    this.wal = wal;
    this.format = format;
  }

  @Override
  public String format() {
    return format;
  }

  /** A database: the 16-byte header string. */
  static boolean looksLike(byte[] head, int n) {
    if (n < 100) {
      return n >= 16 && java.util.Arrays.equals(head, 0, 16, MAGIC, 0, 16);
    }
    return java.util.Arrays.equals(head, 0, 16, MAGIC, 0, 16);
  }

  /** A write-ahead log: magic 0x377f0682 or 0x377f0683 and format version 3007000. */
  static boolean looksLikeWal(byte[] h, int n) {
    if (n < 32) {
      return false;
    }
    long magic = be32(h, 0);
    return (magic == 0x377f0682L || magic == 0x377f0683L) && be32(h, 4) == 3007000L;
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
        if (wal) {
          w.wal();
        } else {
          w.database();
        }
      } catch (EOFException e) {
        w.problem("a pointer leads past the end of the file (" + e.getMessage() + "); reading stopped there");
      } finally {
        w.finish();
      }
    });
  }

  static long be32(byte[] b, int i) {
    return (b[i] & 0xFFL) << 24 | (b[i + 1] & 0xFFL) << 16 | (b[i + 2] & 0xFFL) << 8 | (b[i + 3] & 0xFFL);
  }

  static int be16(byte[] b, int i) {
    return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
  }

  /** A table from {@code sqlite_schema}. */
  private record Table(String name, long root, List<String> columns, boolean withoutRowid) {}

  /** Thrown for damage inside one page or cell; the walk reports it and goes on with the next. */
  private static final class Damage extends Exception {
    Damage(String message) {
      super(message, null, false, false);
    }
  }

  /** One walk over one file. */
  private final class Walk {
    private final RandomAccess ra;
    private final String path;
    private final SegmentSink sink;
    private final ValueBuffer vb;
    private int pageSize;
    private int usable;
    private long pageCount;
    private int encoding = 1; // 1 UTF-8, 2 UTF-16LE, 3 UTF-16BE
    private long[] visited;
    private byte[] page;
    private final byte[] piece = new byte[PIECE];
    private int problems;
    private boolean stopped;
    // the -wal file: page number -> file offset of its last frame's data
    private Map<Long, Long> walPages;

    Walk(RandomAccess ra, String path, SegmentSink sink) {
      this.ra = ra;
      this.path = path;
      this.sink = sink;
      this.vb = new ValueBuffer(sink, chunk);
    }

    private String firstProblem;

    /** Notes damage; the file gets one problem, the first damage found and how many more there were. */
    private void problem(String message) {
      if (problems++ == 0) {
        firstProblem = message;
      }
    }

    /** Reports the damage noted, once. */
    void finish() {
      if (problems > 0) {
        sink.problem(new Problem(path, Problem.Type.CORRUPT, format() + ": " + firstProblem
            + (problems > 1 ? " (and " + (problems - 1) + " more damaged places further on)" : "")));
      }
    }

    private void setPageSize(int raw, int reserved) throws Damage {
      int ps = raw == 1 ? 65536 : raw;
      if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0) {
        throw new Damage("page size " + raw + " in the header is not a power of two from 512 to 65536");
      }
      pageSize = ps;
      usable = ps - reserved;
      if (usable < 480) {
        throw new Damage("reserved space " + reserved + " leaves fewer than 480 usable bytes a page");
      }
      page = new byte[ps];
    }

    // ---- the database file

    void database() throws IOException {
      byte[] h = new byte[100];
      if (ra.size() < 100) {
        problem("file of " + ra.size() + " bytes ends inside the 100-byte header at offset " + ra.size() + "; nothing read");
        return;
      }
      ra.readFully(0, h, 0, 100);
      try {
        setPageSize(be16(h, 16), h[20] & 0xFF);
      } catch (Damage d) {
        problem(d.getMessage() + " (offset 16); read as printable runs instead");
        rawWholeFile();
        return;
      }
      long enc = be32(h, 56);
      encoding = enc == 2 || enc == 3 ? (int) enc : 1;
      pageCount = ra.size() / pageSize;
      long declared = be32(h, 28);
      boolean countValid = be32(h, 24) == be32(h, 92) && declared > 0;
      if (ra.size() % pageSize != 0 || countValid && declared > pageCount) {
        long at = pageCount * pageSize;
        problem("truncated: the file ends at offset " + ra.size() + (countValid ? ", the header says " + declared
            + " pages of " + pageSize + " bytes" : ", inside page " + (pageCount + 1)) + "; the " + pageCount
            + " whole pages before offset " + at + " were read, the rest as printable runs");
        if (ra.size() > at) {
          rawRegion(at, (int) Math.min(pageSize, ra.size() - at), pageCount + 1, StoreContext.DELETED);
        }
      }
      if (pageCount == 0) {
        return;
      }
      visited = new long[(int) ((pageCount + 64) >>> 6)];
      List<Table> tables = new ArrayList<>();
      List<Long> indexes = new ArrayList<>();
      schema(tables, indexes);
      tables.add(0, new Table("sqlite_schema", 1, List.of("type", "name", "tbl_name", "rootpage", "sql"), false));
      for (Table t : tables) {
        if (stopped) {
          return;
        }
        tree(t.root, t, 0, true);
      }
      for (long root : indexes) {
        tree(root, null, 0, true);
      }
      // pages no b-tree reached: freelist trunk and leaf pages, orphans (deleted data)
      for (long p = 1; p <= pageCount && !stopped; p++) {
        if (!isVisited(p)) {
          rawRegion((p - 1) * pageSize, pageSize, p, StoreContext.DELETED);
        }
      }
    }

    private boolean isVisited(long p) {
      return (visited[(int) (p >>> 6)] & (1L << (p & 63))) != 0;
    }

    /** Marks page {@code p}; false when it was marked already (a loop, or a page in two trees). */
    private boolean visit(long p) {
      if (visited == null) {
        return true;
      }
      long bit = 1L << (p & 63);
      int w = (int) (p >>> 6);
      if ((visited[w] & bit) != 0) {
        return false;
      }
      visited[w] |= bit;
      return true;
    }

    private long pageOffset(long p) {
      if (walPages != null) {
        Long o = walPages.get(p);
        return o == null ? -1 : o;
      }
      return p >= 1 && p <= pageCount ? (p - 1) * pageSize : -1;
    }

    /** Reads page {@code p} into {@link #page}; its file offset, or -1 when it is not in the file. */
    private long load(long p) throws IOException {
      long off = pageOffset(p);
      if (off < 0) {
        return -1;
      }
      ra.readFully(off, page, 0, pageSize);
      return off;
    }

    /** The tables and indexes of {@code sqlite_schema} (page 1's tree). */
    private void schema(List<Table> tables, List<Long> indexes) throws IOException {
      List<String[]> rows = new ArrayList<>();
      long[] before = visited.clone();
      tree(1, null, 0, false, rows);
      visited = before; // walked again, scanned this time, as the sqlite_schema table
      for (String[] r : rows) {
        String type = r[0];
        long root;
        try {
          root = r[3] == null ? 0 : Long.parseLong(r[3]);
        } catch (NumberFormatException e) {
          root = 0;
        }
        if (root < 2 || root > pageCount) {
          continue; // views, triggers, virtual tables
        }
        if ("table".equals(type)) {
          String sql = r[4] == null ? "" : r[4];
          tables.add(new Table(r[1], root, SqlColumns.of(sql), SqlColumns.withoutRowid(sql)));
        } else if ("index".equals(type)) {
          indexes.add(root);
        }
      }
    }

    private void tree(long root, Table t, int depth, boolean scan) throws IOException {
      tree(root, t, depth, scan, null);
    }

    /**
     * Walks the b-tree under page {@code p}: table leaves are decoded ({@code scan}: their columns
     * scanned; {@code schemaRows} non-null: sqlite_schema rows collected instead), index pages
     * only marked; every page's free space is scanned as deleted data when {@code scan}.
     */
    private void tree(long p, Table t, int depth, boolean scan, List<String[]> schemaRows) throws IOException {
      if (stopped) {
        return;
      }
      if (depth > MAX_DEPTH) {
        problem("b-tree deeper than " + MAX_DEPTH + " levels at page " + p + "; not descended");
        return;
      }
      long off = pageOffset(p);
      if (off < 0) {
        problem("page " + p + " referenced by a b-tree is not in the file (" + pageCount + " pages); skipped");
        return;
      }
      if (!visit(p)) {
        problem("page " + p + " (offset " + off + ") is reached twice; not read again");
        return;
      }
      load(p);
      int hdr = p == 1 ? 100 : 0;
      int type = page[hdr] & 0xFF;
      if (type != 2 && type != 5 && type != 10 && type != 13) {
        problem("page " + p + " (offset " + off + ") is not a b-tree page (type " + type + "); read as printable runs");
        if (scan) {
          rawRegion(off, pageSize, p, StoreContext.DELETED);
        }
        return;
      }
      boolean interior = type == 2 || type == 5;
      boolean table = type == 5 || type == 13;
      int cells = be16(page, hdr + 3);
      int headerLen = interior ? 12 : 8;
      int ptrEnd = hdr + headerLen + 2 * cells;
      if (ptrEnd > usable) {
        problem("page " + p + " (offset " + off + ") claims " + cells + " cells, more than fit; read as printable runs");
        if (scan) {
          rawRegion(off, pageSize, p, StoreContext.DELETED);
        }
        return;
      }
      // the page is overwritten by the loads below: keep what is needed from it
      int[] ptrs = new int[cells];
      for (int i = 0; i < cells; i++) {
        ptrs[i] = be16(page, hdr + headerLen + 2 * i);
      }
      long right = interior ? be32(page, hdr + 8) : 0;
      if (scan) {
        freeSpace(p, off, hdr, ptrEnd);
      }
      if (interior) {
        for (int i = 0; i < cells && !stopped; i++) {
          load(p);
          int c = ptrs[i];
          if (c < ptrEnd || c + 4 > usable) {
            problem("page " + p + " cell " + i + " at offset " + (off + c) + " points outside the page; skipped");
            continue;
          }
          long child = be32(page, c);
          if (!table) {
            // index interior cells hold keys of their own (not copies of the leaves' keys)
            if (t != null && t.withoutRowid && scan) {
              cell(p, off, c + 4, t, false, null);
            } else {
              markIndexOverflow(p, off, c + 4, false);
            }
          }
          tree(child, t, depth + 1, scan, schemaRows);
        }
        tree(right, t, depth + 1, scan, schemaRows);
        return;
      }
      for (int i = 0; i < cells && !stopped; i++) {
        load(p);
        int c = ptrs[i];
        if (c < ptrEnd || c >= usable) {
          problem("page " + p + " cell " + i + " at offset " + (off + c) + " points outside the page; skipped");
          continue;
        }
        if (!table) {
          if (t != null && t.withoutRowid && scan) {
            cell(p, off, c, t, false, null);
          } else {
            markIndexOverflow(p, off, c, true);
          }
          continue;
        }
        cell(p, off, c, t, true, schemaRows);
      }
    }

    /** Free blocks and the unallocated gap of a b-tree page, as deleted data. */
    private void freeSpace(long p, long off, int hdr, int ptrEnd) throws IOException {
      int content = be16(page, hdr + 5);
      if (content == 0) {
        content = 65536;
      }
      int first = be16(page, hdr + 1);
      byte[] copy = page.clone();
      if (content > ptrEnd && content <= usable) {
        rawFrom(copy, ptrEnd, content - ptrEnd, off + ptrEnd, p, StoreContext.DELETED);
      }
      int fb = first;
      int guard = 0;
      while (fb != 0 && guard++ < pageSize / 4) {
        if (fb < ptrEnd || fb + 4 > usable) {
          problem("page " + p + " free block at offset " + (off + fb) + " lies outside the cell area; the chain was left");
          return;
        }
        int next = be16(copy, fb);
        int size = be16(copy, fb + 2);
        if (size < 4 || fb + size > usable) {
          problem("page " + p + " free block at offset " + (off + fb) + " has size " + size + "; the chain was left");
          return;
        }
        if (size > 4) {
          rawFrom(copy, fb + 4, size - 4, off + fb + 4, p, StoreContext.DELETED);
        }
        if (next != 0 && next <= fb) {
          problem("page " + p + " free block chain goes backwards at offset " + (off + fb) + "; the chain was left");
          return;
        }
        fb = next;
      }
    }

    /** Marks the overflow pages of an index cell (not scanned: index keys repeat table values). */
    private void markIndexOverflow(long p, long off, int c, boolean leaf) throws IOException {
      long[] v = new long[1];
      int at = varint(page, c, usable, v);
      if (at < 0) {
        return;
      }
      long total = v[0];
      int local = localSize(total, false);
      if (local >= total || at + local + 4 > usable) {
        return;
      }
      long next = be32(page, at + local);
      long pages = (total - local + usable - 5) / (usable - 4);
      for (long k = 0; k < pages && next != 0 && next <= pageCount; k++) {
        if (!visit(next)) {
          return;
        }
        next = ra.be32(pageOffset(next));
      }
    }

    /** Bytes of a payload of {@code total} bytes kept on the b-tree page itself (fileformat2 2.3.1.2). */
    private int localSize(long total, boolean tableLeaf) {
      int u = usable;
      long x = tableLeaf ? u - 35 : ((long) (u - 12) * 64 / 255) - 23;
      if (total <= x) {
        return (int) total;
      }
      long m = ((long) (u - 12) * 32 / 255) - 23;
      long k = m + ((total - m) % (u - 4));
      return (int) (k <= x ? k : m);
    }

    /** One leaf cell: its record decoded, its text and blob columns scanned (or schema rows collected). */
    private void cell(long p, long off, int c, Table t, boolean tableLeaf, List<String[]> schemaRows) throws IOException {
      long[] v = new long[1];
      int at = varint(page, c, usable, v);
      long total = v[0];
      Long rowid = null;
      if (at >= 0 && tableLeaf) {
        at = varint(page, at, usable, v);
        rowid = v[0];
      }
      if (at < 0 || total < 0) {
        problem("page " + p + " cell at offset " + (off + c) + " has an unreadable header; skipped");
        return;
      }
      int local = localSize(total, tableLeaf);
      if (at + local > usable || local < total && at + local + 4 > usable) {
        problem("page " + p + " cell at offset " + (off + c) + " runs past the page end; read as printable runs");
        rawFrom(page.clone(), c, usable - c, off + c, p, StoreContext.DELETED);
        return;
      }
      long firstOverflow = local < total ? be32(page, at + local) : 0;
      Payload pl = new Payload(off + at, local, total, firstOverflow, p);
      try {
        record(pl, t, rowid, schemaRows);
      } catch (Damage d) {
        problem("page " + p + " cell at offset " + (off + c) + (rowid != null ? " (rowid " + rowid + ")" : "") + ": "
            + d.getMessage());
      } catch (EOFException e) {
        problem("page " + p + " cell at offset " + (off + c) + ": overflow chain runs past the end of the file; "
            + "the part before was scanned");
      }
    }

    /** Decodes one record from {@code pl}; scans or collects its columns. */
    private void record(Payload pl, Table t, Long rowid, List<String[]> schemaRows) throws IOException, Damage {
      long[] v = new long[1];
      byte[] hb = new byte[10];
      int n = pl.read(hb, 0, (int) Math.min(10, pl.total));
      int hl = varint(hb, 0, n, v);
      long headerSize = v[0];
      if (hl < 0 || headerSize < hl || headerSize > pl.total || headerSize > MAX_HEADER) {
        throw new Damage("record header of " + headerSize + " bytes does not fit its payload of " + pl.total);
      }
      byte[] header = new byte[(int) headerSize];
      System.arraycopy(hb, 0, header, 0, Math.min(n, header.length));
      if (header.length > n) {
        pl.readFully(header, n, header.length - n);
      } else {
        pl.rewindTo(header.length, hb, n);
      }
      List<Long> types = new ArrayList<>();
      int i = hl;
      while (i < header.length) {
        i = varint(header, i, header.length, v);
        if (i < 0) {
          throw new Damage("record header has a broken serial type");
        }
        types.add(v[0]);
      }
      String[] row = schemaRows != null ? new String[Math.max(5, types.size())] : null;
      long[] sizes = new long[types.size()];
      long sum = headerSize;
      for (int k = 0; k < sizes.length; k++) {
        sizes[k] = contentSize(types.get(k));
        sum += sizes[k];
      }
      if (sum > pl.total) {
        throw new Damage("record columns need " + sum + " bytes, its payload has " + pl.total);
      }
      for (int k = 0; k < sizes.length && !stopped; k++) {
        long type = types.get(k);
        long size = sizes[k];
        boolean text = type >= 13 && (type & 1) == 1;
        boolean blob = type >= 12 && (type & 1) == 0;
        if (row != null) {
          if (k < row.length && (text || type >= 1 && type <= 6)) {
            row[k] = text ? pl.string(size, encoding) : String.valueOf(pl.integer((int) size));
          } else {
            pl.skip(size);
          }
          continue;
        }
        if (!(text || blob) || size == 0) {
          pl.skip(size);
          continue;
        }
        String column = t == null ? null : k < t.columns.size() ? t.columns.get(k) : "column" + (k + 1);
        value(pl, size, text, column, t == null ? null : t.name, rowid);
      }
      if (row != null) {
        schemaRows.add(row);
      }
    }

    /** Hands one column value to the detector as {@code column=value}. */
    private void value(Payload pl, long size, boolean text, String column, String table, Long rowid) throws IOException {
      final String origin = walPages != null ? StoreContext.UNCOMMITTED : StoreContext.RECORD;
      final long firstPage = pl.pageNo;
      final String fmt = format();
      vb.begin((fo, vo, enc) -> new Location(path, null, null, fo, null, null, enc, null, null, fmt, null,
          StoreContext.sqlite(origin, table, rowid, column, pageOf(fo, firstPage)).withValueOffset(vo)), pl.fileOffset());
      if (column != null) {
        byte[] label = (column + "=").getBytes(StandardCharsets.UTF_8);
        vb.label(label, 0, label.length);
      }
      boolean utf16 = text && encoding != 1;
      long left = size;
      int carry = 0; // a UTF-16 code unit split across two pieces
      while (left > 0) {
        long fo = pl.fileOffset();
        int k = pl.piece(piece, carry, (int) Math.min(piece.length - carry, left));
        if (k <= 0) {
          break;
        }
        left -= k;
        if (utf16) {
          int have = carry + k;
          int even = have & ~1;
          vb.putUtf16(piece, 0, even, fo - carry, encoding == 3);
          carry = have - even;
          if (carry == 1) {
            piece[0] = piece[even];
          }
        } else {
          vb.put(piece, 0, k, fo);
        }
      }
      vb.end();
    }

    private Long pageOf(long fileOffset, long fallback) {
      if (walPages != null) {
        return fallback;
      }
      return fileOffset / pageSize + 1;
    }

    // ---- raw regions (deleted data)

    private void rawRegion(long off, int len, long pageNo, String origin) throws IOException {
      byte[] b = new byte[len];
      ra.readFully(off, b, 0, len);
      rawFrom(b, 0, len, off, pageNo, origin);
    }

    private void rawFrom(byte[] b, int from, int len, long fileOffset, long pageNo, String origin) {
      final String fmt = format();
      final String o = walPages != null ? StoreContext.UNCOMMITTED : origin;
      vb.begin((fo, vo, enc) -> new Location(path, null, null, fo, null, null, enc, null, null, fmt, null,
          StoreContext.sqlite(o, null, null, null, pageNo)), fileOffset);
      if (encoding == 1) {
        RawRuns.ascii(vb, b, from, len, fileOffset);
      } else {
        RawRuns.utf16(vb, b, from, len, fileOffset, encoding == 3);
      }
      vb.end();
    }

    private void rawWholeFile() throws IOException {
      byte[] b = new byte[PIECE];
      for (long at = 0; at < ra.size(); at += b.length) {
        int n = (int) Math.min(b.length, ra.size() - at);
        ra.readFully(at, b, 0, n);
        rawFrom(b, 0, n, at, at / Math.max(512, pageSize == 0 ? 4096 : pageSize) + 1, StoreContext.DELETED);
      }
    }

    // ---- the -wal file

    void wal() throws IOException {
      byte[] h = new byte[32];
      if (ra.size() < 32) {
        problem("file of " + ra.size() + " bytes ends inside the 32-byte WAL header; nothing read");
        return;
      }
      ra.readFully(0, h, 0, 32);
      try {
        setPageSize((int) be32(h, 8), 0);
      } catch (Damage d) {
        problem(d.getMessage() + " (WAL header, offset 8); read as printable runs instead");
        rawWholeFile();
        return;
      }
      // the reserved bytes per page are in the database header, which this file may not hold:
      // assume none unless a frame of page 1 says otherwise
      long frame = pageSize + 24L;
      long frames = (ra.size() - 32) / frame;
      walPages = new HashMap<>();
      for (long f = 0; f < frames; f++) {
        long at = 32 + f * frame;
        long pageNo = ra.be32(at);
        walPages.put(pageNo, at + 24);
        if (pageNo == 1) {
          int reserved = ra.u8(at + 24 + 20);
          usable = pageSize - reserved;
          int enc = (int) ra.be32(at + 24 + 56);
          encoding = enc == 2 || enc == 3 ? enc : 1;
        }
      }
      if ((ra.size() - 32) % frame != 0) {
        problem("truncated: the file ends at offset " + ra.size() + " inside frame " + (frames + 1) + "; the " + frames
            + " whole frames before it were read");
      }
      for (long f = 0; f < frames && !stopped; f++) {
        long at = 32 + f * frame;
        long pageNo = ra.be32(at);
        long data = at + 24;
        ra.readFully(data, page, 0, pageSize);
        int hdr = pageNo == 1 ? 100 : 0;
        int type = page[hdr] & 0xFF;
        if (type == 13) {
          walLeaf(pageNo, data, hdr);
        } else {
          rawFrom(page.clone(), 0, pageSize, data, pageNo, StoreContext.UNCOMMITTED);
        }
      }
    }

    /** A table leaf page in a WAL frame: its cells decoded, its free space raw. */
    private void walLeaf(long pageNo, long data, int hdr) throws IOException {
      int cells = be16(page, hdr + 3);
      int ptrEnd = hdr + 8 + 2 * cells;
      if (ptrEnd > usable) {
        rawFrom(page.clone(), 0, pageSize, data, pageNo, StoreContext.UNCOMMITTED);
        return;
      }
      byte[] copy = page.clone();
      freeSpace(pageNo, data, hdr, ptrEnd);
      for (int i = 0; i < cells && !stopped; i++) {
        System.arraycopy(copy, 0, page, 0, pageSize);
        int c = be16(copy, hdr + 8 + 2 * i);
        if (c < ptrEnd || c >= usable) {
          problem("WAL page " + pageNo + " cell " + i + " at offset " + (data + c) + " points outside the page; skipped");
          continue;
        }
        cell(pageNo, data, c, null, true, null);
      }
    }

    // ---- payloads

    /**
     * A cell's payload as a stream: the local bytes on the b-tree page, then each overflow page's
     * content after its 4-byte next-page pointer. Knows the file offset of the next byte.
     */
    private final class Payload {
      final long total;
      long pageNo;
      private long pos; // bytes of the payload consumed
      private long regionAt; // file offset of the next byte
      private int regionLeft;
      private long next; // next overflow page
      private long chain; // overflow pages followed
      private final long maxChain;
      // bytes read ahead by the header peek and given back
      private byte[] back;
      private int backFrom;
      private int backTo;

      Payload(long localAt, int local, long total, long firstOverflow, long pageNo) {
        this.total = total;
        this.regionAt = localAt;
        this.regionLeft = local;
        this.next = firstOverflow;
        this.pageNo = pageNo;
        this.maxChain = (total - local + usable - 5) / Math.max(1, usable - 4) + 1;
      }

      long fileOffset() throws IOException {
        if (backFrom < backTo) {
          return regionAt - (backTo - backFrom);
        }
        if (regionLeft == 0 && pos < total) {
          advance();
        }
        return regionAt;
      }

      /** Gives back the bytes of {@code hb[used, n)} read too far by the header peek. */
      void rewindTo(int used, byte[] hb, int n) {
        back = hb;
        backFrom = used;
        backTo = n;
        pos -= n - used;
      }

      private void advance() throws IOException {
        if (next == 0 || ++chain > maxChain) {
          throw new EOFException("overflow chain ends early");
        }
        long off = pageOffset(next);
        if (off < 0) {
          throw new EOFException("overflow page " + next + " not in the file");
        }
        if (walPages == null && !visit(next)) {
          throw new EOFException("overflow page " + next + " reached twice");
        }
        pageNo = next;
        next = ra.be32(off);
        regionAt = off + 4;
        regionLeft = (int) Math.min(usable - 4, total - pos);
      }

      /** Reads up to {@code n} contiguous stored bytes into {@code dst[off...]}; their file offset was {@link #fileOffset()}. */
      int piece(byte[] dst, int off, int n) throws IOException {
        if (n <= 0 || pos >= total && backFrom >= backTo) {
          return 0;
        }
        if (backFrom < backTo) {
          int k = Math.min(n, backTo - backFrom);
          System.arraycopy(back, backFrom, dst, off, k);
          backFrom += k;
          pos += k;
          return k;
        }
        if (regionLeft == 0) {
          advance();
        }
        int k = (int) Math.min(Math.min(n, regionLeft), total - pos);
        ra.readFully(regionAt, dst, off, k);
        regionAt += k;
        regionLeft -= k;
        pos += k;
        return k;
      }

      int read(byte[] dst, int off, int n) throws IOException {
        int got = 0;
        while (got < n) {
          int k = piece(dst, off + got, n - got);
          if (k <= 0) {
            break;
          }
          got += k;
        }
        return got;
      }

      void readFully(byte[] dst, int off, int n) throws IOException {
        if (read(dst, off, n) < n) {
          throw new EOFException("payload ends early");
        }
      }

      void skip(long n) throws IOException {
        while (n > 0) {
          int k = piece(piece, 0, (int) Math.min(n, piece.length));
          if (k <= 0) {
            return;
          }
          n -= k;
        }
      }

      String string(long size, int enc) throws IOException {
        int keep = (int) Math.min(size, MAX_SCHEMA_STRING);
        byte[] b = new byte[keep];
        readFully(b, 0, keep);
        skip(size - keep);
        return new String(b, enc == 2 ? StandardCharsets.UTF_16LE : enc == 3 ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_8);
      }

      long integer(int size) throws IOException {
        byte[] b = new byte[size];
        readFully(b, 0, size);
        long v = size > 0 && b[0] < 0 ? -1 : 0;
        for (byte x : b) {
          v = v << 8 | (x & 0xFF);
        }
        return v;
      }
    }
  }

  /** Bytes a column of serial type {@code t} takes in a record. */
  static long contentSize(long t) {
    if (t >= 12) {
      return (t - 12) / 2;
    }
    return switch ((int) t) {
      case 1 -> 1;
      case 2 -> 2;
      case 3 -> 3;
      case 4 -> 4;
      case 5 -> 6;
      case 6, 7 -> 8;
      default -> 0;
    };
  }

  /**
   * Reads a SQLite varint (big-endian, 7 bits a byte, the ninth byte whole) at {@code b[i]} below
   * {@code end} into {@code out[0]}; the index after it, or -1 when it runs past {@code end}.
   */
  static int varint(byte[] b, int i, int end, long[] out) {
    long v = 0;
    for (int k = 0; k < 9; k++) {
      if (i + k >= end || i + k >= b.length) {
        return -1;
      }
      int c = b[i + k] & 0xFF;
      if (k == 8) {
        out[0] = v << 8 | c;
        return i + 9;
      }
      v = v << 7 | (c & 0x7F);
      if ((c & 0x80) == 0) {
        out[0] = v;
        return i + k + 1;
      }
    }
    return -1;
  }
}

package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
 * its text. A delta is resolved against its base when the base is at hand: the reader keeps the
 * objects it read last ({@link #CACHE_BYTES} in all, none over {@link #CACHE_ONE}), by pack offset
 * and, once a REF_DELTA asks, by object id, and a resolved delta is kept too, so chains resolve.
 * Of the resolved object only the text around the delta's inserts is scanned (each insert and
 * the detector's overlap on each side), and a match is reported only when it holds an inserted
 * byte: a token the delta only copied from its base is reported where the base is, once, while
 * one that an edit made of base bytes and new ones is found. When the pack is a file on disk, a
 * base no longer kept is read again from it by its offset (its own base first, bounded in depth
 * and in bytes read again). A REF_DELTA's base no longer kept is found the same way through the
 * pack's index ({@code <name>.idx} beside it, {@link PackIndex}), and read again only when its id
 * is the one asked for; a damaged index, or one that places an id where another object is, is
 * reported once and set aside. Without a usable index, a pack on disk remembers where it kept each
 * object since its first REF_DELTA ({@link #SEEN_SLOTS} ids by their first 8 bytes, newer over
 * older), so a base kept then and dropped since is read again the same way. A REF_DELTA whose base
 * this pack does not hold (a thin pack an interrupted fetch left, or another tool wrote), when the
 * pack lies in a repository's {@code objects/pack}, has its base looked up in the repository's
 * other packs, its multi-pack-index and its loose objects ({@link GitObjects}), read from there
 * (through that pack's own chain of bases when it is a delta there, within the same depth and
 * budget) and kept like any other. A delta whose base is not at hand (a pack read as a stream, a
 * REF_DELTA whose base no store at hand lists) is scanned as its inserts' text, joined, which holds
 * the lines the change added; how many were is reported once ({@link Problem.Type#PARTIAL}).
 * Trees (names and binary hashes) are inflated, and kept as bases, but not scanned. A location is
 * the object's offset in the pack and the offset in the object: in the resolved object for a
 * resolved delta, in the inflated delta for one scanned by its inserts.
 *
 * <p>A REF_DELTA names its base by id: 20 bytes in a SHA-1 repository, 32 in a SHA-256 one, and
 * the pack does not say which. The reader takes it from the repository's {@code config} when the
 * pack is on disk in one ({@code extensions.objectFormat}), else from the first commit or tag it
 * read ({@code tree} or {@code object} and 40 or 64 hex digits), else from where the delta's zlib
 * stream starts; when none tells, reading stops at that REF_DELTA with a problem naming it.
 *
 * <p>The pack is read as a stream, one object at a time; an object declaring or inflating to more
 * than {@link ScanLimits} allow is cut and reported, and at most {@code maxEntries} objects are
 * read. A bad header, a zlib error or a truncated pack is reported once with its offset, and
 * reading stops there: the objects before it have been scanned. A delta whose instructions lie
 * (a copy outside its base, sizes that do not add up) is reported with its offset, scanned as its
 * inserts' text, and reading goes on.
 */
final class GitPackReader implements Reader {
  static final String FORMAT = "git-pack";
  /** Bytes of objects kept as delta bases, at most; with the per-entry overhead counted. */
  static final int CACHE_BYTES = 16 << 20;
  /** The largest object kept as a base, and the largest delta resolved (declared result size). */
  static final int CACHE_ONE = 4 << 20;
  /** Bytes read from the stream, and inflated, at a time. */
  private static final int PIECE = 1 << 16;
  private static final int COMMIT = 1;
  private static final int TREE = 2;
  private static final int TAG = 4;
  private static final int OFS_DELTA = 6;
  private static final int REF_DELTA = 7;
  private static final int SHA1_ID = 20;
  private static final int SHA256_ID = 32;
  /** What a kept object costs beyond its bytes (map entry, record, array header): counted against the cache. */
  private static final int ENTRY_OVERHEAD = 128;
  /** Insert spans remembered for one resolved delta; past it the last span grows over the copies between. */
  private static final int MAX_SPANS = 1 << 14;
  /** Damaged deltas reported one by one; the rest are counted in one problem. */
  private static final int DAMAGE_REPORTS = 8;
  private static final int CONFIG_MAX = 1 << 16;
  /** Slots of the table of ids seen, for a pack on disk without its index: 16 bytes each, 4 MiB. */
  static final int SEEN_SLOTS = 1 << 18;
  /** Bases read again from the pack file behind a delta, at most (git's default depth is 50). */
  private static final int REREAD_DEPTH = 64;
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
    read(in, path, null, sink);
  }

  @Override
  public void read(InputStream in, String path, Path file, SegmentSink sink) throws IOException {
    Walk w = new Walk(in, path, sink, idSizeFromConfig(file), file);
    Inflater inf = new Inflater();
    try {
      w.pack(inf);
    } finally {
      inf.end();
      w.finish();
    }
  }

  /**
   * The object id size the repository holding {@code pack} names ({@code <gitdir>/objects/pack/}
   * beside {@code <gitdir>/config}): 32 for {@code extensions.objectFormat = sha256}, 20 for a
   * config without it or with {@code sha1}, 0 when there is no such config to read.
   */
  static int idSizeFromConfig(Path pack) {
    if (pack == null) {
      return 0;
    }
    Path packDir = pack.toAbsolutePath().getParent();
    Path objects = packDir == null ? null : packDir.getParent();
    if (objects == null || !"pack".equals(String.valueOf(packDir.getFileName()))
        || !"objects".equals(String.valueOf(objects.getFileName())) || objects.getParent() == null) {
      return 0;
    }
    Path config = objects.getParent().resolve("config");
    try {
      if (!Files.isRegularFile(config) || Files.size(config) > CONFIG_MAX) {
        return 0;
      }
      return idSizeOfConfig(Files.readString(config, StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      return 0; // unreadable: the pack itself may still tell
    }
  }

  /** {@link #idSizeFromConfig} of a config file's text: the {@code objectformat} key of {@code [extensions]}. */
  static int idSizeOfConfig(String text) {
    boolean extensions = false;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("[")) {
        int end = line.indexOf(']');
        extensions = end > 0 && line.substring(1, end).strip().equalsIgnoreCase("extensions");
        line = end > 0 ? line.substring(end + 1).strip() : "";
      }
      int eq = line.indexOf('=');
      if (extensions && eq > 0 && line.substring(0, eq).strip().equalsIgnoreCase("objectformat")) {
        String v = line.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
        return v.startsWith("sha256") ? SHA256_ID : v.startsWith("sha1") ? SHA1_ID : 0;
      }
    }
    return SHA1_ID;
  }

  /**
   * The id size a commit's {@code tree} line or a tag's {@code object} line shows in {@code b[0, n)}
   * (40 hex digits: SHA-1, 64: SHA-256), or 0.
   */
  static int idSizeOfText(byte[] b, int n) {
    int i = startsWith(b, n, "tree ") ? 5 : startsWith(b, n, "object ") ? 7 : -1;
    if (i < 0) {
      return 0;
    }
    int k = i;
    while (k < n && (b[k] >= '0' && b[k] <= '9' || b[k] >= 'a' && b[k] <= 'f')) {
      k++;
    }
    if (k >= n || b[k] != '\n') {
      return 0;
    }
    return k - i == 40 ? SHA1_ID : k - i == 64 ? SHA256_ID : 0;
  }

  private static boolean startsWith(byte[] b, int n, String p) {
    if (n < p.length()) {
      return false;
    }
    for (int i = 0; i < p.length(); i++) {
      if (b[i] != p.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** An object kept as a delta base: its type (1 to 4), its bytes, and its id once a REF_DELTA asked. */
  private static final class Kept {
    final int type;
    final byte[] data;
    ByteBuffer id;

    Kept(int type, byte[] data) {
      this.type = type;
      this.data = data;
    }
  }

  /** Offsets of the resolved object's inserted bytes, and the window of it handed to the detector. */
  private static final class Inserts implements Locator {
    int[] from = new int[64];
    int[] to = new int[64];
    int n;
    // the window being scanned: its spans are [lo, hi)
    int lo;
    int hi;
    ValueBuffer.Place place;
    long at;

    void clear() {
      n = 0;
    }

    void add(int a, int b) {
      if (n > 0 && (to[n - 1] == a || n == MAX_SPANS)) {
        to[n - 1] = b; // adjacent (git cuts inserts at 127 bytes), or too many: the copies between count as inserted
        return;
      }
      if (n == from.length) {
        from = java.util.Arrays.copyOf(from, n * 2);
        to = java.util.Arrays.copyOf(to, n * 2);
      }
      from[n] = a;
      to[n] = b;
      n++;
    }

    @Override
    public Location locate(int q) {
      return place.at(at, (long) q, null);
    }

    /** Only a match that holds an inserted byte: one made wholly of copied bytes is reported at its base. */
    @Override
    public Location locate(int start, int end) {
      int a = lo;
      int b = hi;
      while (a < b) { // the first span ending after start
        int m = (a + b) >>> 1;
        if (to[m] <= start) {
          a = m + 1;
        } else {
          b = m;
        }
      }
      return a < hi && from[a] < end ? locate(start) : null;
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
    /** Inflated bytes not scanned (cut objects, trees): bounded, so a bomb cannot run on. */
    private long discarded;
    /** The object id size: 20 (SHA-1), 32 (SHA-256), 0 while not known. */
    private int idSize;
    private final LinkedHashMap<Long, Kept> kept = new LinkedHashMap<>(256, 0.75f, true);
    private long keptBytes;
    /** Kept objects by id, filled in when a REF_DELTA first asks. */
    private Map<ByteBuffer, Long> byId;
    private MessageDigest hash;
    private final Inserts inserts = new Inserts();
    /** The pack on disk, when it is a plain file: a base no longer kept is read again from it. */
    private final Path file;
    private java.nio.channels.FileChannel channel;
    private Inflater again;
    private long readAgain;
    private boolean noReread;
    /** The objects the pack header declares: its index must list as many. */
    private long packCount;
    /** The pack's index ({@code <name>.idx} beside it), opened at the first REF_DELTA whose base is not kept. */
    private PackIndex index;
    private boolean noIndex;
    /** The repository's other packs, multi-pack-index and loose objects, opened when a base is not in this pack. */
    private GitObjects repo;
    private boolean noRepo;
    /**
     * For a pack on disk without a usable index: the ids of the objects kept since the first
     * REF_DELTA (hashed then anyway), by their first 8 bytes, each slot the last id that fell in
     * it and its offset + 1; a base dropped from the cache since is read again from there. A
     * slot's id is only a hint: the object read again must have the id asked for.
     */
    private long[] seen;
    private long deltas;
    private long unresolved;
    private long firstUnresolved;
    private long damaged;

    Walk(InputStream in, String path, SegmentSink sink, int idSize, Path file) {
      this.file = file;
      this.in = in;
      this.path = path;
      this.sink = sink;
      this.vb = new ValueBuffer(sink, chunk);
      this.idSize = idSize;
    }

    void finish() {
      vb.end();
      if (again != null) {
        again.end();
      }
      closeIndex();
      if (repo != null) {
        repo.close();
      }
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // read only: nothing is lost
        }
      }
      if (corrupt != null) {
        sink.problem(new Problem(path, Problem.Type.CORRUPT, FORMAT + ": " + corrupt));
      }
      if (limit != null) {
        sink.problem(new Problem(path, Problem.Type.LIMIT, limit));
      }
      if (damaged > DAMAGE_REPORTS) {
        sink.problem(new Problem(path, Problem.Type.CORRUPT, FORMAT + ": " + (damaged - DAMAGE_REPORTS)
            + " more deltas do not apply to their base; each was scanned as its inserted text"));
      }
      if (unresolved > 0) {
        sink.problem(new Problem(path, Problem.Type.PARTIAL, FORMAT + ": " + unresolved + " of " + deltas
            + " deltas, the first at offset " + firstUnresolved
            + ", were scanned as their inserted text only: their base or result was not at hand (not among the last "
            + (CACHE_BYTES >> 20) + " MiB of objects read, over " + (CACHE_ONE >> 20) + " MiB, or, for a REF_DELTA,"
            + " found neither through the pack's index beside it nor among the repository's other packs and loose"
            + " objects), so a token an edit made partly of its base's bytes may be missed there"));
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

    /** Whether {@code n} bytes are buffered from {@code pos} (reading on as needed), false at the end before them. */
    private boolean ahead(int n) throws IOException {
      while (lim - pos < n) {
        if (!fill()) {
          return false;
        }
      }
      return true;
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
      packCount = count;
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
      Kept base = null;
      if (type == OFS_DELTA) {
        // the base's distance back: 7-bit groups, big-endian, each after the first adding one (gitformat-pack)
        c = next();
        long back = c & 0x7F;
        int k = 0;
        while (c >= 0 && (c & 0x80) != 0 && ++k < 9) {
          c = next();
          back = ((back + 1) << 7) | (c & 0x7F);
        }
        if (c < 0 || k >= 9) {
          corrupt = (c < 0 ? "truncated" : "bad base offset") + " in the header of the object at offset " + at;
          return false;
        }
        base = back > 0 && back <= at ? fetch(null, at - back, 0) : null;
      } else if (type == REF_DELTA) {
        if (idSize == 0 && !guessIdSize(at)) {
          return false;
        }
        if (!ahead(idSize)) {
          corrupt = "truncated in the header of the object at offset " + at;
          return false;
        }
        ByteBuffer id = ByteBuffer.wrap(java.util.Arrays.copyOfRange(buf, pos, pos + idSize));
        pos += idSize;
        base = byId(id.array(), 0);
      }
      boolean delta = type == OFS_DELTA || type == REF_DELTA;
      boolean scan = type != TREE;
      long cap = limits.maxEntryBytes();
      if (scan && size > cap) {
        limit = "max-entry-bytes: git pack object at offset " + at + " declares " + size + " bytes; not scanned";
        scan = false;
      }
      if (delta) {
        deltas++;
      }
      // a delta with its base at hand is inflated whole and resolved; any other object small enough is kept as a base
      boolean resolve = delta && scan && base != null && size <= CACHE_ONE;
      byte[] whole = (resolve || !delta && size <= CACHE_ONE) ? new byte[(int) size] : null;
      if (delta && scan && !resolve) {
        unresolved(at);
      }
      if (scan && !resolve) {
        vb.begin(place(), at);
      }
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
          if (inflated == 0 && idSize == 0 && (type == COMMIT || type == TAG)) {
            idSize = idSizeOfText(out, n);
          }
          inflated += n;
          if (inflated > size) {
            corrupt = "object at offset " + at + " inflates to more than the " + size + " bytes it declares; reading stopped there";
            return false;
          }
          if (whole != null) {
            System.arraycopy(out, 0, whole, (int) (inflated - n), n);
          }
          if (scan) {
            long compressed = Math.max(1, inf.getBytesRead());
            if (inflated >= limits.ratioThreshold() && (double) inflated / compressed > limits.maxRatio()) {
              limit = "max-ratio: git pack object at offset " + at + " expands more than the limits allow; cut there";
              scan = false;
              resolve = false;
              whole = null;
              vb.end();
            } else if (delta && !resolve) {
              insertedText(out, 0, n, inflated - n);
            } else if (!delta) {
              vb.putUnplaced(out, 0, n);
            } // a delta to resolve is resolved once it is whole
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
        if (scan && !resolve) {
          vb.end();
        }
      }
      pos = lim - inf.getRemaining();
      if (whole != null && inflated == size) {
        if (resolve) {
          resolved(at, base, whole);
        } else {
          keep(at, type, whole);
        }
      }
      return true;
    }

    /**
     * Decides the id size at a REF_DELTA when nothing told it yet: its zlib stream starts after
     * the id, so exactly one of the two sizes must leave a zlib header there. False (reported)
     * when neither or both do.
     */
    private boolean guessIdSize(long at) throws IOException {
      boolean sha1 = ahead(SHA1_ID + 2) && ByteScan.zlibHeader(buf[pos + SHA1_ID] & 0xFF, buf[pos + SHA1_ID + 1] & 0xFF);
      boolean sha256 = ahead(SHA256_ID + 2) && ByteScan.zlibHeader(buf[pos + SHA256_ID] & 0xFF, buf[pos + SHA256_ID + 1] & 0xFF);
      if (sha1 != sha256) {
        idSize = sha1 ? SHA1_ID : SHA256_ID;
        return true;
      }
      corrupt = "the REF_DELTA at offset " + at + " names its base by an object id whose size (SHA-1 or SHA-256)"
          + " neither the repository's config nor the pack tells; reading stopped there";
      return false;
    }

    /**
     * The object at offset {@code at} of {@code from} (null: this pack) as a base: kept, or read
     * again from the pack on disk (its own base first, in that pack or, named by id, anywhere; up
     * to {@link #REREAD_DEPTH} deep) and kept; null when neither can be. Reading again is bounded:
     * at most this pack's size four times over plus 64 MiB in all, whichever pack it comes from.
     */
    private Kept fetch(GitObjects.Pack from, long at, int depth) {
      long key = from == null ? at : (long) from.no << 48 | at;
      Kept k = kept.get(key);
      if (k != null || file == null || noReread || depth > REREAD_DEPTH) {
        return k;
      }
      try {
        if (overBudget()) {
          return null;
        }
        java.nio.channels.FileChannel ch = from == null ? channel : repo.channel(from);
        ByteBuffer h = ByteBuffer.allocate(16 + SHA256_ID);
        ch.read(h, at);
        int n = h.position();
        int i = 0;
        if (n < 2) {
          return null;
        }
        int c = h.get(i++) & 0xFF;
        int type = (c >> 4) & 7;
        long size = c & 15;
        int shift = 4;
        while ((c & 0x80) != 0 && i < n && shift <= 56) {
          c = h.get(i++) & 0xFF;
          size |= (long) (c & 0x7F) << shift;
          shift += 7;
        }
        if ((c & 0x80) != 0 || type == 0 || type == 5 || size > CACHE_ONE) {
          return null;
        }
        Kept base = null;
        if (type == REF_DELTA) {
          if (idSize == 0 || i + idSize > n) {
            return null;
          }
          byte[] id = java.util.Arrays.copyOfRange(h.array(), i, i + idSize);
          i += idSize;
          if ((base = byId(id, depth + 1)) == null) {
            return null;
          }
        } else if (type == OFS_DELTA) {
          c = i < n ? h.get(i++) & 0xFF : 0x80;
          long back = c & 0x7F;
          int g = 0;
          while ((c & 0x80) != 0 && i < n && ++g < 9) {
            c = h.get(i++) & 0xFF;
            back = ((back + 1) << 7) | (c & 0x7F);
          }
          if ((c & 0x80) != 0 || back <= 0 || back > at || (base = fetch(from, at - back, depth + 1)) == null) {
            return null;
          }
        }
        byte[] data = inflateAt(ch, at + i, (int) size);
        if (data == null) {
          return null;
        }
        readAgain += size;
        if (base == null) {
          keep(key, type, data);
          return kept.get(key);
        }
        int[] p = {0};
        long baseSize = varint(data, p);
        long rsize = varint(data, p);
        if (baseSize != base.data.length || rsize < 0 || rsize > CACHE_ONE) {
          return null;
        }
        byte[] r = new byte[(int) rsize];
        if (apply(base.data, data, p[0], r) != null) {
          return null;
        }
        keep(key, base.type, r);
        return kept.get(key);
      } catch (IOException | RuntimeException e) {
        if (from == null) {
          noReread = true; // the file changed or cannot be read: the stream goes on without it
        } else {
          repo.unreadable(from);
        }
        return null;
      }
    }

    /** Whether reading again has used its budget (then it stops for good); opens this pack for reading again. */
    private boolean overBudget() throws IOException {
      openPack();
      if (readAgain > 4 * channel.size() + (64L << 20)) {
        noReread = true;
      }
      return noReread;
    }

    /** Opens the pack file for reading again, once. */
    private void openPack() throws IOException {
      if (channel == null) {
        channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
        again = new Inflater();
      }
    }

    /**
     * The object named {@code id} as a base: kept, else found through the pack's index and read
     * again from the pack ({@link #fetch}), its id checked against the one asked for; null when
     * neither can be.
     */
    private Kept byId(byte[] id, int depth) {
      ByteBuffer key = ByteBuffer.wrap(id);
      Long where = idIndex().get(key);
      Kept k = where == null ? null : kept.get(where);
      if (k != null || file == null || noReread || depth > REREAD_DEPTH) {
        return k;
      }
      PackIndex x = index();
      long at = -1;
      if (x != null) {
        try {
          at = x.find(id);
        } catch (PackIndex.Bad e) {
          badIndex(Problem.Type.CORRUPT, "is damaged: " + e.getMessage());
          return null;
        } catch (IOException | RuntimeException e) {
          badIndex(Problem.Type.UNREADABLE, "could not be read (" + e.getClass().getSimpleName() + ")");
          return null;
        }
      } else if (seen != null) {
        at = recall(id);
      }
      if (at < 0) {
        return elsewhere(id, key, depth); // not in this pack (a thin pack's base in another), or not seen
      }
      if ((k = fetch(null, at, depth)) == null) {
        return null; // not to be read again
      }
      if (!key.equals(k.id)) {
        if (x != null) {
          badIndex(Problem.Type.CORRUPT, "is damaged: the object at offset " + at + ", where it places an id,"
              + " has another id");
        } // else another id that began with the same 8 bytes: not the base
        return null;
      }
      return k;
    }

    /**
     * The object named {@code id} ({@code key} wraps it) from the repository's other stores
     * ({@link GitObjects}), read there and kept, its id checked against the one asked for; null
     * when this pack is not in a repository, no store lists the id, or the object cannot be read.
     */
    private Kept elsewhere(byte[] id, ByteBuffer key, int depth) {
      if (repo == null && !noRepo) {
        noRepo = true;
        repo = GitObjects.of(file, path, idSize, sink);
      }
      GitObjects.Where w = repo == null ? null : repo.find(id);
      if (w == null) {
        return null;
      }
      Kept k;
      if (w.loose() == null) {
        k = fetch(w.pack(), w.at(), depth);
      } else {
        long at = (long) GitObjects.LOOSE << 48 | key.getLong(0) & ((1L << 48) - 1);
        try {
          GitObjects.Loose o = overBudget() ? null : repo.loose(w.loose(), CACHE_ONE);
          if (o != null) {
            readAgain += o.data().length;
            keep(at, o.type(), o.data());
          }
        } catch (IOException e) {
          noReread = true; // this pack cannot be read again: nothing is
        }
        k = kept.get(at);
      }
      if (k != null && !key.equals(k.id)) {
        repo.lied(w);
        return null;
      }
      return k;
    }

    /** The pack's index, opened and checked at the first ask; null when there is none or it is bad (reported). */
    private PackIndex index() {
      if (index != null || noIndex) {
        return index;
      }
      noIndex = true;
      String name = String.valueOf(file.getFileName());
      if (idSize == 0 || !name.endsWith(".pack")) {
        return null;
      }
      Path idx = file.resolveSibling(name.substring(0, name.length() - 5) + ".idx");
      if (!Files.isRegularFile(idx)) {
        return null; // a pack copied alone: its REF_DELTAs find only the bases kept
      }
      try {
        openPack();
        long size = channel.size();
        index = PackIndex.open(idx, idSize, size, packCount, trailer(size));
        noIndex = false;
      } catch (PackIndex.Bad e) {
        badIndex(Problem.Type.CORRUPT, "is damaged: " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        badIndex(Problem.Type.UNREADABLE, "could not be read (" + e.getClass().getSimpleName() + ")");
      }
      return index;
    }

    /** The pack's trailing checksum ({@code idSize} bytes), which its index copies; null when the pack is shorter. */
    private byte[] trailer(long size) throws IOException {
      if (size < idSize) {
        return null;
      }
      ByteBuffer sum = ByteBuffer.allocate(idSize);
      while (sum.hasRemaining()) {
        if (channel.read(sum, size - idSize + sum.position()) < 0) {
          return null;
        }
      }
      return sum.array();
    }

    /**
     * The index is damaged, lies or cannot be read: reported once, at the index, and set aside; a
     * REF_DELTA's base is then looked up among the objects kept and those seen from here on.
     */
    private void badIndex(Problem.Type type, String what) {
      closeIndex();
      noIndex = true;
      startSeen();
      String idx = path.endsWith(".pack") ? path.substring(0, path.length() - 5) + ".idx" : path;
      sink.problem(new Problem(idx, type, FORMAT + ": the pack's index " + what
          + "; it was set aside, so a REF_DELTA whose base is no longer kept may be scanned as its inserted"
          + " text only"));
    }

    private void closeIndex() {
      if (index != null) {
        try {
          index.close();
        } catch (IOException e) {
          // read only: nothing is lost
        }
        index = null;
      }
    }

    /** {@code size} bytes inflated from the zlib stream at {@code at} in the pack file {@code ch}, or null. */
    private byte[] inflateAt(java.nio.channels.FileChannel ch, long at, int size) throws IOException {
      byte[] data = new byte[size];
      again.reset();
      ByteBuffer piece = ByteBuffer.allocate(PIECE);
      long pos = at;
      int got = 0;
      try {
        while (got < size) {
          if (again.finished()) {
            return null; // shorter than it declares
          }
          if (again.needsInput()) {
            piece.clear();
            int r = ch.read(piece, pos);
            if (r <= 0) {
              return null;
            }
            pos += r;
            again.setInput(piece.array(), 0, r);
          }
          int n = again.inflate(data, got, size - got);
          got += n;
          if (n == 0 && !again.finished() && !again.needsInput()) {
            return null; // a dictionary, or more than it declares
          }
        }
      } catch (DataFormatException e) {
        return null;
      }
      return data;
    }

    /** Kept objects by id: at the first REF_DELTA those kept so far are hashed, later ones as they are kept. */
    private Map<ByteBuffer, Long> idIndex() {
      if (byId != null) {
        return byId;
      }
      byId = new HashMap<>();
      try {
        hash = MessageDigest.getInstance(idSize == SHA256_ID ? "SHA-256" : "SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e); // every Java runtime has both
      }
      for (Map.Entry<Long, Kept> e : kept.entrySet()) {
        Kept k = e.getValue();
        k.id = ByteBuffer.wrap(id(k.type, k.data));
        byId.put(k.id, e.getKey());
      }
      if (file != null && index() == null) {
        startSeen();
      }
      return byId;
    }

    /** Starts remembering the ids of kept objects: those kept now, and from now on as they are kept. */
    private void startSeen() {
      if (seen != null || byId == null) {
        return;
      }
      seen = new long[2 * SEEN_SLOTS];
      for (Map.Entry<Long, Kept> e : kept.entrySet()) {
        remember(e.getValue().id, e.getKey());
      }
    }

    private void remember(ByteBuffer id, long at) {
      if (at >= 1L << 48) {
        return; // from another store: found there again by id
      }
      long key = id.getLong(0); // an id's bytes are uniformly spread: its low bits pick the slot
      int slot = (int) (key & (SEEN_SLOTS - 1));
      seen[2 * slot] = key;
      seen[2 * slot + 1] = at + 1;
    }

    /** Where an object whose id starts as {@code id}'s does was kept, or -1. */
    private long recall(byte[] id) {
      long key = ByteBuffer.wrap(id).getLong(0);
      int slot = (int) (key & (SEEN_SLOTS - 1));
      return seen[2 * slot] == key ? seen[2 * slot + 1] - 1 : -1;
    }

    /** The object id as git computes it: the hash of {@code <type> <size>\0} and the content. */
    private byte[] id(int type, byte[] data) {
      String name = switch (type) {
        case COMMIT -> "commit";
        case TREE -> "tree";
        case TAG -> "tag";
        default -> "blob";
      };
      hash.reset();
      hash.update((name + " " + data.length + "\0").getBytes(StandardCharsets.US_ASCII));
      return hash.digest(data);
    }

    /** Keeps an object as a base for the deltas after it, dropping the least recently used over the cap. */
    private void keep(long at, int type, byte[] data) {
      if (data.length > CACHE_ONE) {
        return;
      }
      Kept k = new Kept(type, data);
      Kept old = kept.put(at, k);
      if (old != null) {
        forget(at, old); // before the new id goes in: the same object read again has the same id
      }
      if (byId != null) {
        k.id = ByteBuffer.wrap(id(type, data));
        byId.put(k.id, at);
        if (seen != null) {
          remember(k.id, at);
        }
      }
      keptBytes += data.length + ENTRY_OVERHEAD;
      Iterator<Map.Entry<Long, Kept>> it = kept.entrySet().iterator();
      while (keptBytes > CACHE_BYTES && it.hasNext()) {
        Map.Entry<Long, Kept> e = it.next();
        if (e.getKey() == at) {
          continue;
        }
        it.remove();
        forget(e.getKey(), e.getValue());
      }
    }

    /** Drops what a kept object costs, and its id unless another copy of it (in another pack) is kept under that id. */
    private void forget(long at, Kept k) {
      keptBytes -= k.data.length + ENTRY_OVERHEAD;
      if (k.id != null && byId != null) {
        byId.remove(k.id, at);
      }
    }

    /** A delta {@code d} whose base is at hand: resolved, scanned around its inserts, and kept. */
    private void resolved(long at, Kept base, byte[] d) {
      inserts.clear();
      String bad = null;
      byte[] r = null;
      int[] i = {0};
      long baseSize = varint(d, i);
      long size = varint(d, i);
      if (baseSize < 0 || size < 0) {
        bad = "its sizes are cut short";
      } else if (baseSize != base.data.length) {
        bad = "it declares a base of " + baseSize + " bytes, and its base has " + base.data.length;
      } else if (size > CACHE_ONE) {
        unresolved(at); // a valid delta, only too large to resolve here
        insertsOnly(at, d);
        return;
      } else {
        r = new byte[(int) size];
        bad = apply(base.data, d, i[0], r);
      }
      if (bad != null) {
        damaged(at, bad);
        insertsOnly(at, d);
        return;
      }
      if (base.type != TREE) {
        scanAroundInserts(at, r);
      }
      keep(at, base.type, r);
    }

    /** Runs {@code d}'s instructions from {@code i} on {@code base} into {@code r}, noting the inserts; what lies, or null. */
    private String apply(byte[] base, byte[] d, int i, byte[] r) {
      int o = 0;
      while (i < d.length) {
        int c = d[i++] & 0xFF;
        if ((c & 0x80) != 0) {
          long off = 0;
          long len = 0;
          for (int b = 0; b < 7; b++) {
            if ((c & (1 << b)) != 0) {
              if (i >= d.length) {
                return "a copy instruction is cut short";
              }
              long v = d[i++] & 0xFF;
              if (b < 4) {
                off |= v << (8 * b);
              } else {
                len |= v << (8 * (b - 4));
              }
            }
          }
          if (len == 0) {
            len = 0x10000;
          }
          if (off + len > base.length) {
            return "a copy reaches outside its base";
          }
          if (o + len > r.length) {
            return "it makes more than the " + r.length + " bytes it declares";
          }
          System.arraycopy(base, (int) off, r, o, (int) len);
          o += (int) len;
        } else if (c != 0) {
          if (i + c > d.length) {
            return "an insert is cut short";
          }
          if (o + c > r.length) {
            return "it makes more than the " + r.length + " bytes it declares";
          }
          System.arraycopy(d, i, r, o, c);
          inserts.add(o, o + c);
          i += c;
          o += c;
        } else {
          return "it holds the reserved instruction 0";
        }
      }
      return o == r.length ? null : "it makes " + o + " bytes, not the " + r.length + " it declares";
    }

    /** A 7-bit-group size at {@code d[i[0]]}, or -1 when cut short or too long. */
    private long varint(byte[] d, int[] i) {
      long v = 0;
      int shift = 0;
      while (i[0] < d.length && shift < 56) {
        int c = d[i[0]++] & 0xFF;
        v |= (long) (c & 0x7F) << shift;
        shift += 7;
        if ((c & 0x80) == 0) {
          return v;
        }
      }
      return -1;
    }

    private void unresolved(long at) {
      if (unresolved++ == 0) {
        firstUnresolved = at;
      }
    }

    private void damaged(long at, String what) {
      if (++damaged <= DAMAGE_REPORTS) {
        sink.problem(new Problem(path, Problem.Type.CORRUPT, FORMAT + ": the delta at offset " + at
            + " does not apply to its base: " + what + "; it was scanned as its inserted text"));
      }
    }

    /** A delta not resolved after all: its inserts' text, as for one whose base is not at hand. */
    private void insertsOnly(long at, byte[] d) {
      vb.begin(place(), at);
      deltaState = 0;
      deltaLeft = 0;
      insertedText(d, 0, d.length, 0);
      vb.end();
    }

    /**
     * Hands the detector each insert of the resolved object {@code r} with the detector's overlap
     * on each side (windows that meet are merged), in chunks; the locator drops a match that holds
     * no inserted byte.
     */
    private void scanAroundInserts(long at, byte[] r) {
      int ov = sink.overlap();
      Inserts s = inserts;
      s.place = place();
      s.at = at;
      int k = 0;
      while (k < s.n) {
        int first = k;
        int wFrom = Math.max(0, s.from[k] - ov);
        int wTo = (int) Math.min(r.length, (long) s.to[k] + ov);
        k++;
        while (k < s.n && s.from[k] - ov <= wTo) {
          wTo = (int) Math.min(r.length, (long) s.to[k] + ov);
          k++;
        }
        s.lo = first;
        s.hi = k;
        int step = Math.max(64, chunk);
        for (int own = wFrom; own < wTo; own += step) {
          int ownTo = (int) Math.min(wTo, (long) own + step);
          sink.segment(r, Math.max(wFrom, own - ov), (int) Math.min(wTo, (long) ownTo + ov), own, ownTo, s);
        }
      }
    }

    /** Where the delta parse is: 0 and 1 in its two sizes, 2 before an instruction, 3 in a copy's arguments, 4 in an insert. */
    private int deltaState;
    /** Bytes left of the current copy's arguments or insert's literal. */
    private int deltaLeft;

    /**
     * Hands on the literal bytes of a delta's inserts in {@code b[off, off + n)}, which starts at
     * {@code valueAt} in the inflated delta, each at its own offset there. Git cuts an insert
     * after 127 bytes, so a longer added run comes as several inserts, an opcode byte between
     * them: joined again, a token that such a cut falls in is found. A copy between two inserts
     * stands as one newline (at its opcode), so text that is not adjacent in the result is not
     * joined. A damaged delta parses to something without failing: it only decides what is scanned.
     */
    private void insertedText(byte[] b, int off, int n, long valueAt) {
      int i = 0;
      while (i < n) {
        int c = b[off + i] & 0xFF;
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
            vb.putUnplaced(b, off + i, k, valueAt + i);
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

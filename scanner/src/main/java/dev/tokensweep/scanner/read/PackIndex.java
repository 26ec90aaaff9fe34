package dev.tokensweep.scanner.read;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A git pack's index ({@code pack-*.idx} beside {@code pack-*.pack}), read from git's documented
 * format ({@code Documentation/gitformat-pack.txt}) to find an object's offset in the pack by its
 * id. Version 2: {@code \377tOc}, version 2, a 256-entry fan-out of counts, the sorted ids, a CRC
 * per object, a 4-byte offset per object (the high bit set: an index into the table of 8-byte
 * offsets that follows), then the pack's checksum and the index's own. Version 1 (no magic): the
 * fan-out, then per object a 4-byte offset and its id, then the two checksums. Ids are 20 bytes
 * (SHA-1) or 32 (SHA-256), as the pack reader tells it. A repository's {@code multi-pack-index}
 * ({@link #openMidx}) is read the same way: its fan-out and sorted ids find an object, and its
 * offsets chunk gives the object's pack by number and its offset there.
 *
 * <p>The index is hostile input like the pack: {@link #open} checks the magic and version, that
 * the fan-out never goes down, that the file's size is what the fan-out's count makes it, that
 * the count is the pack's and that the pack checksum it copies is the pack's own; {@link #find}
 * checks that an offset lies in the pack and that an index into the 8-byte table lies in the
 * table. Anything else is a {@link Bad} index. Memory: the fan-out, a multi-pack-index's pack
 * names (at most {@link #MIDX_NAMES} bytes), and one window of ids ({@link #WINDOW} bytes): a lookup reads a few ids by position until the rest of its range fits
 * the window, then reads that range once. Not thread-safe.
 */
final class PackIndex implements Closeable {
  /** Bytes of ids read at once at the end of a lookup. */
  static final int WINDOW = 1 << 16;
  private static final int FANOUT = 256 * 4;
  private static final int PACK_HEADER = 12;
  /** The version that stands for a multi-pack-index. */
  private static final int MIDX = -1;
  /** Bytes of a multi-pack-index's pack names, at most (git names a pack in 50 bytes). */
  static final int MIDX_NAMES = 1 << 20;

  /** Damage in the index: what is wrong, in words, with no byte of the file. */
  static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String what) {
      super(what, null, false, false);
    }
  }

  private final FileChannel channel;
  private final int idSize;
  private final int version;
  private final long[] fanout = new long[256];
  private final long count;
  private final long packSize;
  /** Where the ids start, how far apart they are, and for version 2 where the offset tables start. */
  private final long idsAt;
  private final int stride;
  private final long offsetsAt;
  private final long largeAt;
  private final long largeCount;
  private final ByteBuffer window;
  private final ByteBuffer word = ByteBuffer.allocate(8);
  /** A multi-pack-index's packs, by their index's name ({@code pack-*.idx}), in its pack-int-id order; empty for a pack's index. */
  private final List<String> packs;

  private PackIndex(FileChannel channel, int idSize, int version, long count, long packSize, long largeCount) {
    this(channel, idSize, version, count, packSize, version == 2 ? 8 + FANOUT : FANOUT + 4,
        version == 2 ? idSize : 4 + idSize, version == 2 ? 8 + FANOUT + count * (idSize + 4L) : FANOUT,
        version == 2 ? 8 + FANOUT + count * (idSize + 8L) : 0, largeCount, List.of());
    // version 2: after the ids come a CRC per object, then the offsets; version 1: each entry is its offset, then its id
  }

  private PackIndex(FileChannel channel, int idSize, int version, long count, long packSize, long idsAt, int stride,
      long offsetsAt, long largeAt, long largeCount, List<String> packs) {
    this.channel = channel;
    this.idSize = idSize;
    this.version = version;
    this.count = count;
    this.packSize = packSize;
    this.idsAt = idsAt;
    this.stride = stride;
    this.offsetsAt = offsetsAt;
    this.largeAt = largeAt;
    this.largeCount = largeCount;
    this.packs = packs;
    window = ByteBuffer.allocate(Math.max(stride, WINDOW / stride * stride));
  }

  /**
   * Opens and checks the index at {@code idx} for a pack of {@code packSize} bytes that declares
   * {@code packCount} objects and ends with the checksum {@code packChecksum}, whose ids are
   * {@code idSize} bytes. The channel is closed when the index is bad.
   */
  static PackIndex open(Path idx, int idSize, long packSize, long packCount, byte[] packChecksum)
      throws IOException, Bad {
    FileChannel ch = FileChannel.open(idx, StandardOpenOption.READ);
    try {
      PackIndex p = check(ch, idSize, packSize, packCount, packChecksum);
      ch = null;
      return p;
    } finally {
      if (ch != null) {
        ch.close();
      }
    }
  }

  private static PackIndex check(FileChannel ch, int idSize, long packSize, long packCount, byte[] packChecksum)
      throws IOException, Bad {
    if (idSize != 20 && idSize != 32) {
      throw new Bad("the object id size is not known");
    }
    long size = ch.size();
    ByteBuffer head = ByteBuffer.allocate(8 + FANOUT);
    readFully(ch, head, 0, (int) Math.min(head.capacity(), size));
    int version;
    int fanoutAt;
    if (size >= 8 && head.getInt(0) == 0xFF744F63) { // "\377tOc"
      version = head.getInt(4);
      if (version != 2) {
        throw new Bad("it is version " + Integer.toUnsignedString(version) + "; versions 1 and 2 are read");
      }
      fanoutAt = 8;
    } else {
      version = 1;
      fanoutAt = 0;
    }
    if (size < fanoutAt + FANOUT) {
      throw new Bad("it is " + size + " bytes, shorter than its fan-out table");
    }
    long[] fanout = new long[256];
    for (int i = 0; i < 256; i++) {
      fanout[i] = Integer.toUnsignedLong(head.getInt(fanoutAt + 4 * i));
      if (i > 0 && fanout[i] < fanout[i - 1]) {
        throw new Bad("its fan-out table goes down at entry " + i);
      }
    }
    long n = fanout[255];
    long large = 0;
    long fixed = fanoutAt + FANOUT + 2L * idSize;
    if (version == 2) {
      long min = fixed + n * (idSize + 8L);
      large = (size - min) / 8;
      if (size < min || (size - min) % 8 != 0 || large > n) {
        throw new Bad("its " + size + " bytes do not fit the " + n + " objects its fan-out table counts");
      }
    } else if (size != fixed + n * (idSize + 4L)) {
      throw new Bad("its " + size + " bytes do not fit the " + n + " objects its fan-out table counts");
    }
    if (n != packCount) {
      throw new Bad("it lists " + n + " objects and the pack declares " + packCount + ": it is not this pack's index");
    }
    if (packChecksum != null) {
      ByteBuffer sum = ByteBuffer.allocate(idSize);
      readFully(ch, sum, size - 2L * idSize, idSize);
      if (!java.util.Arrays.equals(sum.array(), packChecksum)) {
        throw new Bad("the pack checksum it holds is not the pack's: it is not this pack's index");
      }
    }
    PackIndex p = new PackIndex(ch, idSize, version, n, packSize, large);
    System.arraycopy(fanout, 0, p.fanout, 0, 256);
    return p;
  }

  /**
   * Opens and checks the multi-pack-index at {@code midx} ({@code objects/pack/multi-pack-index}:
   * {@code MIDX}, version 1 or 2, its hash, a table of chunks, then the pack names, the fan-out, the
   * sorted ids and per id its pack's number and offset, 8-byte offsets apart) whose ids are
   * {@code idSize} bytes. Checked: the header, that the chunks lie in order inside the file and the
   * four it needs are there, each of the size its count makes it, the fan-out, and the pack names
   * (as many as the header says, each a plain {@code .idx} file name). An offset it gives is not
   * checked against its pack: the caller does. The channel is closed when the file is bad.
   */
  static PackIndex openMidx(Path midx, int idSize) throws IOException, Bad {
    FileChannel ch = FileChannel.open(midx, StandardOpenOption.READ);
    try {
      PackIndex p = checkMidx(ch, idSize);
      ch = null;
      return p;
    } finally {
      if (ch != null) {
        ch.close();
      }
    }
  }

  private static PackIndex checkMidx(FileChannel ch, int idSize) throws IOException, Bad {
    long size = ch.size();
    ByteBuffer head = ByteBuffer.allocate(12);
    if (size < 12 + 12 + idSize) {
      throw new Bad("it is " + size + " bytes, shorter than a header and a checksum");
    }
    readFully(ch, head, 0, 12);
    if (head.getInt(0) != 0x4D494458) { // "MIDX"
      throw new Bad("it does not start with MIDX");
    }
    int version = head.get(4) & 0xFF;
    int hash = head.get(5) & 0xFF;
    int chunks = head.get(6) & 0xFF;
    if (version != 1 && version != 2) {
      throw new Bad("it is version " + version + "; versions 1 and 2 are read");
    }
    if (hash != (idSize == 32 ? 2 : 1)) {
      throw new Bad("its hash (" + hash + ") is not the repository's");
    }
    if (head.get(7) != 0) {
      throw new Bad("it names base multi-pack-index files, which are not read");
    }
    long packCount = Integer.toUnsignedLong(head.getInt(8));
    ByteBuffer table = ByteBuffer.allocate(12 * (chunks + 1));
    if (size < 12 + table.capacity() + idSize) {
      throw new Bad("it is " + size + " bytes, shorter than its table of " + chunks + " chunks");
    }
    readFully(ch, table, 12, table.capacity());
    long[] chunkAt = new long[4];
    long[] chunkEnd = new long[4];
    long loffAt = -1;
    long loffEnd = -1;
    long prev = 12 + table.capacity();
    for (int i = 0; i < chunks; i++) {
      int id = table.getInt(12 * i);
      long at = table.getLong(12 * i + 4);
      long end = table.getLong(12 * (i + 1) + 4);
      if (at < prev || end < at || end > size - idSize) {
        throw new Bad("its chunk " + i + " lies out of order or outside its " + size + " bytes");
      }
      prev = at;
      int k = switch (id) {
        case 0x504E414D -> 0; // PNAM
        case 0x4F494446 -> 1; // OIDF
        case 0x4F49444C -> 2; // OIDL
        case 0x4F4F4646 -> 3; // OOFF
        default -> -1;
      };
      if (k >= 0) {
        chunkAt[k] = at;
        chunkEnd[k] = end;
      } else if (id == 0x4C4F4646) { // LOFF
        loffAt = at;
        loffEnd = end;
      }
    }
    if (table.getInt(12 * chunks) != 0) {
      throw new Bad("its table of chunks does not end");
    }
    for (int k = 0; k < 4; k++) {
      if (chunkEnd[k] == 0) {
        throw new Bad("it lacks the " + List.of("pack names", "fan-out", "ids", "offsets").get(k) + " chunk");
      }
    }
    if (chunkEnd[1] - chunkAt[1] != FANOUT) {
      throw new Bad("its fan-out chunk is " + (chunkEnd[1] - chunkAt[1]) + " bytes, not " + FANOUT);
    }
    ByteBuffer fan = ByteBuffer.allocate(FANOUT);
    readFully(ch, fan, chunkAt[1], FANOUT);
    long[] fanout = new long[256];
    for (int i = 0; i < 256; i++) {
      fanout[i] = Integer.toUnsignedLong(fan.getInt(4 * i));
      if (i > 0 && fanout[i] < fanout[i - 1]) {
        throw new Bad("its fan-out table goes down at entry " + i);
      }
    }
    long n = fanout[255];
    if (chunkEnd[2] - chunkAt[2] != n * idSize || chunkEnd[3] - chunkAt[3] != n * 8
        || loffAt >= 0 && (loffEnd - loffAt) % 8 != 0) {
      throw new Bad("its chunks do not fit the " + n + " objects its fan-out table counts");
    }
    List<String> packs = packNames(ch, chunkAt[0], chunkEnd[0] - chunkAt[0], packCount);
    PackIndex p = new PackIndex(ch, idSize, MIDX, n, Long.MAX_VALUE, chunkAt[2], idSize, chunkAt[3], loffAt,
        loffAt < 0 ? 0 : (loffEnd - loffAt) / 8, packs);
    System.arraycopy(fanout, 0, p.fanout, 0, 256);
    return p;
  }

  /** The {@code count} NUL-terminated pack names of the chunk at {@code at}, NULs only after them. */
  private static List<String> packNames(FileChannel ch, long at, long len, long count) throws IOException, Bad {
    if (len > MIDX_NAMES || count > len) {
      throw new Bad("its pack names chunk is " + len + " bytes for " + count + " packs");
    }
    ByteBuffer b = ByteBuffer.allocate((int) len);
    readFully(ch, b, at, (int) len);
    List<String> names = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < len && names.size() < count; i++) {
      if (b.get(i) == 0) {
        String name = new String(b.array(), from, i - from, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!name.endsWith(".idx") || name.length() == 4 || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0
            || name.startsWith(".")) {
          throw new Bad("its pack name " + names.size() + " is not the name of an index beside it");
        }
        names.add(name);
        from = i + 1;
      }
    }
    boolean padding = names.size() == count;
    for (int i = from; padding && i < len; i++) {
      padding = b.get(i) == 0;
    }
    if (!padding) {
      throw new Bad("its pack names chunk does not hold the " + count + " names its header counts, and only those");
    }
    return List.copyOf(names);
  }

  /** A multi-pack-index's packs, by their index's file name, numbered as {@link #packOf} numbers them. */
  List<String> packs() {
    return packs;
  }

  /** The number of the pack that holds a multi-pack-index's {@code k}th object, checked to be one it names. */
  int packOf(long k) throws IOException, Bad {
    word.clear();
    readFully(channel, word, offsetsAt + 8 * k, 4);
    long no = Integer.toUnsignedLong(word.getInt(0));
    if (no >= packs.size()) {
      throw new Bad("object " + k + " lies in pack " + no + " of the " + packs.size() + " it names");
    }
    return (int) no;
  }

  /** How many objects the index lists. */
  long count() {
    return count;
  }

  /** The offset in the pack of the object {@code id} ({@link #idSize} bytes), or -1 when the index does not list it. */
  long find(byte[] id) throws IOException, Bad {
    long k = entry(id);
    return k < 0 ? -1 : offsetOf(k);
  }

  /** The position of {@code id} among the listed ids, or -1 when the index does not list it. */
  long entry(byte[] id) throws IOException {
    int first = id[0] & 0xFF;
    long lo = first == 0 ? 0 : fanout[first - 1];
    long hi = fanout[first];
    int per = window.capacity() / stride;
    // halve by single ids read in place until the range fits the window (a bucket of a 1M-object index is ~4K ids)
    while (hi - lo > per) {
      long mid = (lo + hi) >>> 1;
      window.clear();
      readFully(channel, window, idsAt + mid * stride, idSize);
      int c = compare(window.array(), 0, id);
      if (c == 0) {
        return mid;
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo >= hi) {
      return -1;
    }
    int n = (int) (hi - lo);
    window.clear();
    readFully(channel, window, idsAt + lo * stride, (n - 1) * stride + idSize);
    int a = 0;
    int b = n;
    while (a < b) {
      int m = (a + b) >>> 1;
      int c = compare(window.array(), m * stride, id);
      if (c == 0) {
        return lo + m;
      }
      if (c < 0) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return -1;
  }

  /**
   * The pack offset of the {@code k}th object, checked to lie in the pack (for a multi-pack-index,
   * whose packs' sizes it does not know, the caller checks).
   */
  long offsetOf(long k) throws IOException, Bad {
    long at = version == MIDX ? offsetsAt + 8 * k + 4 : version == 2 ? offsetsAt + 4 * k : offsetsAt + k * stride;
    word.clear();
    readFully(channel, word, at, 4);
    long off = Integer.toUnsignedLong(word.getInt(0));
    if ((version == 2 || version == MIDX && largeAt >= 0) && (off & 0x8000_0000L) != 0) {
      long j = off & 0x7FFF_FFFFL;
      if (j >= largeCount) {
        throw new Bad("object " + k + " points at 8-byte offset " + j + " of a table of " + largeCount);
      }
      word.clear();
      readFully(channel, word, largeAt + 8 * j, 8);
      off = word.getLong(0);
    }
    if (off < PACK_HEADER || off >= packSize - idSize) {
      throw new Bad("object " + k + " lies at offset " + Long.toUnsignedString(off) + ", outside the pack's "
          + packSize + " bytes");
    }
    return off;
  }

  /** Unsigned comparison of the id at {@code b[i]} with {@code id}. */
  private int compare(byte[] b, int i, byte[] id) {
    return java.util.Arrays.compareUnsigned(b, i, i + idSize, id, 0, idSize);
  }

  /** Reads {@code n} bytes at {@code pos} into {@code buf} from its position; a shorter file is an I/O error. */
  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, int n) throws IOException {
    buf.limit(buf.position() + n);
    long at = pos;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, at);
      if (r < 0) {
        throw new java.io.EOFException("the index ends early");
      }
      at += r;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

package dev.tokensweep.scanner.read;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A git pack's index ({@code pack-*.idx} beside {@code pack-*.pack}), read from git's documented
 * format ({@code Documentation/gitformat-pack.txt}) to find an object's offset in the pack by its
 * id. Version 2: {@code \377tOc}, version 2, a 256-entry fan-out of counts, the sorted ids, a CRC
 * per object, a 4-byte offset per object (the high bit set: an index into the table of 8-byte
 * offsets that follows), then the pack's checksum and the index's own. Version 1 (no magic): the
 * fan-out, then per object a 4-byte offset and its id, then the two checksums. Ids are 20 bytes
 * (SHA-1) or 32 (SHA-256), as the pack reader tells it.
 *
 * <p>The index is hostile input like the pack: {@link #open} checks the magic and version, that
 * the fan-out never goes down, that the file's size is what the fan-out's count makes it, that
 * the count is the pack's and that the pack checksum it copies is the pack's own; {@link #find}
 * checks that an offset lies in the pack and that an index into the 8-byte table lies in the
 * table. Anything else is a {@link Bad} index. Memory: the fan-out and one window of ids
 * ({@link #WINDOW} bytes): a lookup reads a few ids by position until the rest of its range fits
 * the window, then reads that range once. Not thread-safe.
 */
final class PackIndex implements Closeable {
  /** Bytes of ids read at once at the end of a lookup. */
  static final int WINDOW = 1 << 16;
  private static final int FANOUT = 256 * 4;
  private static final int PACK_HEADER = 12;

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

  private PackIndex(FileChannel channel, int idSize, int version, long count, long packSize, long largeCount) {
    this.channel = channel;
    this.idSize = idSize;
    this.version = version;
    this.count = count;
    this.packSize = packSize;
    this.largeCount = largeCount;
    if (version == 2) {
      idsAt = 8 + FANOUT;
      stride = idSize;
      offsetsAt = idsAt + count * idSize + count * 4; // after the ids and the CRCs
      largeAt = offsetsAt + count * 4;
    } else {
      idsAt = FANOUT + 4; // each entry is its offset, then its id
      stride = 4 + idSize;
      offsetsAt = FANOUT;
      largeAt = 0;
    }
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

  /** How many objects the index lists. */
  long count() {
    return count;
  }

  /** The offset in the pack of the object {@code id} ({@link #idSize} bytes), or -1 when the index does not list it. */
  long find(byte[] id) throws IOException, Bad {
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
        return offsetOf(mid);
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
        return offsetOf(lo + m);
      }
      if (c < 0) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return -1;
  }

  /** The pack offset of the {@code k}th object, checked to lie in the pack. */
  private long offsetOf(long k) throws IOException, Bad {
    long at = version == 2 ? offsetsAt + 4 * k : offsetsAt + k * stride;
    word.clear();
    readFully(channel, word, at, 4);
    long off = Integer.toUnsignedLong(word.getInt(0));
    if (version == 2 && (off & 0x8000_0000L) != 0) {
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

package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.expand.Spool;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to one leaf for the store readers (SQLite overflow chains, LevelDB footers and
 * index blocks, journal entry offsets): the file itself when the leaf is a plain file on disk,
 * otherwise the leaf spooled to an encrypted {@link Spool} (at most the spool cap). Reads go
 * through a small cache of aligned blocks, so the many small reads of a b-tree walk cost one
 * channel read per block. Memory: {@link #BLOCKS} blocks of {@link #BLOCK} bytes. Not thread-safe.
 */
final class RandomAccess implements Closeable {
  static final int BLOCK = 64 * 1024;
  static final int BLOCKS = 4;

  private final SeekableByteChannel channel;
  private final Spool spool;
  private final long size;
  private final byte[][] blocks = new byte[BLOCKS][];
  private final long[] blockNo = new long[BLOCKS];
  private final int[] blockLen = new int[BLOCKS];
  private final long[] used = new long[BLOCKS];
  private long clock;

  private RandomAccess(SeekableByteChannel channel, Spool spool, long size) {
    this.channel = channel;
    this.spool = spool;
    this.size = size;
    java.util.Arrays.fill(blockNo, -1);
  }

  /**
   * Opens the leaf: {@code file} when it is not null, else {@code in} spooled.
   *
   * @throws Spool.TooLargeException when the leaf is larger than {@code spoolCap}
   */
  /** What a store reader does with a whole file once it can seek in it. */
  interface Body {
    void run(RandomAccess ra) throws IOException;
  }

  /**
   * Runs {@code body} with random access to a leaf: the file on disk when there is one, else a
   * spool of the stream within {@code limits.maxSpoolBytes()} (larger: one {@code limit} problem
   * naming {@code what}, nothing read). Closes the access and, for a file on disk, drains the
   * stream, as the walker expects every leaf's stream read to its end.
   */
  static void read(InputStream in, Path file, String path, String what, dev.tokensweep.scanner.model.ScanLimits limits,
      SegmentSink sink, Body body) throws IOException {
    RandomAccess ra;
    try {
      ra = open(in, file, limits.maxSpoolBytes());
    } catch (Spool.TooLargeException e) {
      sink.problem(new dev.tokensweep.scanner.model.Problem(path, dev.tokensweep.scanner.model.Problem.Type.LIMIT,
          "max-spool-bytes: " + what + " inside a stream is larger than " + limits.maxSpoolBytes()
          + " bytes and cannot be spooled for random access; not read (raise --max-spool-bytes)"));
      return;
    }
    try (ra) {
      body.run(ra);
    } finally {
      if (file != null) {
        drain(in);
      }
    }
  }

  static RandomAccess open(InputStream in, Path file, long spoolCap) throws IOException {
    if (file != null) {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      return new RandomAccess(ch, null, ch.size());
    }
    Spool s = new Spool(spoolCap);
    try {
      s.fill(in);
      return new RandomAccess(s.channel(), s, s.size());
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Over bytes in memory (tests, small decoded leaves). */
  static RandomAccess of(byte[] bytes) {
    return new RandomAccess(new InMemory(bytes), null, bytes.length);
  }

  long size() {
    return size;
  }

  /** Reads {@code len} bytes at {@code pos}; fails with {@link EOFException} past the end. */
  void readFully(long pos, byte[] dst, int off, int len) throws IOException {
    if (pos < 0 || len < 0 || pos > size - len) { // not pos + len: a hostile offset near 2^63 wraps
      throw new EOFException("read of " + len + " bytes at offset " + pos + " past the end (" + size + ")");
    }
    while (len > 0) {
      long b = pos / BLOCK;
      byte[] block = block(b);
      int in = (int) (pos - b * BLOCK);
      int n = Math.min(len, blockLen[slotOf(b)] - in);
      if (n <= 0) {
        throw new EOFException("short read at offset " + pos);
      }
      System.arraycopy(block, in, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  int u8(long pos) throws IOException {
    long b = pos / BLOCK;
    if (pos < 0 || pos >= size) {
      throw new EOFException("read at offset " + pos + " past the end (" + size + ")");
    }
    return block(b)[(int) (pos - b * BLOCK)] & 0xFF;
  }

  private final byte[] scratch = new byte[8];

  long le64(long pos) throws IOException {
    readFully(pos, scratch, 0, 8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (scratch[i] & 0xFF);
    }
    return v;
  }

  long le32(long pos) throws IOException {
    readFully(pos, scratch, 0, 4);
    return (scratch[0] & 0xFFL) | (scratch[1] & 0xFFL) << 8 | (scratch[2] & 0xFFL) << 16 | (scratch[3] & 0xFFL) << 24;
  }

  long be32(long pos) throws IOException {
    readFully(pos, scratch, 0, 4);
    return (scratch[3] & 0xFFL) | (scratch[2] & 0xFFL) << 8 | (scratch[1] & 0xFFL) << 16 | (scratch[0] & 0xFFL) << 24;
  }

  int be16(long pos) throws IOException {
    readFully(pos, scratch, 0, 2);
    return (scratch[0] & 0xFF) << 8 | (scratch[1] & 0xFF);
  }

  /** A stream over {@code [pos, pos + len)}, clipped to the end of the leaf. */
  InputStream stream(long pos, long len) {
    long end = Math.min(size, pos + Math.max(0, len));
    return new InputStream() {
      private long p = pos;

      @Override
      public int read() throws IOException {
        return p < end ? u8(p++) : -1;
      }

      @Override
      public int read(byte[] b, int off, int n) throws IOException {
        if (p >= end) {
          return -1;
        }
        int k = (int) Math.min(n, end - p);
        readFully(p, b, off, k);
        p += k;
        return k;
      }
    };
  }

  private int slotOf(long b) {
    for (int i = 0; i < BLOCKS; i++) {
      if (blockNo[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private byte[] block(long b) throws IOException {
    int s = slotOf(b);
    if (s >= 0) {
      used[s] = ++clock;
      return blocks[s];
    }
    s = 0;
    for (int i = 1; i < BLOCKS; i++) {
      if (used[i] < used[s]) {
        s = i;
      }
    }
    if (blocks[s] == null) {
      blocks[s] = new byte[BLOCK];
    }
    ByteBuffer buf = ByteBuffer.wrap(blocks[s]);
    long at = b * BLOCK;
    int want = (int) Math.max(0, Math.min(BLOCK, size - at)); // bounded before the cast: a long cut to int may be anything
    buf.limit(want);
    channel.position(at);
    while (buf.hasRemaining()) {
      if (channel.read(buf) < 0) {
        break;
      }
    }
    blockNo[s] = b;
    blockLen[s] = buf.position();
    used[s] = ++clock;
    return blocks[s];
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      if (spool != null) {
        spool.close();
      }
    }
  }

  /** Skips the rest of {@code in}, so the scan summary counts the bytes read here by seeking. */
  static void drain(InputStream in) throws IOException {
    while (in.skip(1L << 30) > 0) {
      // skip seeks a file; a spooled stream was consumed by the spool already
    }
    while (in.read() >= 0 && in.skip(1L << 30) >= 0) {
      // skip may stop early on some streams; read() tells the real end
    }
  }

  private static final class InMemory implements SeekableByteChannel {
    private final byte[] bytes;
    private long pos;

    InMemory(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (pos >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), bytes.length - pos);
      dst.put(bytes, (int) pos, n);
      pos += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public long position() {
      return pos;
    }

    @Override
    public SeekableByteChannel position(long p) {
      pos = p;
      return this;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}

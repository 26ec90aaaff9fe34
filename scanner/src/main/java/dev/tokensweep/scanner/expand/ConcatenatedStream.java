package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.io.InputStream;

/**
 * The content of a compressed stream, member after member (gzip, bzip2, xz and lz4 may hold
 * several one after another; lzma and zlib hold one), each read by a decoder of one member, which
 * stops exactly at its end. The decoders' own concatenated mode is not used: met with data that is
 * no member, it throws from the read that would have returned the last member's end, and the bytes
 * it decoded in that read were lost (up to 8 KiB, or all of a small member) while the file counted
 * as scanned.
 *
 * <p>After a member, the input stands on the next one, or on zeros (xz stream padding, tape blocks:
 * skipped), or on its end, or on data after the end: then this stream ends, {@link #dataAfterEnd}
 * says so and the input stands on the data, for the walker to read. Single reader (the read-ahead
 * thread or the walker's); the flags are read by the walker once the reader is done.
 */
final class ConcatenatedStream extends InputStream {

  /** The longest member magic looked at: xz's six bytes. */
  private static final int MAGIC = 6;

  private final Format format;
  private final CountingInputStream in;
  private final Runnable onDataAfterEnd;
  private final InputStream first;
  private InputStream member;
  private volatile boolean dataAfterEnd;
  private volatile long endOffset = -1;

  /**
   * @param first the decoder of the first member, over {@code in}
   * @param in the compressed bytes; it supports mark and reset (a decoder of one member then reads
   *     no further than its member)
   * @param onDataAfterEnd run once, by the reader, when data follows the last member
   */
  ConcatenatedStream(Format format, InputStream first, CountingInputStream in, Runnable onDataAfterEnd) {
    this.format = format;
    this.first = first;
    this.member = first;
    this.in = in;
    this.onDataAfterEnd = onDataAfterEnd;
  }

  /** Whether the formats' members may follow one another (and a decoder of one stops at its member's end). */
  static boolean handles(Format f) {
    return f == Format.GZIP || f == Format.BZIP2 || f == Format.XZ || f == Format.LZ4 || f == Format.LZMA
        || f == Format.DEFLATE;
  }

  /** The first member's decoder (a gzip's header is in it). */
  InputStream first() {
    return first;
  }

  /** Whether data that is no member followed the last member; the input stands on it. */
  boolean dataAfterEnd() {
    return dataAfterEnd;
  }

  /** Compressed bytes before the data after the end, or -1. */
  long endOffset() {
    return endOffset;
  }

  @Override
  public int read() throws IOException {
    return Streams.readByte(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (member != null) {
      int n = member.read(b, off, len);
      if (n >= 0) {
        return n;
      }
      member.close(); // over the input, which it leaves open
      member = next();
    }
    return -1;
  }

  /** The decoder of the member the input stands on, or null at the end (after zeros). */
  private InputStream next() throws IOException {
    if (!startsMember()) {
      if (skipZeros(in) < 0) {
        return null;
      }
      if (!startsMember()) {
        endOffset = in.count();
        dataAfterEnd = true;
        onDataAfterEnd.run();
        return null;
      }
    }
    return ArchiveExpander.singleDecoder(format, in);
  }

  private boolean startsMember() throws IOException {
    in.mark(MAGIC);
    byte[] h = in.readNBytes(MAGIC);
    in.reset();
    int n = h.length;
    return switch (format) {
      case GZIP -> n >= 2 && (h[0] & 0xFF) == 0x1F && (h[1] & 0xFF) == 0x8B;
      case BZIP2 -> n >= 4 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' && h[3] <= '9';
      case XZ -> n >= 6 && (h[0] & 0xFF) == 0xFD && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z'
          && h[5] == 0;
      case LZ4 -> n >= 4 && h[0] == 0x04 && h[1] == 0x22 && h[2] == 0x4D && h[3] == 0x18;
      default -> false; // lzma, zlib: one stream
    };
  }

  /**
   * Reads past the zeros {@code in} stands on (padding holds no secret); returns how many, or -1
   * when the input ends in them. {@code in} supports mark and reset; it is left on the first byte
   * that is not zero. Off the hot path: only what follows an archive's or a stream's end.
   */
  static long skipZeros(InputStream in) throws IOException {
    byte[] buf = new byte[BoundedStream.STEP];
    long zeros = 0;
    while (true) {
      in.mark(buf.length);
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        return -1;
      }
      for (int i = 0; i < n; i++) {
        if (buf[i] != 0) {
          in.reset();
          in.readNBytes(i);
          return zeros + i;
        }
      }
      zeros += n;
    }
  }

  @Override
  public void close() throws IOException {
    if (member != null) {
      member.close();
    }
  }
}

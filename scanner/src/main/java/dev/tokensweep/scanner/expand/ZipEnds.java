package dev.tokensweep.scanner.expand;

import dev.tokensweep.scanner.read.ByteScan;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Notes where a zip's end-record signature ({@code PK\5\6}) lies in the bytes a leaf's reader
 * reads through it, so that a zip inside a file read as a leaf (an executable's overlay, signed
 * or not; a jar in a core or heap dump; a zip with more than a comment's reach of data after it)
 * can be looked for without reading the file a second time. Only the offsets are kept, at most
 * {@link #MAX_ENDS}; {@link ZipDirectory#embedded} then judges each. The look costs one test of
 * eight bytes for the signature's last byte (0x06, which text never holds) and, where it is, one
 * of the three bytes before. Bytes read again after a reset are looked at once; a skip reads
 * through. Its {@code close} does nothing: the caller owns the stream beneath.
 */
final class ZipEnds extends FilterInputStream {
  /** Signatures noted at most (8 bytes each): far more zips than any executable or dump holds. */
  static final int MAX_ENDS = 1 << 16;

  private static final int SIG = 0x06054b50;

  private long[] ends = new long[16];
  private int count;
  private boolean overflow;
  /** Stream offset of the next byte read: bytes read again after a reset count once. */
  private final CountingInputStream counted;
  /** Bytes before this offset were looked at. */
  private long seen;
  /** The three bytes before {@link #seen}, the last in the low byte: a signature may straddle two reads. */
  private int tail;
  private final byte[] one = new byte[1];

  ZipEnds(InputStream in) {
    this(new CountingInputStream(in));
  }

  private ZipEnds(CountingInputStream in) {
    super(in);
    this.counted = in;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long pos = counted.count();
    int n = super.read(b, off, len);
    if (n > 0) {
      look(b, off, n, pos);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    return SkipByReading.skip(this, n);
  }

  @Override
  public void close() {
    // the caller owns the stream
  }

  /** Looks at {@code b[off, off + n)}, read at {@code pos}, as far as it was not looked at before. */
  private void look(byte[] b, int off, int n, long pos) {
    long end = pos + n;
    if (end <= seen) {
      return;
    }
    int from = off + (int) Math.max(0, seen - pos);
    int to = off + n;
    for (int i = ByteScan.indexOf(b, from, to, (byte) 6); i >= 0; i = ByteScan.indexOf(b, i + 1, to, (byte) 6)) {
      long at = pos + (i - off) - 3;
      if (at >= 0 && word(b, off, i, pos) == SIG) {
        note(at);
      }
    }
    for (int i = Math.max(from, to - 3); i < to; i++) {
      tail = (tail << 8 | (b[i] & 0xFF)) & 0xFFFFFF;
    }
    seen = end;
  }

  /**
   * The little-endian word whose last byte is {@code b[i]}; a byte before {@code b[off]} is one
   * of the three before {@link #seen} (a signature ending in new bytes began at most three back).
   */
  private int word(byte[] b, int off, int i, long pos) {
    int w = 0;
    for (int k = 3; k >= 0; k--) {
      int j = i - k;
      int v = j >= off ? b[j] & 0xFF : tail >>> (8 * (int) (seen - 1 - (pos + j - off))) & 0xFF;
      w |= v << (8 * (3 - k));
    }
    return w;
  }

  private void note(long at) {
    if (count == MAX_ENDS) {
      overflow = true;
      return;
    }
    if (count == ends.length) {
      ends = java.util.Arrays.copyOf(ends, ends.length * 2);
    }
    ends[count++] = at;
  }

  /** The offsets noted, in the order of the file. */
  long[] ends() {
    return java.util.Arrays.copyOf(ends, count);
  }

  /** Whether more signatures were read than {@link #MAX_ENDS}: those past it were not noted. */
  boolean overflow() {
    return overflow;
  }
}

package dev.tokensweep.scanner.expand;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read (and skipped) through it: compressed bytes for the ratio check, bytes as
 * stored for the scan summary. {@link #close()} does nothing: the caller owns the stream beneath.
 */
public final class CountingInputStream extends FilterInputStream {
  private long count;

  public CountingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    count += s;
    return s;
  }

  public long count() {
    return count;
  }

  /**
   * Whether the stream beneath is a buffer in memory (a small file read whole): it needs no
   * buffer around it, and it marks and resets itself.
   */
  public boolean inMemory() {
    return in instanceof java.io.ByteArrayInputStream;
  }

  private long markedCount;

  @Override
  public synchronized void mark(int readlimit) {
    super.mark(readlimit);
    markedCount = count;
  }

  /** Bytes read again after a reset are counted once. */
  @Override
  public synchronized void reset() throws IOException {
    super.reset();
    count = markedCount;
  }

  @Override
  public void close() {
    // the caller owns the stream
  }
}

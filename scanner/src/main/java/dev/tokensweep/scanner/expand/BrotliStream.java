package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.brotli.BrotliCompressorInputStream;

/**
 * A Brotli stream's content, decoded by commons-compress's reader over Google's decoder
 * ({@code org.brotli:dec}). Brotli is one stream with no length before it, and the decoder reads
 * its input 4 KiB at a time: data after the end that it read ahead is its own failure ("Unused
 * bytes after end"), and when the input goes on past its last read, {@link #dataAfterEnd} says so
 * and the input stands there for the walker to read (zeros after the end are padding, skipped).
 *
 * <p>The decoder wraps every failure in one "Brotli stream decoding failed": it is given again
 * with the decoder's reason, and a failure of the input beneath as it was. Its window is at most
 * 16 MiB, the format's largest (the large-window extension is not read: corrupt), below the
 * decoder memory cap. It hands out what it decoded when its window is full and at the end, so on
 * damage what it decoded since is lost with the failure; the problem says how much was scanned.
 * Single reader (the read-ahead thread or the walker's); the flags are read once it is done.
 */
final class BrotliStream extends InputStream {

  private final CountingInputStream in;
  private final Runnable onDataAfterEnd;
  private final InputStream decoder;
  private boolean ended;
  private volatile boolean dataAfterEnd;
  private volatile long endOffset = -1;

  /**
   * @param in the compressed bytes, supporting mark and reset
   * @param onDataAfterEnd run once, by the reader, when data follows the stream's end
   */
  BrotliStream(CountingInputStream in, Runnable onDataAfterEnd) throws IOException {
    this.in = in;
    this.onDataAfterEnd = onDataAfterEnd;
    try {
      this.decoder = new BrotliCompressorInputStream(in);
    } catch (IOException e) {
      throw reason(e);
    }
  }

  /** Whether data that is not zeros followed the stream's end; the input stands on it. */
  boolean dataAfterEnd() {
    return dataAfterEnd;
  }

  /** Compressed bytes read before the data after the end (the decoder's last read ahead among them), or -1. */
  long endOffset() {
    return endOffset;
  }

  @Override
  public int read() throws IOException {
    return Streams.readByte(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (ended) {
      return -1;
    }
    int n;
    try {
      n = decoder.read(b, off, len);
    } catch (IOException e) {
      throw reason(e);
    }
    if (n < 0) {
      ended = true;
      if (ConcatenatedStream.skipZeros(in) >= 0) {
        endOffset = in.count();
        dataAfterEnd = true;
        onDataAfterEnd.run();
      }
    }
    return n;
  }

  /** The decoder's reason for a failure (fixed text that quotes no input), or the input's own failure. */
  private static IOException reason(IOException e) {
    // org.brotli.dec's own exception (package-private): what it threw with its reason
    if (e.getCause() instanceof RuntimeException b && b.getClass().getName().equals("org.brotli.dec.BrotliRuntimeException")) {
      if (b.getCause() instanceof IOException io) {
        return io;                                     // reading the input failed (a limit, a read error)
      }
      return new IOException("brotli stream damaged: " + b.getMessage(), e);
    }
    return e;
  }

  @Override
  public void close() throws IOException {
    decoder.close(); // closes its reader, not the input (CountingInputStream)
  }
}

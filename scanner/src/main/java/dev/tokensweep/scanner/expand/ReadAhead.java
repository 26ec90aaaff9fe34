package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/**
 * A stream that a second thread fills: it reads its source (a decompressor) a chunk ahead of the
 * reader, at most {@link #AHEAD} chunks, so decompressing and scanning one compressed input run on
 * two cores instead of taking turns. A failure of the source reaches the reader as the same
 * exception, at the point in the stream where it happened. Closing it stops the filling thread
 * before the source is closed, on the reader's thread (a decoder is never closed while another
 * thread is inside it). Single reader.
 */
final class ReadAhead extends InputStream {
  /** Bytes decoded per hand-over: large enough that the queue's locking is noise, small enough to keep few in memory. */
  static final int CHUNK = 1 << 20;
  /** Chunks decoded ahead at most: enough to smooth the decoder's and the scan's uneven pace, and a bound of 3 MiB per input. */
  static final int AHEAD = 3;
  private static final Object END = new Object();

  private final InputStream source;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closed;
  private byte[] current = new byte[0];
  private int pos;
  private boolean finished;

  ReadAhead(InputStream source, Executor executor) {
    this.source = source;
    executor.execute(this::fill);
  }

  private void fill() {
    try {
      while (!closed) {
        byte[] b = new byte[CHUNK];
        int n = 0;
        boolean end = false;
        try {
          while (n < CHUNK) {
            // in BoundedStream's small steps: a decoder that fails mid-call drops what it decoded
            // in that call, so a step bounds what is lost before a damaged spot, as without us
            int r = source.read(b, n, Math.min(BoundedStream.STEP, CHUNK - n));
            if (r < 0) {
              end = true;
              break;
            }
            n += r;
          }
        } catch (Throwable t) {
          if (n > 0) {
            queue.put(Arrays.copyOf(b, n)); // what came before the failure is read as it would be
          }
          throw t;
        }
        if (n > 0) {
          queue.put(n == CHUNK ? b : Arrays.copyOf(b, n));
        }
        if (end) {
          queue.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) { // the decoder's failure belongs to the reader, where it happened in the stream
      try {
        queue.put(t);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      stopped.countDown();
    }
  }

  private boolean next() throws IOException {
    while (pos == current.length) {
      if (finished) {
        return false;
      }
      Object o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading ahead");
      }
      if (o == END) {
        finished = true;
        return false;
      }
      if (o instanceof Throwable t) {
        finished = true;
        if (t instanceof IOException io) {
          throw io;
        }
        if (t instanceof RuntimeException r) {
          throw r;
        }
        if (t instanceof Error err) {
          throw err;
        }
        throw new IOException(t);
      }
      current = (byte[]) o;
      pos = 0;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    return next() ? current[pos++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!next()) {
      return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return current.length - pos;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear(); // a filling thread blocked on a full queue goes on, sees `closed` and stops
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.clear();
    source.close();
  }
}

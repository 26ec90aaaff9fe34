package dev.tokensweep.scanner.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one scan, updated from many threads. */
public final class ScanStats {
  private final LongAdder files = new LongAdder();
  private final LongAdder leaves = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  /** Bytes read so far from inputs whose scan has not ended (they move to {@code bytes} when it does). */
  private final LongAdder inFlight = new LongAdder();
  private volatile String current;
  private final AtomicLong startNanos = new AtomicLong(System.nanoTime());
  /** What makes a path printable; applied when progress reads {@link #current}, never per file. */
  private final java.util.function.UnaryOperator<String> shown;
  // the path current() showed last and what it became: progress asks four times a second
  private volatile String[] lastShown = {null, null};

  /** Counters whose {@link #current} path is shown as it is. */
  public ScanStats() {
    this(java.util.function.UnaryOperator.identity());
  }

  /**
   * Counters whose {@link #current} path is shown through {@code shown} (the scan's redaction of
   * names): the whole path, so a secret that spans its separators is redacted as in reports.
   */
  public ScanStats(java.util.function.UnaryOperator<String> shown) {
    this.shown = shown;
  }

  /**
   * Bytes read from the inputs so far, as they are read: what progress shows. {@link #bytes()}
   * counts a file when its scan ends; this also counts the files still being read.
   */
  public long bytesSoFar() {
    return bytes.sum() + inFlight.sum();
  }

  /** The input most recently opened, for progress, as it may be printed; null before the first. */
  public String current() {
    String c = current;
    if (c == null) {
      return null;
    }
    String[] last = lastShown;
    if (c.equals(last[0])) {
      return last[1];
    }
    String s = shown.apply(c);
    lastShown = new String[] {c, s};
    return s;
  }

  /**
   * {@code in} counted into {@link #bytesSoFar()} as it is read, and {@code path} made the
   * current input. Closing the meter takes its count back out (the scan adds the input's total
   * to {@link #bytes()} when it ends) and closes {@code in} when {@code closeIn}.
   */
  public InputStream meter(InputStream in, String path, boolean closeIn) {
    current = path;
    return new Meter(in, closeIn);
  }

  private final class Meter extends FilterInputStream {
    private final boolean closeIn;
    private long count;
    private boolean closed;

    Meter(InputStream in, boolean closeIn) {
      super(in);
      this.closeIn = closeIn;
    }

    private void add(long n) {
      if (n > 0 && !closed) {
        count += n;
        inFlight.add(n);
      }
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      add(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = in.skip(n);
      add(k);
      return k;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        inFlight.add(-count);
      }
      if (closeIn) {
        in.close();
      }
    }
  }

  /** Input files opened (archive members not counted). */
  public long files() {
    return files.sum();
  }

  /** Leaves read: files and archive members that reached a reader. */
  public long leaves() {
    return leaves.sum();
  }

  /** Bytes read from the inputs as stored (compressed bytes for compressed files). */
  public long bytes() {
    return bytes.sum();
  }

  public void addBytes(long n) {
    bytes.add(n);
  }

  public void addFile() {
    files.add(1);
  }

  public void addLeaf() {
    leaves.add(1);
  }

  public double seconds() {
    return (System.nanoTime() - startNanos.get()) / 1e9;
  }
}

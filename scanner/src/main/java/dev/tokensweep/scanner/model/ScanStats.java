package dev.tokensweep.scanner.model;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one scan, updated from many threads. */
public final class ScanStats {
  private final LongAdder files = new LongAdder();
  private final LongAdder leaves = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final AtomicLong startNanos = new AtomicLong(System.nanoTime());

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

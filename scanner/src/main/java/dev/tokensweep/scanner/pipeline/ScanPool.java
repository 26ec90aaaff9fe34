package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The threads of one scan: exactly {@code threads} scanning threads, and a bound on the files
 * queued for them, so the walk waits for a free slot instead of running ahead (or scanning a file
 * itself: CallerRunsPolicy did, so {@code --threads 2} scanned on three threads, and on two cores
 * the third one only added its own JIT warm-up and scratch memory). Used by the walking thread.
 *
 * <p>The walk that waits is woken only once the queue has drained to half, not at each file that
 * ends: with a semaphore per file, a directory of 20,000 small files cost the walking thread a
 * park and the scanning threads a wake-up (a futex call each) per file, ~0.36 s of CPU on a
 * 2-core machine where the walk competes with the scan. Nothing is kept per file once it ends,
 * so a walk of millions of files holds no more than the queue.
 */
final class ScanPool implements AutoCloseable {
  /**
   * Files queued or in scan per thread: enough that a thread never waits for the walk between
   * two wake-ups of it, and that the wake-ups are rare (the walk is woken each time half of this
   * has drained; at 8, a directory of 20,000 small files woke it 5,000 times with one thread, a
   * futex call on the scanning thread of ~20 us each, ~100 ms of its CPU; at 64, 20 ms), few
   * enough that the queue stays small (a queued file holds only its path and an empty findings
   * lane; only files in scan hold findings).
   */
  static final int QUEUED_PER_THREAD = 64;

  private final ExecutorService pool;
  /** Files submitted and not yet ended; the walk waits at {@link #high} until it falls to {@link #low}. */
  private int inFlight;
  private final int high;
  private final int low;
  private boolean walkWaits;
  /** What tasks that threw were, in the order they ended; reported once all have ended. */
  private final List<String> failures = new ArrayList<>();

  ScanPool(int threads) {
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "tokensweep-scan");
          t.setDaemon(true);
          return t;
        });
    this.high = threads * QUEUED_PER_THREAD;
    this.low = high / 2;
  }

  /** The threads, for work that is not a queued file (a file read in parts, read-ahead decompression). */
  ExecutorService executor() {
    return pool;
  }

  /**
   * Waits for a free slot, opens the file's lane with {@code lane} (in walk order, on this thread),
   * and runs {@code task} with it on a scanning thread; the lane is closed when the task ends.
   */
  void submit(Supplier<FindingOrder.Lane> lane, Consumer<FindingOrder.Lane> task) {
    synchronized (this) {
      boolean interrupted = false;
      while (inFlight >= high) {
        walkWaits = true;
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // as Semaphore.acquireUninterruptibly did: keep waiting, keep the flag
        }
      }
      inFlight++;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    FindingOrder.Lane l = lane.get();
    try {
      pool.execute(() -> {
        try {
          task.accept(l);
        } catch (RuntimeException | Error e) {
          failed(e);
        } finally {
          l.close();
          ended();
        }
      });
    } catch (RuntimeException e) {
      l.close();
      ended();
      throw e;
    }
  }

  private synchronized void failed(Throwable e) {
    failures.add("internal error: " + e.getClass().getSimpleName());
  }

  private synchronized void ended() {
    inFlight--;
    if (inFlight == 0 || (walkWaits && inFlight <= low)) {
      walkWaits = false;
      notifyAll();
    }
  }

  /** Waits for every file submitted; an interruption or a task that threw is a problem of the scan. */
  void awaitAll(Collector collector) {
    List<String> failed;
    synchronized (this) {
      try {
        while (inFlight > 0) {
          walkWaits = true;
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        collector.problem(new Problem("(scan)", Problem.Type.ERROR, "interrupted"));
      }
      failed = new ArrayList<>(failures);
    }
    for (String f : failed) {
      collector.problem(new Problem("(scan)", Problem.Type.INTERNAL, f));
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}

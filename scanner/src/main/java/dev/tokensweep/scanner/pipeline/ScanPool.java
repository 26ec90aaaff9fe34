package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The threads of one scan: exactly {@code threads} scanning threads, and a bound on the files
 * queued for them, so the walk waits for a free slot instead of running ahead (or scanning a file
 * itself: CallerRunsPolicy did, so {@code --threads 2} scanned on three threads, and on two cores
 * the third one only added its own JIT warm-up and scratch memory). Used by the walking thread.
 */
final class ScanPool implements AutoCloseable {
  /**
   * Files queued or in scan per thread: enough that a thread never waits for the walk, few enough
   * that the queue and the findings lanes the queued files hold open stay small.
   */
  static final int QUEUED_PER_THREAD = 4;

  private final ExecutorService pool;
  private final Semaphore slots;
  private final List<Future<?>> pending = Collections.synchronizedList(new ArrayList<>());

  ScanPool(int threads) {
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "tokensweep-scan");
          t.setDaemon(true);
          return t;
        });
    this.slots = new Semaphore(threads * QUEUED_PER_THREAD);
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
    slots.acquireUninterruptibly();
    FindingOrder.Lane l = lane.get();
    try {
      pending.add(pool.submit(() -> {
        try {
          task.accept(l);
        } finally {
          l.close();
          slots.release();
        }
      }));
    } catch (RuntimeException e) {
      l.close();
      slots.release();
      throw e;
    }
  }

  /** Waits for every file submitted; an interruption or a task that threw is a problem of the scan. */
  void awaitAll(Collector collector) {
    for (Future<?> f : new ArrayList<>(pending)) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        collector.problem(new Problem("(scan)", Problem.Type.ERROR, "interrupted"));
        break;
      } catch (ExecutionException e) {
        collector.problem(new Problem("(scan)", Problem.Type.INTERNAL, "internal error: " + e.getCause().getClass().getSimpleName()));
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}

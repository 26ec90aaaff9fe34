package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanStats;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The walk's queue of files: every file scanned once, the queue bounded, a task that throws reported. */
class ScanPoolTest {

  @Test
  void submit_manyFiles_eachRunsOnce_queueStaysBounded_awaitAllWaitsForAll() {
    int files = 3000;
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    int maxQueued = 0;
    FindingOrder order = new FindingOrder(f -> { }, 16);
    Collector collector = new Collector(ScanListener.NONE, null, s -> s, s -> s);
    try (ScanPool pool = new ScanPool(2)) {
      for (int i = 0; i < files; i++) {
        int k = i;
        pool.submit(order::open, lane -> {
          ran.incrementAndGet();
          if (k % 7 == 0) {
            Thread.onSpinWait(); // uneven tasks, so the queue fills and drains
            busy(20_000);
          }
          ended.incrementAndGet();
        });
        maxQueued = Math.max(maxQueued, i + 1 - ended.get());
      }
      pool.awaitAll(collector);
      assertEquals(files, ran.get(), "every file submitted is scanned once");
      assertEquals(files, ended.get(), "awaitAll returns only once every file has ended");
    }
    assertTrue(maxQueued <= 2 * ScanPool.QUEUED_PER_THREAD,
        "the walk never runs more than the queue ahead of the scan: " + maxQueued);
    assertTrue(collector.result(new ScanStats()).problems().isEmpty());
  }

  @Test
  void submit_taskThrows_problemOfTheScan_otherFilesStillScanned() {
    AtomicInteger ran = new AtomicInteger();
    FindingOrder order = new FindingOrder(f -> { }, 16);
    Collector collector = new Collector(ScanListener.NONE, null, s -> s, s -> s);
    try (ScanPool pool = new ScanPool(2)) {
      for (int i = 0; i < 100; i++) {
        int k = i;
        pool.submit(order::open, lane -> {
          if (k == 40) {
            throw new IllegalStateException("a message that could quote input");
          }
          ran.incrementAndGet();
        });
      }
      pool.awaitAll(collector);
    }
    assertEquals(99, ran.get());
    List<Problem> problems = collector.result(new ScanStats()).problems();
    assertEquals(1, problems.size());
    assertEquals(Problem.Type.INTERNAL, problems.get(0).type());
    assertEquals("internal error: IllegalStateException", problems.get(0).message(), "the class, never the message");
  }

  private static long busy(int n) {
    long x = 0;
    for (int i = 0; i < n; i++) {
      x += i * 31L ^ x;
    }
    return x;
  }
}

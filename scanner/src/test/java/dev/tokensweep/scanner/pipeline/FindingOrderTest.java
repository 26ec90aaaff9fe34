package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Lanes go out in the order they were opened, and the findings held for later lanes are bounded
 * in all lanes together: lanes whose tasks have ended still hold theirs until the head ends.
 */
class FindingOrderTest {

  private static Finding at(long offset) {
    return new Finding(new Location("app.log", null, null, offset, null, null, null, null, null, null, null, null, null),
        null, null);
  }

  private static List<Long> offsets(List<Finding> fs) {
    List<Long> out = new ArrayList<>();
    for (Finding f : fs) {
      out.add(f.location().offset());
    }
    return out;
  }

  @Test
  void endedLanesBehindASlowHead_holdAtMostTheBound_theNextWaits() throws Exception {
    List<Finding> out = Collections.synchronizedList(new ArrayList<>());
    FindingOrder order = new FindingOrder(out::add, 4);
    FindingOrder.Lane head = order.open();
    FindingOrder.Lane second = order.open();
    FindingOrder.Lane third = order.open();
    // the second file ends while the first is still in scan: its findings wait for their turn
    for (long i = 10; i < 13; i++) {
      second.accept(at(i));
    }
    second.close();
    third.accept(at(20));
    assertEquals(4, order.buffered());
    // a fifth held finding would pass the bound: the third file's task waits
    CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> third.accept(at(21)));
    try {
      blocked.get(300, TimeUnit.MILLISECONDS);
      throw new AssertionError("a later lane held more than the bound");
    } catch (TimeoutException expected) {
      // waiting, as it should
    }
    assertEquals(4, order.buffered());
    // the head never waits, and writes through
    for (long i = 0; i < 6; i++) {
      head.accept(at(i));
    }
    assertFalse(blocked.isDone());
    head.close(); // the second lane goes out whole, the third becomes the head and goes on
    blocked.get(10, TimeUnit.SECONDS);
    third.close();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 10L, 11L, 12L, 20L, 21L), offsets(out));
    assertEquals(0, order.buffered());
  }

  @Test
  void manyLanesOnThreads_outInOpenOrder_neverMoreHeldThanTheBound() throws Exception {
    List<Finding> out = Collections.synchronizedList(new ArrayList<>());
    int bound = 16;
    FindingOrder order = new FindingOrder(out::add, bound);
    List<CompletableFuture<Void>> tasks = new ArrayList<>();
    int[] mostHeld = {0};
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      for (int lane = 0; lane < 40; lane++) {
        FindingOrder.Lane l = order.open();
        int k = lane;
        tasks.add(CompletableFuture.runAsync(() -> {
          try {
            for (int i = 0; i < (k % 5) * 7; i++) {
              l.accept(at(k * 1000L + i));
              synchronized (mostHeld) {
                mostHeld[0] = Math.max(mostHeld[0], order.buffered());
              }
            }
          } finally {
            l.close();
          }
        }, pool));
      }
      for (CompletableFuture<Void> t : tasks) {
        t.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Long> got = offsets(out);
    List<Long> sorted = new ArrayList<>(got);
    Collections.sort(sorted);
    assertEquals(sorted, got, "lanes out in the order they were opened, each in its own order");
    int expected = 0;
    for (int k = 0; k < 40; k++) {
      expected += (k % 5) * 7;
    }
    assertEquals(expected, got.size());
    assertTrue(mostHeld[0] <= bound, "held at most the bound: " + mostHeld[0]);
  }
}

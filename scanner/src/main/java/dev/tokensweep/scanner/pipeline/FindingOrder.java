package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Finding;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Puts the findings of scan tasks that run in parallel into one sequence that depends only on the
 * input and not on thread timing, so a streamed report is the same from run to run: each task (a
 * file, a part of a large file, stdin) opens a {@link Lane} in the order the walk meets it, and
 * lanes go out in that order. The head lane writes straight through; later lanes buffer, and a
 * later lane's task waits once all lanes together hold {@code bound} findings, until its lane is
 * the head or the head's end drains some: memory stays bounded whatever the input holds, also
 * when tasks that ended run far ahead of a slow head (their closed lanes still hold findings:
 * counted per lane, as it was, a slow first file let the other threads finish file after file,
 * each keeping up to the lane bound).
 *
 * <p>Waiting cannot deadlock: lanes are opened in the order their tasks are submitted to a FIFO
 * pool, so when a later lane's task runs, the head lane's task already runs (or has closed its
 * lane), and the head never waits.
 */
final class FindingOrder {
  private final Consumer<Finding> out;
  private final int bound;
  private final ArrayDeque<Lane> lanes = new ArrayDeque<>();
  /** Findings held in all lanes' buffers. */
  private int buffered;

  /**
   * @param out receives every finding, from one thread at a time, in lane order
   * @param bound findings held in all lanes at most, before a task that is not the head waits
   */
  FindingOrder(Consumer<Finding> out, int bound) {
    this.out = out;
    this.bound = Math.max(1, bound);
  }

  /** Findings held now, waiting for their lane's turn (for tests). */
  synchronized int buffered() {
    return buffered;
  }

  /** A new lane after every lane opened before; open it where the task is submitted, not where it runs. */
  synchronized Lane open(UnaryOperator<Finding> map) {
    Lane l = new Lane(map);
    lanes.addLast(l);
    return l;
  }

  synchronized Lane open() {
    return open(UnaryOperator.identity());
  }

  /** One task's findings. {@link #close()} it when the task ends, however it ends. */
  final class Lane implements Consumer<Finding> {
    private final ArrayDeque<Finding> buffer = new ArrayDeque<>();
    private final UnaryOperator<Finding> map;
    private boolean closed;

    /** @param map applied as each finding goes out (in lane order); null drops the finding */
    private Lane(UnaryOperator<Finding> map) {
      this.map = map;
    }

    @Override
    public void accept(Finding f) {
      synchronized (FindingOrder.this) {
        boolean interrupted = false;
        while (lanes.peekFirst() != this && buffered >= bound && !interrupted) {
          try {
            FindingOrder.this.wait();
          } catch (InterruptedException e) {
            interrupted = true; // the scan is being stopped: keep the finding, stop waiting
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        if (lanes.peekFirst() == this) {
          emit(f);
        } else {
          buffer.addLast(f);
          buffered++;
        }
      }
    }

    private void emit(Finding f) {
      Finding m = map.apply(f);
      if (m != null) {
        out.accept(m);
      }
    }

    /** No more findings come; later lanes may go out. Idempotent. */
    void close() {
      synchronized (FindingOrder.this) {
        closed = true;
        advance();
        FindingOrder.this.notifyAll();
      }
    }
  }

  /** Drains the head lane's buffer, and the next ones' while the head is closed. Holds the lock. */
  private void advance() {
    while (!lanes.isEmpty()) {
      Lane head = lanes.peekFirst();
      while (!head.buffer.isEmpty()) {
        buffered--;
        head.emit(head.buffer.pollFirst());
      }
      if (!head.closed) {
        return;
      }
      lanes.pollFirst();
    }
  }
}

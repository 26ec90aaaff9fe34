package dev.tokensweep.scanner.expand;

import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What one input file may still cost, and the problems found in it. One per input, used by one
 * thread. It keeps the stack of member streams open along the current branch so that a failure
 * deep down is reported once, at the level where it happened, and not again by every level above
 * that merely saw its stream end early.
 */
final class Budget {
  final ScanLimits limits;
  private final LongSupplier rawBytes;
  private final Consumer<Problem> sink;
  private final Set<String> reported = new HashSet<>();
  private final Deque<BoundedStream> open = new ArrayDeque<>();
  private long decoded;
  private long randomAccessBytes;
  private boolean exhausted;

  Budget(ScanLimits limits, LongSupplier rawBytes, Consumer<Problem> sink) {
    this.limits = limits;
    this.rawBytes = rawBytes;
    this.sink = sink;
  }

  /** Reports a problem once per location and type. */
  void problem(String location, Problem.Type type, String message) {
    if (reported.add(location + '\0' + type)) {
      sink.accept(new Problem(location, type, message));
    }
  }

  /** Bytes read from the input as stored: through its stream, or by a random-access reader. */
  long raw() {
    return rawBytes.getAsLong() + randomAccessBytes;
  }

  void readRandomAccess(long bytes) {
    randomAccessBytes += bytes;
  }

  long randomAccessBytes() {
    return randomAccessBytes;
  }

  long decoded() {
    return decoded;
  }

  /** Decoded bytes this input may still produce. */
  long remaining() {
    return exhausted ? 0 : Math.max(0, limits.maxTotalBytes() - decoded);
  }

  void addDecoded(long n) {
    decoded += n;
  }

  /** Stops the whole input: every member stream now ends and no further member is opened. */
  void exhaust() {
    exhausted = true;
  }

  boolean exhausted() {
    return exhausted;
  }

  void push(BoundedStream s) {
    open.push(s);
  }

  void pop(BoundedStream s) {
    open.remove(s);
  }

  /** Whether the input ran out of budget or a stream on the current branch already stopped (and said why). */
  boolean branchStopped() {
    if (exhausted) {
      return true;
    }
    for (BoundedStream s : open) {
      if (s.stopped()) {
        return true;
      }
    }
    return false;
  }
}

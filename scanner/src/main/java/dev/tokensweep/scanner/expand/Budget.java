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
  // decoded bytes not yet charged to a branch that was stopped for its ratio: what the input-wide
  // ratio compares with the input's stored size
  private long unchargedDecoded;
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

  /** {@code n} more bytes came out of a decoder on the current branch: they count for it and for every member holding it. */
  void addDecoded(long n) {
    decoded += n;
    unchargedDecoded += n;
    for (BoundedStream s : open) {
      s.addSubtree(n);
    }
  }

  /**
   * Checks the compression ratio of every member open on the current branch, outermost first,
   * then of the whole input. A member whose subtree (what it and everything nested in it decoded)
   * exceeds {@code maxRatio} times its own stored size is stopped with everything under it, and
   * its siblings go on: a nested bomb (42.zip) is cut at the member that holds it, after
   * {@code ratioThreshold} bytes, and not leaf by leaf. Its bytes are then charged to it, so the
   * input-wide check that follows compares only what is still being read with the input's size;
   * that check stops the whole input (many members that each stay under the threshold, such as an
   * overlapping zip whose entries all decode one kernel).
   */
  void checkRatios(BoundedStream reading) {
    double max = limits.maxRatio();
    long threshold = limits.ratioThreshold();
    java.util.Iterator<BoundedStream> outermostFirst = open.descendingIterator();
    while (outermostFirst.hasNext()) {
      BoundedStream s = outermostFirst.next();
      if (s.stopped()) {
        continue;
      }
      long sub = s.subtree();
      long stored = s.storedBytes();
      // a sparse member of holes only stores nothing at all: count it as one byte
      if (sub >= threshold && stored >= 0 && sub > max * Math.max(1, stored)) {
        s.tripRatio(sub, stored);
        for (BoundedStream t : open) { // head first: the members inside s, then s, then its holders
          if (t == s) {
            break;
          }
          t.halt();
        }
        charge(s, sub);
        return;
      }
    }
    long raw = raw();
    if (unchargedDecoded >= threshold && raw > 0 && unchargedDecoded > max * raw) {
      reading.tripInputRatio();
      exhaust();
    }
  }

  /** Takes a stopped member's decoded bytes out of the accounts of the members holding it and of the input's. */
  private void charge(BoundedStream stopped, long bytes) {
    unchargedDecoded -= bytes;
    boolean holder = false;
    for (BoundedStream t : open) {
      if (holder) {
        t.addSubtree(-bytes);
      }
      holder |= t == stopped;
    }
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

package dev.tokensweep.detectors.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Per thread and rule: the bytes at which the rule's anchored DFA recently died, so the same bytes
 * after the next hit are rejected by comparing a few words instead of walking the DFA again. A
 * request log repeats the same few shapes after its keywords on most lines
 * ({@code refresh_token status=}, {@code auth=bearer session_id=}, {@code device_code status=}):
 * ~1.1 M anchored walks of 13-18 bytes per 256 MB, each a chain of table loads that the keyword
 * walk has evicted from the cache by then.
 *
 * <p>Exact: an entry holds every byte the DFA read before it died (at most {@link #MAX_BYTES}), and
 * the DFA's verdict depends on those bytes alone, so text that starts with them is rejected by the
 * DFA as well. A walk that accepted before it died (a match may start there) is the walk that
 * finds where that match may end, and is not remembered, nor is one that read more bytes.
 * Holds at most {@link #ENTRIES} x {@link #MAX_BYTES} bytes of text that is no match start, in
 * the detector's per-thread scratch, as the window cache holds its windows. Not thread-safe.
 */
final class RejectedStarts {
  /** Bytes an entry holds at most: three words. */
  static final int MAX_BYTES = 24;
  /** Entries per rule: the shapes that follow a keyword in one log are few. */
  static final int ENTRIES = 4;
  private static final int STRIDE = 6; // per entry: its three words masked to its length, then the three masks
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long[] entries = new long[ENTRIES * STRIDE];
  private int size;
  private int next;
  // the last walk over the current buffer, to share steps with the next ({@link WindowFilter.Walk}),
  // and the detector's scan call it was made in: a walk is shared within one call only, as the
  // buffer's content may change between calls (a reader's chunk array is reused)
  private final WindowFilter.Walk walk = new WindowFilter.Walk();
  private int scan = -1;

  /**
   * For the last call that returned its {@code to} (the walk was alive there): the last position
   * at which a match may end before it, -1 for none, {@link WindowFilter.Walk#UNKNOWN} when that
   * walk did not keep count.
   */
  int lastAcceptBeforeEnd() {
    return walk.lastAtEnd;
  }

  /**
   * What {@link WindowFilter#anchoredMatchEnd} says for {@code buf[p]} with the filter {@code f},
   * which must be the one every call on this instance gives (the rule's): -1 when no match can
   * start at p, a rejection remembered here or found by the DFA.
   */
  int anchoredMatchEnd(WindowFilter f, byte[] buf, int p, int to) {
    walk.reset(); // nothing says the buffer is the last call's: no walk is shared
    return anchoredMatchEnd(f, buf, p, to, scan);
  }

  /**
   * {@link #anchoredMatchEnd(WindowFilter, byte[], int, int)} in the detector's scan call
   * numbered {@code scan}: a walk of the same call may share its steps with the last one.
   */
  int anchoredMatchEnd(WindowFilter f, byte[] buf, int p, int to, int scan) {
    if (scan != this.scan) {
      walk.reset();
      this.scan = scan;
    }
    if (p > to - MAX_BYTES || p < 0) {
      walk.lastAtEnd = WindowFilter.Walk.UNKNOWN;
      return f.anchoredMatchEnd(buf, p, to); // near the end the DFA may run out of input instead of dying
    }
    long a = (long) LONGS.get(buf, p);
    long b = (long) LONGS.get(buf, p + 8);
    long c = (long) LONGS.get(buf, p + 16);
    final long[] e = entries;
    for (int i = 0, end = size * STRIDE; i < end; i += STRIDE) {
      if (((a & e[i + 3]) == e[i]) && ((b & e[i + 4]) == e[i + 1]) && ((c & e[i + 5]) == e[i + 2])) {
        return -1;
      }
    }
    int r = f.anchoredMatchEndOrDeath(buf, p, to, walk);
    if (r >= -1) {
      return r;
    }
    int n = -2 - r; // the DFA died at the n-th byte, before it accepted anything
    if (n <= MAX_BYTES) {
      int i = next * STRIDE;
      next = (next + 1) % ENTRIES;
      size = Math.max(size, next == 0 ? ENTRIES : next);
      long ma = mask(n);
      long mb = mask(n - 8);
      long mc = mask(n - 16);
      e[i] = a & ma;
      e[i + 1] = b & mb;
      e[i + 2] = c & mc;
      e[i + 3] = ma;
      e[i + 4] = mb;
      e[i + 5] = mc;
    }
    return -1;
  }

  /** The low {@code n} bytes of a little-endian word (none for n <= 0, all for n >= 8). */
  static long mask(int n) {
    return n <= 0 ? 0 : n >= 8 ? -1L : (1L << (8 * n)) - 1;
  }
}

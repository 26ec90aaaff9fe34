package dev.tokensweep.detectors.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Per thread and rule: the bytes at which the DFA a keyword hit starts (the rule's anchored DFA, or
 * its after-keyword DFA from the keyword's end: {@link WindowFilter#keywordWalkOrDeath}) recently
 * died, so the same bytes after the next hit are rejected by comparing a few words instead of
 * walking the DFA again. A
 * request log repeats the same few shapes after its keywords on most lines
 * ({@code refresh_token status=}, {@code auth=bearer session_id=}, {@code device_code status=}):
 * ~1.1 M anchored walks of 13-18 bytes per 256 MB, each a chain of table loads that the keyword
 * walk has evicted from the cache by then.
 *
 * <p>Exact: an entry holds every byte the DFA read before it died (at most {@link #MAX_BYTES}), and
 * the DFA's verdict depends on those bytes alone, so text that starts with them is rejected by the
 * DFA as well.
 *
 * <p>Longer walks that died, and walks that accepted before they died (a token: where its match
 * may end), are remembered whole in a second, set-associative memo ({@link #WALK_SLOTS} walks of at
 * most {@link #MAX_WALK} bytes, a set of them chosen by their first 16 bytes): a gateway log carries the same
 * few tokens on thousands of lines, and each hit walked the token again, a chain of table loads
 * per byte (on a 1 GB log with one of 50 tokens on one line in 20, ~210 ms of a 3.3 s scan
 * thread). A hit there compares the walk's bytes and returns its answer; the walk is exact for
 * the same reason (a deterministic walk that read the same bytes dies at the same one, with the
 * same last accepting position). A walk alive at the end of its input is not remembered.
 * Both hold text (no match start, or a token) only in the detector's per-thread scratch, as the
 * window cache holds its windows. Not thread-safe.
 */
final class RejectedStarts {
  /** Bytes an entry holds at most: three words. */
  static final int MAX_BYTES = 24;
  /** Entries per rule: the shapes that follow a keyword in one log are few. */
  static final int ENTRIES = 4;
  private static final int STRIDE = 6; // per entry: its three words masked to its length, then the three masks
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Walks the second memo holds: {@link #WALK_SETS} sets (a power of two) of {@link #WALK_WAYS},
   * a set chosen by the walk's first 16 bytes. Several ways a set, since tokens of one kind begin
   * alike: every {@code Bearer eyJhbGciOiJSUzI1NiIs...} on a gateway log has the same 16.
   */
  static final int WALK_SETS = 16;
  static final int WALK_WAYS = 4;
  static final int WALK_SLOTS = WALK_SETS * WALK_WAYS;
  /**
   * Longer walks are not remembered: bounds the second memo at {@link #WALK_SLOTS} x this. A
   * bearer JWT's walk reads 700-800 bytes.
   */
  static final int MAX_WALK = 2048;

  private final long[] entries = new long[ENTRIES * STRIDE];
  // the second memo, made at its first entry: per slot the bytes read, their number (0: empty)
  // and the answer relative to the walk's start (-1: no match starts there)
  private byte[][] walkBytes;
  private int[] walkLengths;
  private int[] walkAnswers;
  private final byte[] walkNext = new byte[WALK_SETS]; // per set, the way its next walk replaces
  /** Answers the second memo gave (for tests). */
  long walkHits;
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
   * What {@link WindowFilter#keywordWalk} says for {@code buf[p]} with the filter {@code f},
   * which must be the one every call on this instance gives (the rule's): -1 when the walk dies
   * before it accepts (no match can start at p, or none has the keyword that ends there as its
   * first), a rejection remembered here or found by the DFA.
   */
  int walkEnd(WindowFilter f, byte[] buf, int p, int to) {
    walk.reset(); // nothing says the buffer is the last call's: no walk is shared
    return walkEnd(f, buf, p, to, scan);
  }

  /**
   * {@link #walkEnd(WindowFilter, byte[], int, int)} in the detector's scan call numbered
   * {@code scan}: a walk of the same call may share its steps with the last one.
   */
  int walkEnd(WindowFilter f, byte[] buf, int p, int to, int scan) {
    if (scan != this.scan) {
      walk.reset();
      this.scan = scan;
    }
    if (p > to - MAX_BYTES || p < 0) {
      walk.lastAtEnd = WindowFilter.Walk.UNKNOWN;
      return f.keywordWalk(buf, p, to); // near the end the DFA may run out of input instead of dying
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
    int set = walkSet(a, b);
    if (walkBytes != null) {
      for (int slot = set * WALK_WAYS, end = slot + WALK_WAYS; slot < end; slot++) {
        int n = walkLengths[slot];
        if (n > 0 && n <= to - p && Arrays.equals(walkBytes[slot], 0, n, buf, p, p + n)) {
          walkHits++;
          int v = walkAnswers[slot];
          return v < 0 ? -1 : p + v;
        }
      }
    }
    int r = f.keywordWalkOrDeath(buf, p, to, walk);
    if (r >= -1) {
      int died = walk.diedAt(p);
      if (died > 0) {
        remember(set, buf, p, died - p, r - p); // accepted, then died: a token and where it may end
      }
      return r;
    }
    int n = -2 - r; // the DFA died at the n-th byte, before it accepted anything
    if (n > MAX_BYTES) {
      remember(set, buf, p, n, -1);
    } else {
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

  /**
   * The second memo's set for a walk whose first 16 bytes are the words a and b: bytes a short
   * walk reads, mostly (a later word would place a token of 20 bytes by the text after it).
   */
  private static int walkSet(long a, long b) {
    long h = (a * 0x9E3779B97F4A7C15L ^ b) * 0xC2B2AE3D27D4EB4FL;
    return (int) (h >>> 60) & (WALK_SETS - 1);
  }

  /**
   * Remembers in set {@code set} of the second memo that the {@code n} bytes at {@code p} walk to
   * {@code answer} (relative to p, -1 for none), in the way the set replaces next.
   */
  private void remember(int set, byte[] buf, int p, int n, int answer) {
    if (n > MAX_WALK) {
      return;
    }
    if (walkBytes == null) {
      walkBytes = new byte[WALK_SLOTS][];
      walkLengths = new int[WALK_SLOTS];
      walkAnswers = new int[WALK_SLOTS];
    }
    int slot = set * WALK_WAYS + walkNext[set];
    walkNext[set] = (byte) ((walkNext[set] + 1) % WALK_WAYS);
    byte[] k = walkBytes[slot];
    if (k == null || k.length < n) {
      k = walkBytes[slot] = new byte[Math.max(n, 64)];
    }
    System.arraycopy(buf, p, k, 0, n);
    walkLengths[slot] = n;
    walkAnswers[slot] = answer;
  }

  /** The low {@code n} bytes of a little-endian word (none for n <= 0, all for n >= 8). */
  static long mask(int n) {
    return n <= 0 ? 0 : n >= 8 ? -1L : (1L << (8 * n)) - 1;
  }
}

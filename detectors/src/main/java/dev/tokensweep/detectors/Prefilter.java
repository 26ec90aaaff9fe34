package dev.tokensweep.detectors;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A multi-keyword Aho-Corasick automaton over bytes, ASCII case-insensitive. The transition table
 * is a flat {@code int[]} indexed by state and byte class: bytes that occur in no keyword share
 * one class, which keeps the table small enough to stay in cache. Immutable and thread-safe.
 */
public final class Prefilter {

  /** Receives each keyword occurrence: the keyword's index and the offset of its first byte. */
  @FunctionalInterface
  public interface HitSink {
    void hit(int keyword, int start);
  }

  private final byte[] byteClass = new byte[256];
  private final int classes;
  private final int[] delta;        // row (state * classes) + class -> row of next state, bit-inverted if it has outputs
  private final int[][] outputs;    // state -> keyword indexes that end here (fail chain included)
  private final int[] lengths;      // keyword index -> length in bytes
  private final int maxLength;
  private final List<String> keywords;

  public Prefilter(List<String> keywordList) {
    if (keywordList.isEmpty()) {
      throw new IllegalArgumentException("a prefilter needs at least one keyword");
    }
    this.keywords = List.copyOf(keywordList);
    byte[][] kw = new byte[keywords.size()][];
    lengths = new int[kw.length];
    for (int i = 0; i < kw.length; i++) {
      kw[i] = keywords.get(i).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      if (kw[i].length == 0) {
        throw new IllegalArgumentException("empty keyword");
      }
      lengths[i] = kw[i].length;
    }
    maxLength = Arrays.stream(lengths).max().getAsInt();
    // byte classes: class 0 for bytes in no keyword; upper-case ASCII shares the lower-case class
    int next = 1;
    for (byte[] k : kw) {
      for (byte b : k) {
        int u = b & 0xFF;
        if (byteClass[u] == 0) {
          if (next > 127) {
            throw new IllegalArgumentException("too many distinct keyword bytes");
          }
          byteClass[u] = (byte) next++;
        }
      }
    }
    for (int c = 'a'; c <= 'z'; c++) {
      byteClass[c - 32] = byteClass[c];
    }
    classes = next;
    // trie
    List<int[]> go = new ArrayList<>();
    List<List<Integer>> out = new ArrayList<>();
    go.add(filled(classes));
    out.add(new ArrayList<>());
    for (int i = 0; i < kw.length; i++) {
      int s = 0;
      for (byte b : kw[i]) {
        int c = byteClass[b & 0xFF];
        if (go.get(s)[c] < 0) {
          go.get(s)[c] = go.size();
          go.add(filled(classes));
          out.add(new ArrayList<>());
        }
        s = go.get(s)[c];
      }
      out.get(s).add(i);
    }
    // breadth-first failure links, folded into a complete DFA
    int states = go.size();
    int[] fail = new int[states];
    delta = new int[states * classes];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int c = 0; c < classes; c++) {
      int t = go.get(0)[c];
      if (t < 0) {
        delta[c] = 0;
      } else {
        delta[c] = t;
        fail[t] = 0;
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      out.get(s).addAll(out.get(fail[s]));
      for (int c = 0; c < classes; c++) {
        int t = go.get(s)[c];
        if (t < 0) {
          delta[s * classes + c] = delta[fail[s] * classes + c];
        } else {
          delta[s * classes + c] = t;
          fail[t] = delta[fail[s] * classes + c];
          queue.add(t);
        }
      }
    }
    outputs = new int[states][];
    for (int st = 0; st < states; st++) {
      outputs[st] = out.get(st).stream().mapToInt(Integer::intValue).distinct().toArray();
    }
    // rows instead of state numbers, and the output flag in the sign bit: the hot loop then does
    // one load from each table per byte and one sign test, with no multiply and no branch on state
    for (int i = 0; i < delta.length; i++) {
      int t = delta[i];
      delta[i] = outputs[t].length != 0 ? ~(t * classes) : t * classes;
    }
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }

  public List<String> keywords() {
    return keywords;
  }

  public int keywordLength(int keyword) {
    return lengths[keyword];
  }

  /** Inputs shorter than this are walked as one stream. */
  static final int TWO_STREAMS = 4096;
  private static final int BLOCK = 4096;

  /**
   * Reports every keyword occurrence that starts at or after {@code from} and ends by {@code to},
   * in order of their last byte.
   */
  public void scan(byte[] buf, int from, int to, HitSink sink) {
    if (to - from < TWO_STREAMS) {
      walk(buf, from, to, 0, sink);
      return;
    }
    // One walk is a chain of dependent table loads, about 6 cycles a byte (JMH prefilter on
    // 8 MiB of generated log went 42 -> 16 ms when the root-state skip loop, which two thirds of
    // log bytes defeat, gave way to the plain walk). Two walks over the two halves are
    // independent chains the CPU runs side by side. The second starts maxLength - 1 bytes before
    // the middle, in the root state, so it sees every keyword ending in its half. The inner loop
    // only notes (position, row) of flagged rows in a block-sized array, with no bounds check of
    // its own and no call: recording hits inline with growth checks or sink calls cost the
    // second chain its speed (measured ~430 MB/s against ~910 MB/s this way). The first half's
    // hits are reported after each block, the second half's held until the first is done.
    final byte[] cls = byteClass;
    final int[] d = delta;
    int mid = from + (to - from) / 2;
    int bFrom = Math.max(from, mid - maxLength + 1);
    int steps = mid - from;
    long[] noted = new long[2 * BLOCK];
    long[] held = new long[64];
    int nHeld = 0;
    int[] rows = new int[2];
    for (int x0 = 0; x0 < steps; x0 += BLOCK) {
      long counts = walkTwo(buf, cls, d, from, bFrom, x0, Math.min(steps, x0 + BLOCK), noted, rows);
      int na = (int) (counts >>> 32);
      int nb = (int) counts;
      for (int h = 0; h < na; h++) {
        report(noted[h], sink);
      }
      for (int h = BLOCK; h < nb; h++) {
        if ((int) (noted[h] >>> 32) >= mid) { // a keyword ending before mid belongs to the first walk
          if (nHeld == held.length) {
            held = Arrays.copyOf(held, nHeld * 2);
          }
          held[nHeld++] = noted[h];
        }
      }
    }
    for (int h = 0; h < nHeld; h++) {
      report(held[h], sink);
    }
    walk(buf, bFrom + steps, to, rows[1], sink);
  }

  /**
   * Steps {@code x0..x1} of both walks from {@code rows}; notes flagged rows of the first walk
   * from {@code noted[0]}, of the second from {@code noted[BLOCK]}; returns both counts packed
   * and leaves the rows in {@code rows}.
   *
   * <p>Unrolled twice, which also keeps it above C2's inlining limit for hot methods (325
   * bytecodes, FreqInlineSize) so it is compiled on its own: inlined into scan, next to the sink
   * calls, C2 lost the second chain (100 MB, CPU time: 395 MB/s inlined, 810 MB/s not, 520 MB/s
   * for the single walk). {@code PrefilterTest} checks the result, not the speed.
   */
  private static long walkTwo(byte[] buf, byte[] cls, int[] d, int a, int b, int x0, int x1, long[] noted, int[] rows) {
    int ra = rows[0];
    int rb = rows[1];
    int na = 0;
    int nb = BLOCK;
    int x = x0;
    for (; x + 2 <= x1; x += 2) {
      ra = d[ra + cls[buf[a + x] & 0xFF]];
      if (ra < 0) {
        ra = ~ra;
        noted[na++] = (long) (a + x) << 32 | ra;
      }
      rb = d[rb + cls[buf[b + x] & 0xFF]];
      if (rb < 0) {
        rb = ~rb;
        noted[nb++] = (long) (b + x) << 32 | rb;
      }
      ra = d[ra + cls[buf[a + x + 1] & 0xFF]];
      if (ra < 0) {
        ra = ~ra;
        noted[na++] = (long) (a + x + 1) << 32 | ra;
      }
      rb = d[rb + cls[buf[b + x + 1] & 0xFF]];
      if (rb < 0) {
        rb = ~rb;
        noted[nb++] = (long) (b + x + 1) << 32 | rb;
      }
    }
    for (; x < x1; x++) {
      ra = d[ra + cls[buf[a + x] & 0xFF]];
      if (ra < 0) {
        ra = ~ra;
        noted[na++] = (long) (a + x) << 32 | ra;
      }
      rb = d[rb + cls[buf[b + x] & 0xFF]];
      if (rb < 0) {
        rb = ~rb;
        noted[nb++] = (long) (b + x) << 32 | rb;
      }
    }
    rows[0] = ra;
    rows[1] = rb;
    return (long) na << 32 | nb;
  }

  /** Reports the keywords of a noted (last byte << 32 | row). */
  private void report(long note, HitSink sink) {
    int i = (int) (note >>> 32);
    for (int kw : outputs[(int) note / classes]) {
      sink.hit(kw, i - lengths[kw] + 1);
    }
  }

  /** The plain walk from {@code row}: one table load a byte, outputs flagged by the sign bit. */
  private void walk(byte[] buf, int from, int to, int row, HitSink sink) {
    final byte[] cls = byteClass;
    final int[] d = delta;
    for (int i = from; i < to; i++) {
      row = d[row + cls[buf[i] & 0xFF]];
      if (row < 0) {
        row = ~row;
        for (int kw : outputs[row / classes]) {
          sink.hit(kw, i - lengths[kw] + 1);
        }
      }
    }
  }
}

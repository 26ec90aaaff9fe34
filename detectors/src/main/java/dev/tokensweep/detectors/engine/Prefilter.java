package dev.tokensweep.detectors.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A multi-keyword Aho-Corasick automaton over bytes, ASCII case-insensitive. The transition table
 * is a flat {@code char[]}, 256 entries a state: the next state, with the top bit set when it ends
 * a keyword. Indexing by the byte itself, not by a byte class, saves the walk one dependent load a
 * byte (the prefilter alone over 100 MB of generated log: 130 -> 107 ms, with the 116 keywords
 * of the time). For the catalogue's 667 keywords (4,254 states) the table takes 2.2 MB, of which
 * a few hundred rows are hot; by byte class (53 classes, rows of 64) it would take a quarter of
 * that, and the walk was slower still (in process, the six walks over 256 MB of a request log with
 * repeating tokens: 242-262 ms against 222-232; corpus/bench/README.md, item 115).
 * Thread-safe: the only change after construction is {@link #quiet}, which only ever stops a
 * hit from being reported that the caller has said no rule can use.
 */
public final class Prefilter {

  /** Receives each keyword occurrence: the keyword's index and the offset of its first byte. */
  @FunctionalInterface
  public interface HitSink {
    void hit(int keyword, int start);
  }

  private final char[] table;       // (state << 8) + byte -> next state, | FLAG when it has outputs
  private static final int FLAG = 0x8000;
  /** States the table can number: 15 bits (a few thousand keywords). */
  static final int MAX_STATES = FLAG;
  private final int[][] outputs;    // state -> keyword indexes that end here (fail chain included)
  private final int[] lengths;      // keyword index -> length in bytes
  private final int maxLength;
  private final List<String> keywords;
  // per keyword, the case of its last byte in which the caller cannot use a hit: bit 0 lower, bit 1 upper (quiet)
  private final byte[] quiet;

  public Prefilter(List<String> keywordList) {
    if (keywordList.isEmpty()) {
      throw new IllegalArgumentException("a prefilter needs at least one keyword");
    }
    this.keywords = List.copyOf(keywordList);
    byte[][] kw = new byte[keywords.size()][];
    lengths = new int[kw.length];
    for (int i = 0; i < kw.length; i++) {
      kw[i] = keywordBytes(i);
      if (kw[i].length == 0) {
        throw new IllegalArgumentException("empty keyword");
      }
      lengths[i] = kw[i].length;
    }
    maxLength = Arrays.stream(lengths).max().getAsInt();
    quiet = new byte[kw.length];
    // byte classes while building: class 0 for bytes in no keyword; upper-case ASCII shares the lower-case class
    byte[] byteClass = new byte[256];
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
    int classes = next;
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
    if (states > MAX_STATES) {
      throw new IllegalArgumentException("too many keywords for the prefilter: " + kw.length + " keywords make "
          + states + " automaton states, at most " + MAX_STATES);
    }
    int[] fail = new int[states];
    int[] delta = new int[states * classes];
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
    // by byte, not class, and the output flag in the top bit: the hot loop then does one table
    // load a byte and one flag test, with no class lookup and no multiply
    table = new char[states << 8];
    for (int st = 0; st < states; st++) {
      for (int b = 0; b < 256; b++) {
        int t = delta[st * classes + byteClass[b]];
        table[st << 8 | b] = (char) (outputs[t].length != 0 ? t | FLAG : t);
      }
    }
  }

  /**
   * Stops reporting {@code keyword} where its last byte, a letter, is in upper case when
   * {@code upper}, else in lower case: the caller knows that no rule can use such a hit. A
   * state's flag on that byte is cleared once every keyword that ends there is quiet in that
   * case (they all end in the same letter), so the walk no longer notes anything there. The
   * scan threads read the table without a lock: one that reads an entry before the change
   * reports a hit its caller rejects, as before.
   */
  public synchronized void quiet(int keyword, boolean upper) {
    int bit = upper ? 2 : 1;
    if ((quiet[keyword] & bit) != 0) {
      return;
    }
    quiet[keyword] |= bit;
    byte[] k = keywordBytes(keyword);
    int last = k[k.length - 1] & 0xFF;
    if (last < 'a' || last > 'z') {
      return; // no case to tell apart
    }
    int b = upper ? last - 32 : last;
    for (int s = 0; s < outputs.length; s++) {
      boolean ends = false;
      boolean allQuiet = true;
      for (int x : outputs[s]) {
        ends |= x == keyword;
        allQuiet &= (quiet[x] & bit) != 0;
      }
      if (!ends || !allQuiet) {
        continue;
      }
      for (int t = 0; t < outputs.length; t++) {
        int i = t << 8 | b;
        if ((table[i] & (FLAG - 1)) == s) {
          table[i] = (char) s;
        }
      }
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

  /** Keyword {@code keyword} as the walk matches it: ASCII lower case, UTF-8. A new array. */
  public byte[] keywordBytes(int keyword) {
    return keywords.get(keyword).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
  }

  public int keywordLength(int keyword) {
    return lengths[keyword];
  }

  /** Inputs shorter than this are walked as one stream: below it, starting the second walk costs more than it saves. */
  static final int TWO_STREAMS = 4096;
  /** Walks interleaved over a longer input: independent load chains the CPU overlaps (six beat four, measured in 932f866). */
  static final int STREAMS = 6;
  /** Positions noted per walk before they are reported: the per-thread buffer is STREAMS x BLOCK longs (192 KB). */
  private static final int BLOCK = 4096;
  /** Held notes a stream keeps between scans on its thread; a larger array (a chunk dense with hits) is let go. */
  private static final int RETAIN_HELD = 1 << 14;
  private static final ThreadLocal<Notes> NOTES = ThreadLocal.withInitial(Notes::new);

  /**
   * A thread's arrays for {@link #scan}: the block of notes, and the notes of streams 1-5 held
   * until the streams before them are reported. Kept between scans: a keyword-rich log (a
   * gateway's {@code token}, {@code auth}, {@code bearer} on every line, ~10,000 hits a MiB)
   * grew new held arrays from 64 longs in every chunk, and their copies and first-touch page
   * faults cost ~50 ms of a 256 MB scan.
   */
  private static final class Notes {
    final long[] noted = new long[STREAMS * BLOCK];
    final long[][] held = new long[STREAMS][];
    final int[] nHeld = new int[STREAMS];
    final int[] state = new int[2 * STREAMS];
  }

  /**
   * Reports every keyword occurrence that starts at or after {@code from} and ends by {@code to},
   * in order of their last byte.
   */
  public void scan(byte[] buf, int from, int to, HitSink sink) {
    if (to - from < TWO_STREAMS || to - from < STREAMS * maxLength) {
      walk(buf, from, to, 0, sink);
      return;
    }
    // One walk is a chain of dependent table loads, about 6 cycles a byte (JMH prefilter on
    // 8 MiB of generated log went 42 -> 16 ms when the root-state skip loop, which two thirds of
    // log bytes defeat, gave way to the plain walk). Walks over the six sixths are independent
    // chains the CPU runs side by side. Each but the first starts maxLength - 1 bytes before its
    // sixth, in the root state, so it sees every keyword ending in it. The inner loop only notes
    // (position, state) of flagged states in a block-sized array, with no bounds check of its own
    // and no call: recording hits inline with growth checks or sink calls cost the second chain
    // its speed (measured ~430 MB/s against ~910 MB/s this way). The first sixth's hits are
    // reported after each block, the others' held until the ones before are done.
    final char[] d = table;
    // Six walks (two at first, four since perf3; a standalone copy of the loop over 100 MB of
    // generated log: four 107 ms, six 81 ms, eight 94 ms, as eight spill registers): stream k
    // starts in the root state at from + k * stride and takes stride + maxLength - 1 steps, so it
    // sees every keyword ending in [from + k * stride + maxLength - 1, from + (k + 1) * stride +
    // maxLength - 1); streams 1-5 drop hits ending before that, which the stream before reports.
    // The last one walks on to `to`.
    int ml1 = maxLength - 1;
    int stride = (to - from - ml1) / STREAMS;
    int steps = stride + ml1;
    // per thread (a fresh array a chunk kept one-thread peak RSS ~55 MB higher); taken out while
    // in use, so a sink that scans again on this thread gets arrays of its own
    Notes notes = NOTES.get();
    if (notes == null) {
      notes = new Notes();
    } else {
      NOTES.set(null);
    }
    long[] noted = notes.noted;
    long[][] held = notes.held;
    int[] nHeld = notes.nHeld;
    int[] state = notes.state;
    Arrays.fill(nHeld, 0);
    Arrays.fill(state, 0);
    for (int x0 = 0; x0 < steps; x0 += BLOCK) {
      walkSix(buf, d, from, stride, x0, Math.min(steps, x0 + BLOCK), noted, state);
      for (int h = 0; h < state[STREAMS]; h++) {
        report(noted[h], sink);
      }
      for (int k = 1; k < STREAMS; k++) {
        int own = from + k * stride + ml1;
        for (int h = k * BLOCK; h < state[STREAMS + k]; h++) {
          if ((int) (noted[h] >>> 32) >= own) {
            if (held[k] == null) {
              held[k] = new long[64];
            } else if (nHeld[k] == held[k].length) {
              held[k] = Arrays.copyOf(held[k], nHeld[k] * 2);
            }
            held[k][nHeld[k]++] = noted[h];
          }
        }
      }
    }
    for (int k = 1; k < STREAMS; k++) {
      for (int h = 0; h < nHeld[k]; h++) {
        report(held[k][h], sink);
      }
      if (held[k] != null && held[k].length > RETAIN_HELD) {
        held[k] = null;
      }
    }
    NOTES.set(notes);
    walk(buf, from + (STREAMS - 1) * stride + steps, to, state[STREAMS - 1], sink);
  }

  /**
   * Steps {@code x0..x1} of the six walks, stream k at {@code a + k * stride + x}, from the states
   * in {@code state[0..5]}; notes stream k's flagged states from {@code noted[k * BLOCK]}, leaves
   * the states in {@code state[0..5]} and the note ends in {@code state[6..11]}.
   *
   * <p>Above C2's inlining limit for hot methods (325 bytecodes, FreqInlineSize), so it is
   * compiled on its own: the two-walk version, inlined into scan next to the sink calls, lost its
   * second chain (100 MB, CPU time: 395 MB/s inlined, 810 MB/s not). {@code PrefilterTest}
   * checks the result, not the speed.
   */
  private static void walkSix(byte[] buf, char[] d, int a, int stride, int x0, int x1, long[] noted, int[] state) {
    int r0 = state[0];
    int r1 = state[1];
    int r2 = state[2];
    int r3 = state[3];
    int r4 = state[4];
    int r5 = state[5];
    int n0 = 0;
    int n1 = BLOCK;
    int n2 = 2 * BLOCK;
    int n3 = 3 * BLOCK;
    int n4 = 4 * BLOCK;
    int n5 = 5 * BLOCK;
    int b = a + stride;
    int c = b + stride;
    int e = c + stride;
    int f = e + stride;
    int g = f + stride;
    for (int x = x0; x < x1; x++) {
      r0 = d[r0 << 8 | (buf[a + x] & 0xFF)];
      r1 = d[r1 << 8 | (buf[b + x] & 0xFF)];
      r2 = d[r2 << 8 | (buf[c + x] & 0xFF)];
      r3 = d[r3 << 8 | (buf[e + x] & 0xFF)];
      r4 = d[r4 << 8 | (buf[f + x] & 0xFF)];
      r5 = d[r5 << 8 | (buf[g + x] & 0xFF)];
      if (((r0 | r1 | r2 | r3 | r4 | r5) & FLAG) != 0) {
        if (r0 >= FLAG) {
          r0 &= FLAG - 1;
          noted[n0++] = (long) (a + x) << 32 | r0;
        }
        if (r1 >= FLAG) {
          r1 &= FLAG - 1;
          noted[n1++] = (long) (b + x) << 32 | r1;
        }
        if (r2 >= FLAG) {
          r2 &= FLAG - 1;
          noted[n2++] = (long) (c + x) << 32 | r2;
        }
        if (r3 >= FLAG) {
          r3 &= FLAG - 1;
          noted[n3++] = (long) (e + x) << 32 | r3;
        }
        if (r4 >= FLAG) {
          r4 &= FLAG - 1;
          noted[n4++] = (long) (f + x) << 32 | r4;
        }
        if (r5 >= FLAG) {
          r5 &= FLAG - 1;
          noted[n5++] = (long) (g + x) << 32 | r5;
        }
      }
    }
    state[0] = r0;
    state[1] = r1;
    state[2] = r2;
    state[3] = r3;
    state[4] = r4;
    state[5] = r5;
    state[6] = n0;
    state[7] = n1;
    state[8] = n2;
    state[9] = n3;
    state[10] = n4;
    state[11] = n5;
  }

  /** Reports the keywords of a noted (last byte << 32 | state). */
  private void report(long note, HitSink sink) {
    int i = (int) (note >>> 32);
    for (int kw : outputs[(int) note]) {
      sink.hit(kw, i - lengths[kw] + 1);
    }
  }

  /** Whether any keyword occurs in {@code buf[from, to)}: the walk, stopped at the first. */
  public boolean containsAny(byte[] buf, int from, int to) {
    final char[] d = table;
    int state = 0;
    for (int i = from; i < to; i++) {
      state = d[state << 8 | (buf[i] & 0xFF)];
      if (state >= FLAG) {
        return true;
      }
    }
    return false;
  }

  /** The plain walk from {@code state}: one table load a byte, outputs flagged by the top bit. */
  private void walk(byte[] buf, int from, int to, int state, HitSink sink) {
    final char[] d = table;
    for (int i = from; i < to; i++) {
      state = d[state << 8 | (buf[i] & 0xFF)];
      if (state >= FLAG) {
        state &= FLAG - 1;
        for (int kw : outputs[state]) {
          sink.hit(kw, i - lengths[kw] + 1);
        }
      }
    }
  }
}

package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.LineCounting;

/**
 * The one pass over every byte of a segment that the layers share: it notes every maximal run of
 * at least {@link DecodingLayer#MIN_RUN} base64 bytes that the call owns (for {@link Base64Layer}),
 * where the {@code %} and {@code #} are (for {@link UrlLayer} and {@link RsyslogLayer}), and counts
 * the newlines for a line-counting locator ({@link LineCounting}). One per {@link LayeredSink};
 * its notes hold until the next {@link #scan}.
 *
 * <p>A block at a time, the bytes are classified into flags ({@link ByteScan#classify}, vectorized
 * by the JIT), then the flags are read 64 at a time, as masks of a bit a byte ({@link #scanGroups}):
 * log text breaks runs every few bytes, and a byte-at-a-time walk paid a mispredicted branch at
 * each break. The bytes themselves are read again only where the flags hint at a newline, '%' or
 * '#' (about one byte a line).
 */
final class SegmentPass {
  /**
   * Bytes per block of the pass (classified, then read), and the size of the copy block for
   * buffers too large for flags at their own indexes.
   */
  static final int CHECKPOINT = 8192;

  /**
   * Bytes between the places whose newline count a line-counting locator is told: a finding's
   * line is counted from the nearest, at most half this far away. At 8 KB (one a block) the
   * locator counted ~2 KB a finding, 45% of the bytes again on a log with a token every 4.6 KB.
   */
  static final int TELL = 1024;

  /** Bytes the pass reads as one: eight flag words, a bit a byte in a long. */
  static final int GROUP = 64;

  // the base64 runs the call owns, as start and end pairs
  int[] runs = new int[64];
  int nRuns;

  // positions of '%' and '#' in the segment
  int[] percents = new int[32];
  int nPercents;
  int[] hashes = new int[32];
  int nHashes;

  // the pass's state between blocks (scanGroups, and VectorPass's)
  int scanLines;
  /** The current run's first byte: the first byte after the last non-base64 one. */
  int runStart;

  /** Whether this pass runs as {@link VectorPass}. */
  private final boolean vector;

  SegmentPass() {
    this(VectorChoice.VECTOR);
  }

  /** A pass that runs as {@link VectorPass} when {@code vector}, which needs the module resolved. */
  SegmentPass(boolean vector) {
    this.vector = vector;
  }

  /**
   * Passes over {@code buf[from, to)}, noting runs, {@code %} and {@code #}; tells
   * {@code counting}, when not null, the newlines of the owned range as it goes and at the end.
   */
  void scan(byte[] buf, int from, int to, int ownFrom, int ownTo, LineCounting counting) {
    // room for a log's notes (a run every 64 bytes, a '%' or '#' every 256; the benchmark's logs
    // have a run every 83-172 bytes), so that passing again below is for denser segments: a
    // LayeredSink, and its pass, is made for each file
    int n = Math.max(0, to - from);
    if (runs.length < (n >> 5) + 2 || percents.length < (n >> 8) + 8 || hashes.length < (n >> 8) + 8) {
      runs = new int[Math.max(runs.length, ((n >> 5) + 3) & ~1)];
      percents = new int[Math.max(percents.length, (n >> 8) + 8)];
      hashes = new int[Math.max(hashes.length, (n >> 8) + 8)];
    }
    pass(buf, from, to, ownFrom, ownTo, counting);
    if (nRuns >= runs.length || nPercents >= percents.length || nHashes >= hashes.length) {
      // more notes than the arrays hold (the writes past their ends went to the last slot, the
      // counts went on): once more with room for them all, the newlines already told
      runs = new int[Math.max(runs.length, (nRuns + nRuns / 2 + 2) & ~1)];
      percents = new int[Math.max(percents.length, nPercents + nPercents / 2 + 1)];
      hashes = new int[Math.max(hashes.length, nHashes + nHashes / 2 + 1)];
      pass(buf, from, to, ownFrom, ownTo, null);
    }
    owned(from, ownFrom, ownTo);
  }

  /**
   * Keeps the runs this call {@link #owns}. The pass notes runs in order of their start, so the
   * others are a first few and a last few (where the segment overlaps its neighbours), dropped
   * here once instead of tested at every run.
   */
  private void owned(int from, int ownFrom, int ownTo) {
    int lo = 0;
    while (lo < nRuns && !owns(runs[lo], from, ownFrom, ownTo)) {
      lo += 2;
    }
    int hi = nRuns;
    while (hi > lo && !owns(runs[hi - 2], from, ownFrom, ownTo)) {
      hi -= 2;
    }
    if (lo > 0) {
      System.arraycopy(runs, lo, runs, 0, hi - lo);
    }
    nRuns = hi - lo;
  }

  /**
   * Whether a run that starts at {@code s} is decoded by the call over {@code [from, to)} that
   * owns {@code [ownFrom, ownTo)}: it starts in the owned range, and after {@code from} unless
   * from is ownFrom (a run at a segment's first byte may go on before it).
   */
  static boolean owns(int s, int from, int ownFrom, int ownTo) {
    return s >= ownFrom && s < ownTo && (s > from || from == ownFrom);
  }

  /** {@link #scan} once, with the arrays as they are. */
  private void pass(byte[] buf, int from, int to, int ownFrom, int ownTo, LineCounting counting) {
    nPercents = 0;
    nHashes = 0;
    nRuns = 0;
    // newlines in [from, i); those before ownFrom are not the owned range's
    int lines = counting == null ? 0 : -ByteScan.count(buf, from, Math.min(ownFrom, to), (byte) '\n');
    if (vector) {
      VectorPass.scan(this, buf, from, to, ownFrom, ownTo, counting, lines);
      return;
    }
    // flags at the bytes' own indexes (which keeps the classifying loop vectorized), or, for a
    // buffer larger than a text chunk (a long JSON string), a block at a time copied to index 0
    boolean atIndex = to <= Flags.MAX_AT_INDEX;
    // (a group's words are read whole: the flags past a last partial group's end are stale)
    byte[] flags = atIndex ? Flags.atLeast(to + GROUP) : Flags.atLeast(CHECKPOINT + GROUP);
    byte[] copy = atIndex ? null : Flags.block();
    scanLines = lines;
    runStart = from; // the current run starts after the last non-base64 byte
    int i = from;
    while (i < to) {
      int end = i + Math.min(CHECKPOINT, to - i);
      int base = 0; // flags[k - base] is the flag of buf[k]
      if (atIndex) {
        ByteScan.classify(buf, i, end, flags);
      } else {
        System.arraycopy(buf, i, copy, 0, end - i);
        ByteScan.classify(copy, 0, end - i, flags);
        base = i;
      }
      // the flags read a stretch at a time, the newlines so far told after each
      while (i < end) {
        int stop = counting == null ? end : Math.min(end, i + TELL);
        scanGroups(buf, flags, base, i, stop, to);
        i = stop;
        if (counting != null && i > ownFrom && i <= ownTo) {
          counting.newlinesBefore(i, scanLines);
        }
      }
    }
    finish(buf, i, to, runStart, scanLines, from, ownTo, counting);
  }

  /**
   * The bytes from {@code i} on one at a time, the current run starting at {@code runStart} and
   * {@code lines} newlines counted so far; then the last run, and the owned range's newlines to
   * {@code counting}. The end of both passes, the scalar one (which has read every byte by then,
   * and whose last run has ended at the segment's end) and {@link VectorPass}.
   */
  void finish(byte[] buf, int i, int to, int runStart, int lines, int from, int ownTo, LineCounting counting) {
    for (; i < to; i++) {
      if (ByteScan.base64Value(buf[i]) < 0) {
        lines += buf[i] == '\n' ? 1 : 0;
        special(buf, i);
        if (i - runStart >= DecodingLayer.MIN_RUN) {
          run(runStart, i);
        }
        runStart = i + 1;
      }
    }
    if (to - runStart >= DecodingLayer.MIN_RUN) {
      run(runStart, to);
    }
    if (counting != null) {
      // the owned range's newlines, from this pass over every byte: the reader needs no pass of its own
      counting.ownedNewlines(lines - ByteScan.count(buf, Math.max(ownTo, from), to, (byte) '\n'));
    }
  }

  /**
   * The flags of {@code [i, end)} (a multiple of {@link #GROUP} bytes, or ending at the segment's
   * end {@code to}, past which the bytes count as breaks) a group at a time: newlines
   * counted, '%' and '#' noted, runs ended. A group's eight flag words become two masks, a bit a
   * byte ({@link ByteScan#highBits}): where the bytes are not base64, and (only in a group that
   * holds one, about one in four of a log's) where a newline, '%' or '#' may be. A run ends at a
   * group's first break (when it began before the group) or lies between two of its breaks, where
   * four shifts find the places that 16 base64 bytes follow ({@link #runsBetween}); the next starts
   * after its last. Branches are taken at a hint, at a run of {@link DecodingLayer#MIN_RUN} or more
   * inside a group, and in a group with no break. Read eight flags a word at a time with a branch
   * on whether each word held a break (a quarter of a request log's words hold none, in no order a
   * predictor learns), this loop took ~1.3 ns a word; a group at a time, 28% less on 256 MB of a
   * request log (corpus/bench/README.md, item 105). The eight words are written out: as a loop of
   * eight, the pass took ~5% longer.
   */
  private void scanGroups(byte[] buf, byte[] flags, int base, int i, int end, int to) {
    int lines = scanLines;
    int start = runStart;
    for (; i < end; i += GROUP) {
      int k = i - base;
      long w0 = ByteScan.word(flags, k);
      long w1 = ByteScan.word(flags, k + 8);
      long w2 = ByteScan.word(flags, k + 16);
      long w3 = ByteScan.word(flags, k + 24);
      long w4 = ByteScan.word(flags, k + 32);
      long w5 = ByteScan.word(flags, k + 40);
      long w6 = ByteScan.word(flags, k + 48);
      long w7 = ByteScan.word(flags, k + 56);
      // the group's bytes before the segment's end (all but in a last, partial group)
      long inside = to - i >= GROUP ? -1L : (1L << (to - i)) - 1;
      if (ByteScan.hints(w0 | w1 | w2 | w3 | w4 | w5 | w6 | w7) != 0) {
        long hints = ByteScan.highBits(w0 << 1) | ByteScan.highBits(w1 << 1) << 8 | ByteScan.highBits(w2 << 1) << 16
            | ByteScan.highBits(w3 << 1) << 24 | ByteScan.highBits(w4 << 1) << 32 | ByteScan.highBits(w5 << 1) << 40
            | ByteScan.highBits(w6 << 1) << 48 | ByteScan.highBits(w7 << 1) << 56;
        lines += hinted(buf, i, hints & inside);
      }
      // past the segment's end, breaks: a run that reaches it ends there, as finish would end it
      long breaks = ByteScan.highBits(w0) | ByteScan.highBits(w1) << 8 | ByteScan.highBits(w2) << 16
          | ByteScan.highBits(w3) << 24 | ByteScan.highBits(w4) << 32 | ByteScan.highBits(w5) << 40
          | ByteScan.highBits(w6) << 48 | ByteScan.highBits(w7) << 56 | ~inside;
      if (breaks == 0) {
        continue; // base64 throughout: the run goes on
      }
      int first = i + Long.numberOfTrailingZeros(breaks);
      if (first - start >= DecodingLayer.MIN_RUN) {
        run(start, first);
      }
      int last = 63 - Long.numberOfLeadingZeros(breaks);
      for (long starts = runsBetween(breaks, last); starts != 0; starts &= starts - 1) {
        int s = Long.numberOfTrailingZeros(starts);
        run(i + s, i + Long.numberOfTrailingZeros(breaks & (-1L << s)));
      }
      start = i + last + 1;
    }
    scanLines = lines;
    runStart = start;
  }

  /**
   * The first bytes of the runs of {@link DecodingLayer#MIN_RUN} (16) base64 bytes or more that lie
   * between the first and the {@code last} break of a group, a bit each, from the group's
   * {@code breaks} (a bit a non-base64 byte).
   */
  static long runsBetween(long breaks, int last) {
    long b = ~breaks;
    // bit j: bytes j to j + 15 are base64 (with no byte past the group: a run that reaches the
    // group's end is the one the next group ends)
    b &= b >>> 1;
    b &= b >>> 2;
    b &= b >>> 4;
    b &= b >>> 8;
    b &= -(breaks & -breaks) << 1; // after the first break
    b &= (1L << last) - 1; // before the last
    return b & ~(b << 1); // where such a stretch begins: after a break
  }

  /** Counts the newlines and notes the '%' and '#' among the bytes at {@code i} that {@code hints} marks (a bit a byte). */
  private int hinted(byte[] buf, int i, long hints) {
    int lines = 0;
    for (; hints != 0; hints &= hints - 1) {
      int p = i + Long.numberOfTrailingZeros(hints);
      if (buf[p] == '\n') {
        lines++;
      } else {
        special(buf, p);
      }
    }
    return lines;
  }

  /**
   * Notes {@code buf[p]} when it is a '%' or a '#': every hinted byte ('!' and '\'' too) is written
   * at the next free place and counted only when it is one of them, and a place past the array's
   * end is its last ({@link #scan} then passes again with room). No branch at all: C2 compiles a
   * branch that its profile never saw taken as a trap, and the first '%' after a stretch of logs
   * without one (a directory's next kind of file), or the first segment with more of them than the
   * array held, sent the whole pass back to the interpreter.
   */
  void special(byte[] buf, int p) {
    int c = buf[p] & 0xFF;
    percents[Math.min(nPercents, percents.length - 1)] = p;
    nPercents += ((c ^ '%') - 1) >>> 31; // 1 for '%' (c ^ '%' is 0), else 0
    hashes[Math.min(nHashes, hashes.length - 1)] = p;
    nHashes += ((c ^ '#') - 1) >>> 31;
  }

  /**
   * Notes the maximal base64 run {@code [s, e)} (cut at {@link DecodingLayer#MAX_RUN}); {@link
   * #scan} then keeps the ones the call owns. Without a branch, as {@link #special}: written at
   * the next free pair, or the array's last past its end.
   */
  void run(int s, int e) {
    int k = Math.min(nRuns, runs.length - 2);
    runs[k] = s;
    runs[k + 1] = Math.min(e, s + DecodingLayer.MAX_RUN);
    nRuns += 2;
  }

  /**
   * The flag array {@link ByteScan#classify} fills, one per thread, as long as the largest buffer
   * seen up to {@link #MAX_AT_INDEX} (a flag sits at its byte's own index, which keeps the loop
   * vectorized), and a block-sized copy buffer for larger ones. A pass is done with them before
   * its layers decode anything, so the nested layers share them.
   */
  private static final class Flags {
    /**
     * Buffers up to this size get flags at their own indexes: text chunks and decoded runs (at
     * most {@link DecodingLayer#MAX_RUN}); the per-thread array then stays at most this large.
     */
    static final int MAX_AT_INDEX = 4 << 20;
    private static final ThreadLocal<byte[]> PER_THREAD = new ThreadLocal<>();
    private static final ThreadLocal<byte[]> BLOCK = ThreadLocal.withInitial(() -> new byte[CHECKPOINT]);

    static byte[] atLeast(int n) {
      byte[] f = PER_THREAD.get();
      if (f == null || f.length < n) {
        f = new byte[n];
        PER_THREAD.set(f);
      }
      return f;
    }

    static byte[] block() {
      return BLOCK.get();
    }
  }

  /**
   * Whether passes run as {@link VectorPass}: system property {@code tokensweep.vector} {@code on},
   * {@code off}, or {@code auto} (the default: on a JDK 25 or later, where it was measured faster
   * than the scalar pass; on JDK 17 it is several times slower). Never when the JVM did not resolve
   * {@code jdk.incubator.vector}, and never when its answer on a sample differs from the scalar
   * pass's (an incubating API may change under a later JDK).
   */
  static final class VectorChoice {
    static final boolean VECTOR = choose(System.getProperty("tokensweep.vector", "auto"));

    private VectorChoice() {}

    static boolean choose(String setting) {
      if (setting.equals("off") || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return false;
      }
      if (!setting.equals("on") && Runtime.version().feature() < 25) {
        return false;
      }
      try {
        return sameAsScalar();
      } catch (LinkageError | RuntimeException e) {
        return false;
      }
    }

    /** Both passes over a sample with runs, breaks, newlines, '%' and '#' either side of a step. */
    private static boolean sameAsScalar() {
      byte[] sample = ("GET /a?x=%41%2Fb#frag token=QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n"
          + "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgcnVu_-+/0123456789 % # \u00e9\n").repeat(5)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      SegmentPass scalar = new SegmentPass(false);
      SegmentPass vector = new SegmentPass(true);
      scalar.scan(sample, 3, sample.length, 3, sample.length - 7, null);
      vector.scan(sample, 3, sample.length, 3, sample.length - 7, null);
      return scalar.sameNotes(vector);
    }
  }

  /** Whether {@code o} noted the same runs, '%' and '#' as this pass. */
  boolean sameNotes(SegmentPass o) {
    return java.util.Arrays.equals(runs, 0, nRuns, o.runs, 0, o.nRuns)
        && java.util.Arrays.equals(percents, 0, nPercents, o.percents, 0, o.nPercents)
        && java.util.Arrays.equals(hashes, 0, nHashes, o.hashes, 0, o.nHashes);
  }
}

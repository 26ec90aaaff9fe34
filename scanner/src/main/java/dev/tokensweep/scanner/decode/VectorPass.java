package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.LineCounting;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SegmentPass}'s pass with the Vector API (the incubating {@code jdk.incubator.vector}):
 * 64 bytes a step become three 64-bit masks (not base64, newline, {@code %} or {@code #}) from a
 * few vector compares, and the runs are read from the first mask with bit operations, where the
 * scalar pass classifies every byte into a flag array and then reads the flags eight at a time.
 * It notes exactly what the scalar pass notes; the scalar pass is the reference
 * ({@code VectorPassTest} compares them on random segments).
 *
 * <p>Loaded only when the JVM resolved the module ({@code --add-modules jdk.incubator.vector},
 * what the launcher adds with {@code TOKENSWEEP_VECTOR=1}) and {@link SegmentPass} chose it. On
 * JDK 17 the same code is several times slower than the scalar pass (its masks are not compiled
 * to vector instructions); on JDK 25, in a loop of its own over a 256 MB log, 95 against 150-190
 * ms, and in a scan the decoding pass takes ~25% less (corpus/bench/README.md, item 57).
 */
final class VectorPass {
  /**
   * Vectors of 256 bits where the CPU has them (AVX2 and up), else the CPU's own (128 on NEON and
   * SSE): with 512-bit vectors the pass itself was faster, but the core ran slower for the keyword
   * walk after it (AVX-512's frequency licence): the walk took ~12% longer and the scan thread as
   * long as with the scalar pass.
   */
  private static final VectorSpecies<Byte> S =
      ByteVector.SPECIES_PREFERRED.length() >= 32 ? ByteVector.SPECIES_256 : ByteVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int STEP = 64;
  /** A bit for each lane of a vector. */
  private static final long LANES = L == 64 ? -1L : (1L << L) - 1;

  // The constants as vectors made once: broadcast in the loop, C2 left the broadcasts as calls
  // (JDK 25). A-Z a-z are v | 0x20 in 0x61..0x7A, tested as a signed range after an offset that
  // puts it at the bottom (+31: 0x80..0x99, below -102); + , - . / 0-9 likewise (+85: 0x80..0x8E,
  // below -113), less the comma and the dot (v | 2 is '.'); and _
  private static final ByteVector CASE = ByteVector.broadcast(S, (byte) 0x20);
  private static final ByteVector LETTERS_DOWN = ByteVector.broadcast(S, (byte) 31);
  private static final ByteVector LETTERS_BELOW = ByteVector.broadcast(S, (byte) -102);
  private static final ByteVector PLUS_DOWN = ByteVector.broadcast(S, (byte) 85);
  private static final ByteVector PLUS_BELOW = ByteVector.broadcast(S, (byte) -113);
  private static final ByteVector TWO = ByteVector.broadcast(S, (byte) 2);
  private static final ByteVector DOT = ByteVector.broadcast(S, (byte) '.');
  private static final ByteVector UNDERSCORE = ByteVector.broadcast(S, (byte) '_');
  private static final ByteVector NEWLINE = ByteVector.broadcast(S, (byte) '\n');
  private static final ByteVector SIX = ByteVector.broadcast(S, (byte) 6);
  private static final ByteVector QUOTE = ByteVector.broadcast(S, (byte) '\'');

  private VectorPass() {}

  /**
   * {@link SegmentPass#scan} from its first newline count on: notes the runs, {@code %} and
   * {@code #} of {@code buf[from, to)} in {@code pass} and tells {@code counting} the newlines.
   */
  static void scan(SegmentPass pass, byte[] buf, int from, int to, int ownFrom, int ownTo, LineCounting counting, int lines) {
    pass.runStart = from; // the first byte after the last non-base64 one
    pass.scanLines = lines;
    int i = from;
    while (i + STEP <= to) {
      int end = i + (Math.min(SegmentPass.CHECKPOINT, to - i) & -STEP);
      block(pass, buf, i, end);
      i = end;
      if (counting != null && i > ownFrom && i <= ownTo) {
        counting.newlinesBefore(i, pass.scanLines);
      }
    }
    pass.finish(buf, i, to, pass.runStart, pass.scanLines, from, ownTo, counting);
  }

  /**
   * {@code buf[i, end)}, a whole number of steps: a method of its own, called once a block, that
   * the launcher's compile commands (lib/tokensweep.compile) have C2 compile after a few calls,
   * the scan thread waiting for it; until C2 has compiled it, vector code runs ~50 times slower.
   */
  private static void block(SegmentPass pass, byte[] buf, int i, int end) {
    int lines = pass.scanLines;
    int runStart = pass.runStart;
    for (; i < end; i += STEP) {
      long non = 0;
      long newlines = 0;
      long specials = 0;
      for (int k = 0; k < STEP; k += L) {
        ByteVector v = ByteVector.fromArray(S, buf, i + k);
        VectorMask<Byte> letter = v.or(CASE).add(LETTERS_DOWN).compare(VectorOperators.LT, LETTERS_BELOW);
        VectorMask<Byte> plusToNine = v.add(PLUS_DOWN).compare(VectorOperators.LT, PLUS_BELOW);
        VectorMask<Byte> commaDot = v.or(TWO).compare(VectorOperators.EQ, DOT);
        VectorMask<Byte> base64 = letter.or(plusToNine.andNot(commaDot)).or(v.compare(VectorOperators.EQ, UNDERSCORE));
        non |= (~base64.toLong() & LANES) << k;
        newlines |= v.compare(VectorOperators.EQ, NEWLINE).toLong() << k;
        // '%' and '#' (and '!' and '\'', which special() passes over): v | 6 is '\''
        specials |= v.or(SIX).compare(VectorOperators.EQ, QUOTE).toLong() << k;
      }
      lines += Long.bitCount(newlines);
      while (specials != 0) {
        pass.special(buf, i + Long.numberOfTrailingZeros(specials));
        specials &= specials - 1;
      }
      if (non == 0) {
        continue; // 64 base64 bytes: the run goes on
      }
      int first = Long.numberOfTrailingZeros(non);
      if (i + first - runStart >= DecodingLayer.MIN_RUN) {
        pass.run(runStart, i + first);
      }
      // bit k of t: base64 bytes at k .. k + MIN_RUN - 1, all inside the step
      long b = ~non;
      long t = b & (b >>> 1);
      t &= t >>> 2;
      t &= t >>> 4;
      t &= t >>> 8;
      if ((t & (-2L << first)) != 0) { // a run of MIN_RUN or more after the first break
        int prev = first;
        for (long m = non & (non - 1); m != 0; m &= m - 1) {
          int next = Long.numberOfTrailingZeros(m);
          if (next - prev - 1 >= DecodingLayer.MIN_RUN) {
            pass.run(i + prev + 1, i + next);
          }
          prev = next;
        }
      }
      runStart = i + STEP - Long.numberOfLeadingZeros(non);
    }
    pass.scanLines = lines;
    pass.runStart = runStart;
  }
}

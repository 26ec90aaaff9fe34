package dev.tokensweep.scanner.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.LineCounting;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API pass ({@link VectorPass}) against the scalar one, its reference, and the scalar
 * one against a byte-at-a-time reading of what the pass notes: the same base64 runs, '%' and '#'
 * noted, and the same newline counts told, on random segments whose bytes are the ones the pass
 * tells apart. The build resolves {@code jdk.incubator.vector} for the tests
 * (scanner/pom.xml), so this runs on every JDK the build runs on.
 */
class VectorPassTest {
  /** Bytes the pass tells apart, base64 ones most often so that runs of 16 and more come up. */
  private static final byte[] OTHERS = " \n%#=,.:;\"'\t\r@[]{}`~!?*&^$()<>|\\\u00ff\u0080\u00c3\u00e9\u007f\u0000"
      .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
      .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @Test
  void theModuleIsThereAndChosenWhenAskedFor() {
    assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "the build runs tests with the module");
    assertTrue(SegmentPass.VectorChoice.choose("on"), "the vector pass agrees with the scalar one on its sample");
    assertEquals(false, SegmentPass.VectorChoice.choose("off"));
  }

  @Test
  void sameNotesAsTheScalarPass() {
    Random random = new Random(16);
    for (int round = 0; round < 3000; round++) {
      byte[] buf = segment(random, 1 + random.nextInt(round % 10 == 0 ? 40_000 : 700));
      int from = random.nextInt(Math.min(buf.length, 70));
      int to = buf.length - random.nextInt(Math.min(buf.length - from, 70) + 1);
      int ownFrom = from + (random.nextBoolean() ? 0 : random.nextInt(to - from + 1));
      int ownTo = ownFrom + (random.nextBoolean() ? to - ownFrom : random.nextInt(to - ownFrom + 1));
      compare(buf, from, to, ownFrom, ownTo, "round " + round);
    }
  }

  /**
   * The fuzz target: mutated logs, JSON and base64 (FuzzLoop's edits cut runs, insert structure
   * bytes and high bytes), each compared between the two passes over a random part of it.
   */
  @Test
  void fuzz_sameNotesOnMutatedInputs() throws Exception {
    Random random = new Random(17);
    List<byte[]> seeds = List.of(
        segment(random, 3000),
        ("2026-11-01T11:09:56.367Z INFO access - GET /oauth/token?scope=openid+profile&grant_type=authorization_code"
            + " auth=bearer session_id=415984d6863a ua=\"okhttp/4.12.0\" x=%41%2F#frag\n").repeat(20).getBytes(StandardCharsets.UTF_8),
        ("{\"state\":\"eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\","
            + "\"n\":1}\n").repeat(30).getBytes(StandardCharsets.UTF_8));
    dev.tokensweep.scanner.FuzzLoop.run("vector pass", seeds, 18, 1_500, 512L << 20, 40, (input, run) -> {
      Random r = new Random(run);
      int from = r.nextInt(Math.min(input.length, 70));
      int ownFrom = from + r.nextInt(input.length - from + 1);
      int ownTo = ownFrom + r.nextInt(input.length - ownFrom + 1);
      compare(input, from, input.length, ownFrom, ownTo, "fuzz run " + run);
    });
  }

  /**
   * The scalar pass reads 64 flags as one mask: runs one shorter than, as long as and one longer
   * than {@link DecodingLayer#MIN_RUN}, and runs that cross a 64-byte group's end, at every offset
   * of a group, alone in their group, beside a second run and after a newline, '%' or '#'.
   */
  @Test
  void runsAroundTheMinimumAtEveryOffsetOfAGroup() {
    byte[] fillers = {' ', '\n', '%', '#'};
    for (int len : new int[] {DecodingLayer.MIN_RUN - 1, DecodingLayer.MIN_RUN, DecodingLayer.MIN_RUN + 1, 40, 63, 64, 65, 130}) {
      for (int at = 0; at < 2 * SegmentPass.GROUP; at++) {
        for (byte filler : fillers) {
          byte[] buf = new byte[4 * SegmentPass.GROUP + 300];
          Arrays.fill(buf, filler);
          for (int k = 0; k < len; k++) {
            buf[at + k] = BASE64[(at + k) % BASE64.length];
          }
          // a second run after a one-byte break, of the minimum length
          int second = at + len + 1;
          for (int k = 0; k < DecodingLayer.MIN_RUN && second + k < buf.length; k++) {
            buf[second + k] = 'Q';
          }
          String what = "a run of " + len + " at " + at + " among bytes " + filler;
          compare(buf, 0, buf.length, 0, buf.length, what);
          compare(buf, 1, buf.length - 1, 1, buf.length - 1, what + ", from 1");
        }
      }
    }
  }

  /**
   * One pass (as a file's LayeredSink keeps it) over segments each denser than its arrays hold:
   * sparse text, then '%' every third byte, '#' every other, runs of the minimum one byte apart.
   */
  @Test
  void aPassKeptForDenserSegmentsNotesThemAll() {
    byte[] sparse = "a line of text with a token QUJDREVGR0hJSktMTU5PUFFS and %41\n".repeat(4).getBytes(StandardCharsets.UTF_8);
    byte[] percents = "%41".repeat(30_000).getBytes(StandardCharsets.UTF_8);
    byte[] hashes = "#1".repeat(40_000).getBytes(StandardCharsets.UTF_8);
    byte[] runs = ("QUJDREVGR0hJSktM" + " ").repeat(6_000).getBytes(StandardCharsets.UTF_8);
    for (boolean vector : new boolean[] {false, true}) {
      SegmentPass kept = new SegmentPass(vector);
      for (byte[] buf : List.of(sparse, percents, hashes, runs, sparse, runs)) {
        kept.scan(buf, 0, buf.length, 0, buf.length, null);
        SegmentPass naive = reference(buf, 0, buf.length, 0, buf.length);
        assertTrue(kept.sameNotes(naive), (vector ? "vector" : "scalar") + " pass kept over " + buf.length + " bytes: "
            + kept.nRuns / 2 + " runs, " + kept.nPercents + " %, " + kept.nHashes + " # against " + naive.nRuns / 2 + ", "
            + naive.nPercents + ", " + naive.nHashes);
      }
    }
  }

  @Test
  void runsLongerThanTheLongestDecoded() {
    byte[] buf = new byte[DecodingLayer.MAX_RUN + 300_000];
    Arrays.fill(buf, (byte) 'Q');
    buf[1000] = '\n';
    buf[DecodingLayer.MAX_RUN + 5000] = '%';
    compare(buf, 0, buf.length, 0, buf.length, "long run");
    compare(buf, 17, buf.length - 3, 17, buf.length - 100, "long run, cut");
  }

  private static void compare(byte[] buf, int from, int to, int ownFrom, int ownTo, String what) {
    SegmentPass scalar = new SegmentPass(false);
    SegmentPass vector = new SegmentPass(true);
    Counts s = new Counts(buf, ownFrom);
    Counts v = new Counts(buf, ownFrom);
    scalar.scan(buf, from, to, ownFrom, ownTo, s);
    vector.scan(buf, from, to, ownFrom, ownTo, v);
    String at = what + ": [" + from + ", " + to + ") owned [" + ownFrom + ", " + ownTo + ")";
    SegmentPass naive = reference(buf, from, to, ownFrom, ownTo);
    assertTrue(scalar.sameNotes(naive), at + ": runs " + runs(scalar) + " against a byte at a time " + runs(naive)
        + ", % " + scalar.nPercents + " against " + naive.nPercents + ", # " + scalar.nHashes + " against " + naive.nHashes);
    assertTrue(scalar.sameNotes(vector), at + ": runs " + runs(scalar) + " against " + runs(vector)
        + ", % " + scalar.nPercents + " against " + vector.nPercents + ", # " + scalar.nHashes + " against " + vector.nHashes);
    assertEquals(ByteScan.count(buf, ownFrom, ownTo, (byte) '\n'), v.owned, at + ": owned newlines");
    assertEquals(s.owned, v.owned, at);
    assertEquals(List.of(), v.wrong, at + ": newline counts told at these places are not the count before them");
    assertEquals(List.of(), s.wrong, at + " (scalar)");
  }

  /**
   * The notes of a pass over {@code buf[from, to)} as their definition says, a byte at a time:
   * every maximal base64 run of at least MIN_RUN bytes whose first byte the call owns (cut at
   * MAX_RUN), and every '%' and '#' of the segment.
   */
  private static SegmentPass reference(byte[] buf, int from, int to, int ownFrom, int ownTo) {
    SegmentPass p = new SegmentPass(false);
    int s = from;
    for (int i = from; i <= to; i++) {
      if (i < to && ByteScan.base64Value(buf[i]) >= 0) {
        continue;
      }
      if (i - s >= DecodingLayer.MIN_RUN && s >= ownFrom && s < ownTo && (s > from || from == ownFrom)) {
        if (p.nRuns + 2 > p.runs.length) {
          p.runs = Arrays.copyOf(p.runs, 2 * p.runs.length + 2);
        }
        p.runs[p.nRuns++] = s;
        p.runs[p.nRuns++] = Math.min(i, s + DecodingLayer.MAX_RUN);
      }
      if (i < to && buf[i] == '%') {
        if (p.nPercents + 1 > p.percents.length) {
          p.percents = Arrays.copyOf(p.percents, 2 * p.percents.length + 2);
        }
        p.percents[p.nPercents++] = i;
      } else if (i < to && buf[i] == '#') {
        if (p.nHashes + 1 > p.hashes.length) {
          p.hashes = Arrays.copyOf(p.hashes, 2 * p.hashes.length + 2);
        }
        p.hashes[p.nHashes++] = i;
      }
      s = i + 1;
    }
    return p;
  }

  private static List<Integer> runs(SegmentPass p) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < p.nRuns; i++) {
      r.add(p.runs[i]);
    }
    return r;
  }

  private static byte[] segment(Random random, int n) {
    byte[] b = new byte[n];
    int i = 0;
    while (i < n) {
      // a stretch of base64 bytes (often past 16, sometimes past a 64-byte step), then a few others
      int run = random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(20);
      for (int k = 0; k < run && i < n; k++) {
        b[i++] = BASE64[random.nextInt(BASE64.length)];
      }
      int others = 1 + random.nextInt(3);
      for (int k = 0; k < others && i < n; k++) {
        b[i++] = OTHERS[random.nextInt(OTHERS.length)];
      }
    }
    return b;
  }

  /** What a pass told: the owned newlines, and each place whose count was not the true one. */
  private static final class Counts implements LineCounting {
    final byte[] buf;
    final int ownFrom;
    int owned = -1;
    final List<Integer> wrong = new ArrayList<>();

    Counts(byte[] buf, int ownFrom) {
      this.buf = buf;
      this.ownFrom = ownFrom;
    }

    @Override
    public void ownedNewlines(int count) {
      owned = count;
    }

    @Override
    public void newlinesBefore(int p, int count) {
      if (count != ByteScan.count(buf, ownFrom, p, (byte) '\n')) {
        wrong.add(p);
      }
    }
  }
}

package dev.tokensweep.scanner.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leaf's base64 runs that were decoded and came to nothing are skipped when they come again
 * ({@link RunMemo}); a run that came to something is decoded every time, so each of its places
 * is reported.
 */
class RunMemoTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private static byte[] run(Random r, int n) {
    return new TokenForge(r).random(TokenForge.B64URL, n).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void equalRunHeldWherever_itStandsButOnlyWhenNothingCameOfIt() {
    long[] effects = {0};
    RunMemo memo = new RunMemo(() -> effects[0]);
    byte[] a = run(new Random(1), 200);
    byte[] elsewhere = new byte[300];
    System.arraycopy(a, 0, elsewhere, 77, 200);

    assertFalse(memo.holds(a, 0, 200), "an empty memo holds nothing");
    memo.add(a, 0, 200, memo.mark());
    assertTrue(memo.holds(elsewhere, 77, 200), "the same bytes at another place");
    assertFalse(memo.holds(elsewhere, 76, 200), "other bytes");
    assertFalse(memo.holds(a, 0, 196), "a shorter run");

    byte[] b = run(new Random(2), 200);
    assertFalse(memo.holds(b, 0, 200));
    long mark = memo.mark();
    effects[0]++; // a match below while b was scanned
    memo.add(b, 0, 200, mark);
    assertFalse(memo.holds(b, 0, 200), "a run that came to something is decoded again");

    byte[] longRun = run(new Random(3), RunMemo.MAX_BYTES + 4);
    assertFalse(memo.holds(longRun, 0, longRun.length));
    memo.add(longRun, 0, longRun.length, memo.mark());
    assertFalse(memo.holds(longRun, 0, longRun.length), "runs over MAX_BYTES are not kept");
  }

  @Test
  void runsThatHashAlike_areComparedByteForByte() {
    RunMemo memo = new RunMemo(() -> 0);
    byte[] a = run(new Random(4), 100);
    byte[] b = a.clone();
    // the hash reads 16 bytes at each end and in the middle (42..57 of 100); byte 25 is in none
    b[25] = (byte) (a[25] == 'A' ? 'B' : 'A');
    assertEquals(RunMemo.hash(a, 0, 100), RunMemo.hash(b, 0, 100), "the test needs a collision");
    assertFalse(memo.holds(a, 0, 100));
    memo.add(a, 0, 100, memo.mark());
    assertFalse(memo.holds(b, 0, 100), "a collision costs a decode, never a skip");
    assertTrue(memo.holds(a, 0, 100));
  }

  @Test
  void shortRunsThatFailedTheTextCheck_heldByEveryByte() {
    Random r = new Random(6);
    for (int n = DecodingLayer.MIN_RUN; n <= RunMemo.SHORT_MAX; n++) {
      RunMemo memo = new RunMemo(() -> 0);
      byte[] a = run(r, n);
      byte[] elsewhere = new byte[n + 40];
      System.arraycopy(a, 0, elsewhere, 21, n);
      assertFalse(memo.binary(a, 0, n), "an empty memo holds nothing");
      memo.addBinary(a, 0, n);
      assertTrue(memo.binary(a, 0, n));
      assertTrue(memo.binary(elsewhere, 21, n), "the same bytes at another place");
      assertFalse(memo.binary(elsewhere, 21, n - 1), "a shorter run");
      for (int i = 0; i < n; i++) { // the verdict depends on every byte: a run differing in any one is not held
        byte[] b = a.clone();
        b[i] = (byte) (a[i] == 'A' ? 'B' : 'A');
        assertFalse(memo.binary(b, 0, n), "a run of " + n + " differing at byte " + i);
      }
    }
  }

  /** Records the decoded segments it is handed, in order; counts its effects or not. */
  private static final class RecordingSink implements dev.tokensweep.scanner.read.SegmentSink {
    final boolean counts;
    final List<String> decoded = new ArrayList<>();

    RecordingSink(boolean counts) {
      this.counts = counts;
    }

    @Override
    public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, dev.tokensweep.scanner.read.Locator locator) {
      if (from == 0 && ownFrom == 0 && ownTo == to) {
        decoded.add(new String(buf, 0, to, StandardCharsets.ISO_8859_1));
      }
    }

    @Override
    public int overlap() {
      return 0;
    }

    @Override
    public void problem(dev.tokensweep.scanner.model.Problem problem) {}

    @Override
    public long effects() {
      return counts ? 0 : -1;
    }
  }

  @Test
  void layers_shortRunsRepeatedAndNearMisses_decodedAsWithoutTheMemo() {
    Random r = new Random(7);
    // short runs (16 to 32 bytes): binary ones (ids, words like authorization_code), ones that
    // decode to text (Basic credentials), each repeated, and copies with one byte changed
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      runs.add(new String(run(r, DecodingLayer.MIN_RUN + r.nextInt(RunMemo.SHORT_MAX - DecodingLayer.MIN_RUN + 1)),
          StandardCharsets.US_ASCII));
    }
    runs.add("authorization_code");
    runs.add("client_credentials");
    runs.add(b64("deploy:Zq8wPk2rTm4x"));
    runs.add(b64("svc_backup:h7Gq2"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      StringBuilder run = new StringBuilder(runs.get(r.nextInt(runs.size())));
      if (r.nextInt(4) == 0) {
        int at = r.nextInt(run.length());
        run.setCharAt(at, run.charAt(at) == 'Q' ? 'R' : 'Q');
      }
      text.append(r.nextBoolean() ? "grant_type=" : " x ").append(run).append(r.nextInt(5) == 0 ? "\n" : " ");
    }
    byte[] segment = text.toString().getBytes(StandardCharsets.US_ASCII);
    RecordingSink with = new RecordingSink(true);
    RecordingSink without = new RecordingSink(false);
    for (RecordingSink sink : List.of(with, without)) {
      new LayeredSink(sink, 2).segment(segment, 0, segment.length, 0, segment.length,
          q -> new dev.tokensweep.scanner.model.Location(null, null, null, q, null, null, null, null, null, null));
    }
    assertTrue(without.decoded.size() > 200, without.decoded.size() + " runs decoded to text");
    // compared whole, not printed: the decoded segments hold (synthetic) credentials
    assertEquals(without.decoded.size(), with.decoded.size(), "segments decoded with and without the memo");
    assertTrue(without.decoded.equals(with.decoded), "the memo of short binary runs changes no decoded segment");
  }

  @Test
  void layers_decodeAnEqualRunOnceWhenTheSinkCountsItsEffects_everyTimeWhenItCannot() {
    String claims = b64("{\"iss\":\"https://auth.example.test/\",\"aud\":\"api://orders\",\"scope\":\"orders.read\"}");
    byte[] segment = ("a=" + claims + " b=" + claims + "\nc=" + claims + "\n").getBytes(StandardCharsets.US_ASCII);
    for (boolean counts : new boolean[] {true, false}) {
      RecordingSink sink = new RecordingSink(counts);
      new LayeredSink(sink, 2).segment(segment, 0, segment.length, 0, segment.length,
          q -> new dev.tokensweep.scanner.model.Location(null, null, null, q, null, null, null, null, null, null));
      long claimsDecoded = sink.decoded.stream().filter(d -> d.startsWith("{\"iss\"")).count();
      assertEquals(counts ? 1 : 3, claimsDecoded, counts ? "decoded once, then held" : "no memo without a count of effects");
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void repeatedRuns_eachPlaceOfATokenReportedAndTheScanAsWithoutTheMemo() throws Exception {
    TokenForge forge = new TokenForge(new Random(5));
    String token = forge.base62Crc32("ghp_");
    // a run that decodes to a token, and one that decodes to JSON with nothing in it, each on
    // many lines; the empty one comes first, so the memo holds it when the token's comes
    String empty = b64("{\"iss\":\"https://auth.example.test/\",\"aud\":\"api://orders\",\"scope\":\"orders.read\"}");
    String withToken = b64("{\"name\":\"deploy\",\"github_token\":\"" + token + "\",\"scope\":\"repo\"}");
    StringBuilder log = new StringBuilder();
    List<Integer> tokenLines = new ArrayList<>();
    for (int line = 1; line <= 300; line++) {
      if (line % 3 == 0) {
        log.append("GET /x ctx=").append(withToken).append(" status=200\n");
        tokenLines.add(line);
      } else {
        log.append("GET /y claims=").append(empty).append(" status=200\n");
      }
    }
    Path p = dir.resolve("gateway.log");
    Files.writeString(p, log.toString());
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(1));
    ScanResult r = s.scan(List.of(p.toString()), null);

    List<Integer> found = new ArrayList<>();
    for (Finding f : r.findings()) {
      assertEquals(List.of("base64"), f.location().decodings(), "found in the decoded run");
      found.add(f.location().line().intValue());
    }
    assertEquals(tokenLines, found, "the token's run decoded on each of its lines");
    assertEquals(0, r.problems().size());
  }
}

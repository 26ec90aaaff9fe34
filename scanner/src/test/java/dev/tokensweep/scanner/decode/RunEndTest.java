package dev.tokensweep.scanner.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.pipeline.Archives;
import dev.tokensweep.scanner.read.Locator;
import dev.tokensweep.scanner.read.SegmentSink;
import dev.tokensweep.scanner.read.TextReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A base64 payload whose run ends at the end of its segment: cut there by a reader (what it
 * decodes to may end early, which is no damage), or whole, where the leaf ends or the byte after
 * it is known. Damage at a leaf's end went unreported, and a run of exactly {@link
 * DecodingLayer#MAX_RUN} at a leaf's end, or at a reader's chunk edge, was called longer.
 */
class RunEndTest {

  /** What the layers hand on: the problems, and the bytes of every decoded segment. */
  private static final class Collected implements SegmentSink {
    final List<Problem> problems = new ArrayList<>();
    long decodedBytes;

    @Override
    public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
      if (locator.locate(ownFrom) != null && locator.locate(ownFrom).decodings() != null) {
        decodedBytes += ownTo - ownFrom;
      }
    }

    @Override
    public int overlap() {
      return 64;
    }

    @Override
    public void problem(Problem problem) {
      problems.add(problem);
    }
  }

  private static Location at(int p) {
    return new Location("x.log", null, null, p, null, null, null, null, null, null);
  }

  private static byte[] ascii(String s) {
    return Archives.ascii(s);
  }

  /** Random base64 letters with a newline every 100: text that compresses to about 6 bits a letter. */
  private static String randomText(int seed, int n) {
    Random rnd = new Random(seed);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    StringBuilder sb = new StringBuilder(n);
    while (sb.length() < n) {
      sb.append(sb.length() % 101 == 100 ? '\n' : alphabet.charAt(rnd.nextInt(64)));
    }
    return sb.toString();
  }

  /** gzip of a log, damaged half way: its decoder gives the first half, then fails. */
  private static String damagedPayload() throws IOException {
    byte[] gz = Archives.gzip(ascii(randomText(3, 40_000)));
    gz[gz.length / 2] ^= (byte) 0xFF;
    return Base64.getEncoder().withoutPadding().encodeToString(gz);
  }

  @Test
  void damagedPayloadEndingTheSegment_corruptOnlyWhereTheLeafEnds() throws IOException {
    byte[] b = ascii("state=" + damagedPayload());
    Collected mayGoOn = new Collected();
    new LayeredSink(mayGoOn, 2).segment(b, 0, b.length, 0, b.length, RunEndTest::at);
    assertEquals(List.of(), mayGoOn.problems, "cut by a reader's chunk: the run may go on, so no damage of its own");
    assertTrue(mayGoOn.decodedBytes > 10_000, "what came before the cut was scanned: " + mayGoOn.decodedBytes);

    Collected leafEnd = new Collected();
    new LayeredSink(leafEnd, 2).lastSegment(b, 0, b.length, 0, b.length, RunEndTest::at);
    assertEquals(1, leafEnd.problems.size(), "the leaf ends there: the payload is damaged");
    assertEquals(Problem.Type.CORRUPT, leafEnd.problems.get(0).type());
    assertTrue(leafEnd.problems.get(0).message().startsWith("the base64 run at offset 6 (base64+gzip) is damaged"),
        leafEnd.problems.get(0).message());
  }

  @Test
  void damagedPayloadAtTheEndOfAFile_corrupt() throws IOException {
    Collected c = new Collected();
    byte[] file = ascii("a\nstate=" + damagedPayload());
    new DecodingReader(new TextReader(1 << 16)).read(new ByteArrayInputStream(file), "x.log", c);
    assertEquals(1, c.problems.size(), "the text reader's last chunk ends where the file does");
    assertEquals(Problem.Type.CORRUPT, c.problems.get(0).type());
  }

  /** A gzip payload whose base64 run is exactly {@link DecodingLayer#MAX_RUN} characters, no padding. */
  private static String payloadOfMaxRun() throws IOException {
    String run = Base64.getEncoder().encodeToString(
        Archives.gzipOfLength(ascii(randomText(7, 900_000)), DecodingLayer.MAX_RUN / 4 * 3));
    assertEquals(DecodingLayer.MAX_RUN, run.length());
    return run;
  }

  @Test
  void runOfExactlyMaxRunAtAChunkEdge_readOnToTheByteAfter_wholeNotLonger() throws IOException {
    // the reader's chunk (600,000 bytes and its context of 64 on each side) doubles once to hold
    // the run, and the doubled buffer ends right where the run does, the newline after it unread:
    // the reader stopped there, and the run was taken for one longer than MAX_RUN
    int chunk = 600_000;
    int full = chunk + 2 * 64;
    String run = payloadOfMaxRun();
    int runStart = 2 * full - DecodingLayer.MAX_RUN;
    String head = "x".repeat(runStart - 6 - 1) + "\nstate=";
    byte[] file = ascii(head + run + "\nthe end\n");
    assertEquals(runStart, head.length(), "the run starts in the first chunk's owned range");
    Collected c = new Collected();
    new DecodingReader(new TextReader(chunk)).read(new ByteArrayInputStream(file), "x.log", c);
    assertEquals(List.of(), c.problems, "a run of exactly MAX_RUN is read whole");
    assertTrue(c.decodedBytes >= 900_000, "all it held was scanned: " + c.decodedBytes);

    Collected longer = new Collected();
    byte[] plusOne = ascii(head + run + "A\nthe end\n");
    new DecodingReader(new TextReader(chunk)).read(new ByteArrayInputStream(plusOne), "x.log", longer);
    assertEquals(1, longer.problems.size(), "one byte more is past the cap");
    assertTrue(longer.problems.get(0).message().startsWith("run-length: "), longer.problems.get(0).message());
  }
}

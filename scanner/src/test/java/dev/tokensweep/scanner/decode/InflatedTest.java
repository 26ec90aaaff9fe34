package dev.tokensweep.scanner.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.pipeline.Archives;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * What {@link Inflated} hands one layer down from a base64 run, and what it costs: each format is
 * told by a few characters (a tar by its header), binary runs that are none of them are left
 * alone, and the budgets hold over all members and steps of a run however its bytes were built.
 */
class InflatedTest {

  /** What came down: each pass's layer and byte count. */
  private static final class Passes implements DecodingLayer.Next {
    final List<String> layers = new ArrayList<>();
    long bytes;

    final List<dev.tokensweep.scanner.model.Problem> problems = new ArrayList<>();

    @Override
    public void pass(byte[] decoded, int n, String layer, dev.tokensweep.scanner.read.Locator toEncoded) {
      layers.add(layer);
      bytes += n;
    }

    @Override
    public void problem(dev.tokensweep.scanner.model.Problem p, String same) {
      problems.add(p);
    }
  }

  private static byte[] b64(byte[] b) {
    return Base64.getEncoder().withoutPadding().encodeToString(b).getBytes(StandardCharsets.US_ASCII);
  }

  private static Passes pass(byte[] archive) {
    byte[] run = b64(archive);
    int n = run.length % 4 == 1 ? run.length - 1 : run.length;
    Passes p = new Passes();
    assertTrue(Inflated.startsCompressed(run, 0, n), "told by its first characters");
    Inflated.pass(run, 0, n, at -> null, p);
    return p;
  }

  private static Map<String, byte[]> members(Object... nameAndContent) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameAndContent.length; i += 2) {
      Object c = nameAndContent[i + 1];
      m.put((String) nameAndContent[i], c instanceof byte[] b ? b : Archives.ascii((String) c));
    }
    return m;
  }

  /** gzip of {@code n} MiB of {@code line} repeated, written without holding it. */
  private static byte[] gzipBomb(String line, int mib) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    byte[] block = Archives.ascii(line.repeat((1 << 20) / line.length() + 1)).clone();
    try (OutputStream g = new GZIPOutputStream(bo, 1 << 16)) {
      for (int i = 0; i < mib; i++) {
        g.write(block, 0, 1 << 20);
      }
    }
    return bo.toByteArray();
  }

  private static final String LOG = "2026-12-05 INFO request served in 12 ms\n".repeat(40);

  @Test
  void eachFormat_passedDownNamedByItsSteps() throws IOException {
    byte[] text = Archives.ascii(LOG);
    assertEquals(List.of("base64+tar", "base64+tar"), pass(Archives.tar(members("var/log/app.log", text))).layers,
        "the member's name, then its content");
    assertEquals(List.of("base64+gzip+tar", "base64+gzip+tar"),
        pass(Archives.gzip(Archives.tar(members("var/log/app.log", text)))).layers);
    assertEquals(List.of("base64+bzip2"), pass(Archives.bzip2(text)).layers);
    assertEquals(List.of("base64+xz"), pass(Archives.xz(text)).layers);
    assertEquals(List.of("base64+zstd"), pass(Archives.zstd(text)).layers);
    assertEquals(List.of("base64+xz+tar", "base64+xz+tar"), pass(Archives.xz(Archives.tar(members("app.log", text)))).layers);
    assertEquals(List.of("base64+zip", "base64+zip+gzip"),
        pass(Archives.zip(members("logs/app.log.gz", Archives.gzip(text)))).layers, "a compressed member, one step more");
    assertEquals(List.of("base64+tar", "base64+tar+zip", "base64+tar+zip"),
        pass(Archives.tar(members("bundle.zip", Archives.zip(members("logs/app.log", text))))).layers);
  }

  @Test
  void tarCutInsideAMember_whatItHeldScanned() throws IOException {
    // a field truncated by a log's line limit: the member the cut falls in is read up to the cut
    byte[] tar = Archives.tar(members("first.log", LOG, "second.log", LOG + LOG));
    // headers at 0 and 2560 (the first member's 1600 bytes take four records), the second's data from 3072
    byte[] cut = java.util.Arrays.copyOf(tar, 3072 + LOG.length());
    Passes p = pass(cut);
    assertEquals(List.of("base64+tar", "base64+tar", "base64+tar", "base64+tar"), p.layers);
    assertEquals("first.log\n".length() + "second.log\n".length() + LOG.length() * 2L, p.bytes,
        "the first member whole, the second up to the cut");
  }

  @Test
  void stepsStopAtTheDepthCap() throws IOException {
    byte[] text = Archives.ascii(LOG);
    byte[] three = Archives.gzip(Archives.tar(members("app.log.gz", Archives.gzip(text))));
    assertEquals(List.of("base64+gzip+tar", "base64+gzip+tar+gzip"), pass(three).layers, "three steps: read");
    byte[] four = Archives.gzip(Archives.gzip(Archives.gzip(Archives.gzip(text))));
    assertEquals(List.of(), pass(four).layers, "a fourth step is not taken; what the third gave is no text");
  }

  @Test
  void bombInATar_stopsAtTheByteCapInBoundedTime() throws IOException {
    // 64 MiB of text lines gzip to ~64 KiB; twice in one tar, one after the other, and text after them
    byte[] bomb = gzipBomb("INFO all good here\n", 64);
    byte[] tar = Archives.tar(members("a.log.gz", bomb, "b.log.gz", bomb, "c-later.log", LOG));
    long t0 = System.nanoTime();
    Passes p = pass(tar);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 10_000, "bounded: " + ms + " ms");
    long names = "a.log.gz\n".length() + "b.log.gz\n".length() + "c-later.log\n".length();
    assertEquals(Inflated.MAX_INFLATED + LOG.length() + names, p.bytes,
        "the first bomb up to the cap, none of the second, the plain member after them whole");

    byte[] zeros = Archives.gzip(new byte[64 << 20]);
    Passes z = pass(Archives.tar(members("core.gz", zeros)));
    assertEquals(List.of("base64+tar"), z.layers, "zeros are no text: only the name");
  }

  @Test
  void manyMembers_stopAtTheEntryCap() throws IOException {
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      many.put("logs/app-" + i + ".log", Archives.ascii("line " + i + " of the log\n"));
    }
    Passes p = pass(Archives.tar(many));
    assertEquals(2 * (Inflated.MAX_ENTRIES - 1), p.layers.size(), "a name and a content for each member read");
  }

  @Test
  void binaryRunsThatAreNoneOfThese_leftAlone() throws IOException {
    Random r = new Random(11);
    for (int k = 0; k < 2000; k++) {
      byte[] b = new byte[600 + r.nextInt(2000)];
      r.nextBytes(b);
      b[0] = (byte) 0xFF; // no format starts so
      byte[] run = b64(b);
      assertFalse(Inflated.startsCompressed(run, 0, run.length - (run.length % 4 == 1 ? 1 : 0)), "random run " + k);
    }
    // "ustar" at 257 without a header whose checksum holds: decoded, found no tar, nothing passed
    byte[] fake = new byte[1024];
    r.nextBytes(fake);
    fake[0] = (byte) 0xFF;
    System.arraycopy(Archives.ascii("ustar\0"), 0, fake, 257, 6);
    assertEquals(List.of(), pass(fake).layers);
    // a real tar's first bytes but a garbled header
    byte[] tar = Archives.tar(members("var/log/app.log", LOG));
    tar[150] ^= 1;
    assertEquals(List.of(), pass(tar).layers);
  }
  /** The problems the layers report over {@code text}, read as one segment. */
  private static List<dev.tokensweep.scanner.model.Problem> problems(String text) {
    byte[] seg = Archives.ascii(text);
    List<dev.tokensweep.scanner.model.Problem> ps = new ArrayList<>();
    dev.tokensweep.scanner.read.SegmentSink sink = new dev.tokensweep.scanner.read.SegmentSink() {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, dev.tokensweep.scanner.read.Locator locator) {
      }

      @Override
      public int overlap() {
        return 64;
      }

      @Override
      public void problem(dev.tokensweep.scanner.model.Problem p) {
        ps.add(p);
      }
    };
    new LayeredSink(sink, 2).segment(seg, 0, seg.length, p -> dev.tokensweep.scanner.model.Location.text("t.log", 1, p + 1, p));
    return ps;
  }

  @Test
  void gzipEndingEarly_damageOnlyWhereItsRunWasNotCut() throws IOException {
    byte[] gz = Archives.gzip(Archives.ascii(LOG.repeat(20) + "2026-12-05 INFO request 42 served\n".repeat(500)));
    String cut = new String(b64(java.util.Arrays.copyOf(gz, gz.length / 2)), StandardCharsets.US_ASCII);
    // a reader's segment that ends inside a run may have cut it (one that does not read on): no damage
    assertEquals(List.of(), problems("state=" + cut), "the run ends at the segment's end");
    List<dev.tokensweep.scanner.model.Problem> ended = problems("state=" + cut + "\n");
    assertEquals(1, ended.size(), "the run ended before the segment's end: the payload itself ends early");
    assertEquals(dev.tokensweep.scanner.model.Problem.Type.CORRUPT, ended.get(0).type());
    assertEquals("t.log", ended.get(0).location());
    // a run inside a decoded run ends where that one ends
    String inner = new String(b64(Archives.ascii(cut)), StandardCharsets.US_ASCII);
    assertEquals(1, problems("release=" + inner + "\n").size(), "decoded whole: the inner run was not cut");
    assertEquals(List.of(), problems("release=" + inner), "the outer run may be cut, so the inner may be");
  }
}

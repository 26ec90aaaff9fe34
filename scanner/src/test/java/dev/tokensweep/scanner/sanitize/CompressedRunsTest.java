package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.FuzzLoop;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The stage that rewrites compressed base64 runs: bytes outside such runs, and runs without a
 * secret, come out as they went in however the writes are cut; a secret inside is masked; hostile
 * runs (damaged gzip, bombs) neither throw nor change.
 */
class CompressedRunsTest {

  /** A synthetic secret; never issued (the detector is not involved here: the stage takes forms). */
  private static final byte[] SECRET = "sk_test_Zq8vN3mW7pL2xR5tY9bC4dF6".getBytes(StandardCharsets.US_ASCII);

  private static final List<Replacer.Form> FORMS =
      List.of(new Replacer.Form(SECRET, "[REDACTED]".getBytes(StandardCharsets.US_ASCII)));

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      g.write(b);
    }
    return bo.toByteArray();
  }

  /** {@code in} through the stage, written in pieces of random sizes. */
  private static byte[] through(byte[] in, Random rnd, long[] replaced) throws IOException {
    return through(in, rnd, replaced, null);
  }

  /** {@code in} through a stage that rebuilds archives through {@code containers} (null: none). */
  private static byte[] through(byte[] in, Random rnd, long[] replaced, CompressedRuns.Containers containers)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompressedRuns runs = containers == null ? new CompressedRuns(out, new Replacer(FORMS, 4096))
        : new CompressedRuns(out, new Replacer(FORMS, 4096), containers);
    for (int i = 0; i < in.length; ) {
      int n = Math.min(in.length - i, 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 700));
      if (n == 1 && rnd.nextBoolean()) {
        runs.write(in[i]);
      } else {
        runs.write(in, i, n);
      }
      i += n;
    }
    runs.finish();
    replaced[0] = runs.replaced();
    return out.toByteArray();
  }

  /** A tar of one member, {@code name} holding {@code body}, as the scan's walker reads it (a valid header checksum). */
  static byte[] tar(String name, byte[] body) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t =
        new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bo)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
          new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
      e.setSize(body.length);
      t.putArchiveEntry(e);
      t.write(body);
      t.closeArchiveEntry();
    }
    return bo.toByteArray();
  }

  private static String text(Random rnd, boolean withCompressed) throws IOException {
    String[] pieces = {"key=", "a==", "==", "H4sI", "eJw", " ", "\n", "\"", "abc", "QUJD", "+/", "-_", "x=y",
        "SDRzSUFBQUFB", "Zm9v", "=H4s", "ZXRjL2FwcC5lbnYAAAAA", "QlpoOTFBWSZTWQ", "/Td6WFoAAAT", "KLUv/QBY", "N3q8ryc",
        "UEsDBBQ", "dmFyL2xvZy9hcHAubG9n".repeat(20)};
    StringBuilder b = new StringBuilder();
    while (b.length() < 3000) {
      b.append(pieces[rnd.nextInt(pieces.length)]);
      if (withCompressed && rnd.nextInt(20) == 0) {
        b.append(Base64.getEncoder().encodeToString(gzip(("{\"n\":" + rnd.nextInt() + "}").getBytes(StandardCharsets.US_ASCII))));
      }
      if (withCompressed && rnd.nextInt(40) == 0) {
        b.append(Base64.getEncoder().encodeToString(tar("etc/app" + rnd.nextInt(100) + ".env",
            ("n=" + rnd.nextInt()).getBytes(StandardCharsets.US_ASCII))));
      }
    }
    return b.toString();
  }

  @Test
  void withoutSecrets_everyByteAsItWas_howeverCut() throws IOException {
    Random rnd = new Random(11);
    for (int k = 0; k < 200; k++) {
      byte[] in = text(rnd, k % 2 == 0).getBytes(StandardCharsets.US_ASCII);
      long[] replaced = {0};
      assertArrayEquals(in, through(in, rnd, replaced), "case " + k);
      assertEquals(0, replaced[0], "case " + k);
    }
  }

  @Test
  void withArchives_withoutSecrets_everyByteAsItWas_howeverCut_andTarsOffered() throws IOException {
    // runs held longer (a tar is told only by "ustar" at byte 257), handed to a walker that finds
    // nothing: the same bytes come out, whatever the cuts
    Random rnd = new Random(15);
    int offered = 0;
    for (int k = 0; k < 200; k++) {
      byte[] in = text(rnd, k % 2 == 0).getBytes(StandardCharsets.US_ASCII);
      long[] replaced = {0};
      List<byte[]> calls = new ArrayList<>();
      assertArrayEquals(in, through(in, rnd, replaced, raw -> {
        calls.add(raw);
        return null;
      }), "case " + k);
      assertEquals(0, replaced[0], "case " + k);
      for (byte[] raw : calls) {
        boolean tar = raw.length > 262 && new String(raw, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar");
        assertTrue(tar || raw.length > 2 && (raw[0] == 'B' || raw[0] == (byte) 0xFD || raw[0] == 0x28
            || raw[0] == '7' || raw[0] == 'P'), "case " + k + ": only archives and compressed data are offered");
        offered += tar ? 1 : 0;
      }
    }
    assertTrue(offered > 20, "the tars in the text were offered: " + offered);
  }

  @Test
  void withArchives_rebuiltRunWritten_inItsAlphabetAndPadding_restUnchanged() throws IOException {
    Random rnd = new Random(16);
    byte[] body = ("token=" + new String(SECRET, StandardCharsets.US_ASCII) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] rebuilt = "rebuilt, any bytes: \u00ff?>".getBytes(StandardCharsets.ISO_8859_1);
    // a tar-like word that is not a tar: printable name bytes, longer than the test, no ustar
    String notTar = Base64.getEncoder().encodeToString("etc/app.env".repeat(60).getBytes(StandardCharsets.US_ASCII));
    for (int kk = 0; kk < 40; kk++) {
      int k = kk;
      boolean url = k % 2 == 1;
      Base64.Encoder enc = url ? Base64.getUrlEncoder() : Base64.getEncoder();
      byte[] tar = tar(k % 4 == 3 ? "etc/???.env" : "etc/app.env", body); // '?' gives '/' or '_'
      String run = enc.encodeToString(tar);
      String before = text(rnd, false) + " w:" + notTar + " ";
      String after = text(rnd, false);
      byte[] in = (before + "v:" + run + "\n" + after).getBytes(StandardCharsets.US_ASCII);
      long[] replaced = {0};
      int[] calls = {0};
      String out = new String(through(in, rnd, replaced, raw -> {
        if (!java.util.Arrays.equals(tar, raw)) { // a lambda may read tar: it is final per case
          assertFalse(new String(raw, StandardCharsets.ISO_8859_1).startsWith("etc/app.envetc/"), "case " + k
              + ": the word is never offered");
          return null; // the text's pieces that start like bzip2, xz, ...
        }
        calls[0]++;
        return new CompressedRuns.Rebuilt(rebuilt, 3);
      }), StandardCharsets.US_ASCII);
      assertEquals(1, calls[0], "case " + k + ": the tar offered once, whole");
      assertEquals(3, replaced[0], "case " + k + ": the walker's count added");
      // a run with neither '-' nor '_' nor '+' nor '/' is written in the standard alphabet
      Base64.Encoder again = url && (run.contains("-") || run.contains("_")) ? enc : Base64.getEncoder();
      assertEquals(before + "v:" + again.encodeToString(rebuilt) + "\n" + after, out, "case " + k);
    }
  }

  @Test
  void reading_sameAsWriting_howeverRead() throws IOException {
    Random rnd = new Random(17);
    byte[] inner = ("{\"token\":\"" + new String(SECRET, StandardCharsets.US_ASCII) + "\"}").getBytes(StandardCharsets.US_ASCII);
    for (int k = 0; k < 30; k++) {
      byte[] in = (text(rnd, true) + " v:" + Base64.getEncoder().encodeToString(gzip(inner)) + "\n" + text(rnd, true))
          .getBytes(StandardCharsets.US_ASCII);
      long[] replaced = {0};
      byte[] written = through(in, rnd, replaced);
      CompressedRuns.Reading r = CompressedRuns.reading(new ByteArrayInputStream(in), new Replacer(FORMS, 4096), null);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[1024];
      for (int n; (n = r.read(buf, 0, 1 + rnd.nextInt(buf.length))) >= 0; ) {
        got.write(buf, 0, n);
      }
      assertArrayEquals(written, got.toByteArray(), "case " + k);
      assertEquals(1, r.replaced(), "case " + k);
    }
  }

  @Test
  void secretInGzipRun_masked_restUnchanged_howeverCut() throws IOException {
    Random rnd = new Random(12);
    byte[] inner = ("{\"token\":\"" + new String(SECRET, StandardCharsets.US_ASCII) + "\",\"n\":1}")
        .getBytes(StandardCharsets.US_ASCII);
    String run = Base64.getEncoder().encodeToString(gzip(inner));
    String helm = Base64.getEncoder().encodeToString(run.getBytes(StandardCharsets.US_ASCII));
    for (int k = 0; k < 50; k++) {
      String before = text(rnd, true);
      String after = text(rnd, true);
      String value = k % 2 == 0 ? run : helm;
      byte[] in = (before + " v:" + value + "\n" + after).getBytes(StandardCharsets.US_ASCII);
      long[] replaced = {0};
      String out = new String(through(in, rnd, replaced), StandardCharsets.US_ASCII);
      assertEquals(1, replaced[0], "case " + k + ": one occurrence replaced");
      assertTrue(out.startsWith(before + " v:") && out.endsWith("\n" + after), "case " + k + ": bytes around kept");
      String got = out.substring(before.length() + 3, out.length() - after.length() - 1);
      byte[] raw = Base64.getDecoder().decode(got);
      if (k % 2 == 1) {
        raw = Base64.getDecoder().decode(raw);
      }
      byte[] inflated = new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes();
      assertEquals("{\"token\":\"[REDACTED]\",\"n\":1}", new String(inflated, StandardCharsets.US_ASCII),
          "case " + k + ": masked inside");
    }
  }

  @Test
  void gzipOfATar_leftAsItWas_itsStructureWouldBreak() throws IOException {
    // a tar's header is NUL-padded: a mask of another length in a member would break the archive
    byte[] tar = new byte[1536];
    byte[] body = ("token=" + new String(SECRET, StandardCharsets.US_ASCII) + "\n").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy("a.env".getBytes(StandardCharsets.US_ASCII), 0, tar, 0, 5);
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 6);
    System.arraycopy(body, 0, tar, 512, body.length);
    byte[] in = ("payload: " + Base64.getEncoder().encodeToString(gzip(tar)) + "\n").getBytes(StandardCharsets.US_ASCII);
    long[] replaced = {0};
    assertArrayEquals(in, through(in, new Random(14), replaced), "copied as it was");
    assertEquals(0, replaced[0]);
  }

  @Test
  void fuzz_mutatedRuns_neverThrow_andUnchangedWithoutTheSecret() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    byte[] inner = ("{\"token\":\"" + new String(SECRET, StandardCharsets.US_ASCII) + "\"}").getBytes(StandardCharsets.US_ASCII);
    seeds.add(("a: " + Base64.getEncoder().encodeToString(gzip(inner)) + "\n").getBytes(StandardCharsets.US_ASCII));
    seeds.add(("b: " + Base64.getEncoder().encodeToString(Base64.getEncoder().encode(gzip(inner))) + "\n")
        .getBytes(StandardCharsets.US_ASCII));
    java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z)) {
      d.write(inner);
    }
    seeds.add(("c=" + Base64.getUrlEncoder().encodeToString(z.toByteArray()) + ";").getBytes(StandardCharsets.US_ASCII));
    seeds.add(("bomb=" + Base64.getEncoder().encodeToString(gzip(new byte[1 << 20]))).getBytes(StandardCharsets.US_ASCII));
    Random cut = new Random(13);
    seeds.add(("t: " + Base64.getEncoder().encodeToString(tar("a.env", inner)) + "\n").getBytes(StandardCharsets.US_ASCII));
    FuzzLoop.run("compressed runs", seeds, 7, 2_000, 512L << 20, 200, (bytes, n) -> {
      long[] replaced = {0};
      byte[] out = through(bytes, cut, replaced, n % 2 == 0 ? null : raw -> null);
      if (replaced[0] == 0) {
        assertArrayEquals(bytes, out, "run " + n + ": nothing replaced, nothing changed");
      } else {
        assertFalse(new String(out, StandardCharsets.ISO_8859_1).contains(new String(SECRET, StandardCharsets.US_ASCII)),
            "run " + n);
      }
    });
  }
}

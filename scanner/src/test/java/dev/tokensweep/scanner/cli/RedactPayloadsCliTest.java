package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.b64;
import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.gzip;
import static dev.tokensweep.scanner.cli.PayloadProblemsCliTest.zerosBomb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redact} over a base64 payload: the scan finds a token inside base64 of gzipped JSON
 * ({@code base64+gzip}), but no form of the token stands in the compressed bytes, so the filter
 * passed the line through as it was, the token in it, and exited 0. The payload's run is now
 * destroyed where it stands (base64 of zeros, the same length); and a payload the filter could not
 * examine whole (past a cap) is said on stderr with exit 3, never a silent 0.
 */
class RedactPayloadsCliTest {

  private final TokenForge forge = new TokenForge(new Random(47));

  @TempDir
  Path tmp;

  private record Filtered(int exit, String out, String err) {}

  private static Filtered redact(String input) {
    return redact(new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** {@code input} as a pipe gives it: at most 64 KiB a read, each read a piece of its own. */
  private static Filtered redactPiped(String input) {
    return redact(new FilterInputStream(new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII))) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1 << 16));
      }
    });
  }

  private static Filtered redact(InputStream stdin) {
    InputStream saved = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setIn(stdin);
      Main.setStdout(out);
      Run r = Run.run("redact");
      return new Filtered(r.exit(), out.toString(StandardCharsets.US_ASCII), r.err());
    } finally {
      System.setIn(saved);
      Main.setStdout(System.out);
    }
  }

  @Test
  void tokenInGzipPayload_runDestroyed_restOfTheLineKept() throws IOException {
    String token = forge.base62Crc32("gho_");
    String run = b64(gzip(("{\"session\":{\"access_token\":\"" + token + "\"},\"user\":\"ops\"}")
        .getBytes(StandardCharsets.US_ASCII)));
    String clean = b64(gzip("{\"nothing\":\"here\"}".repeat(10).getBytes(StandardCharsets.US_ASCII)));
    String in = "first line\n2026-12-05T10:00:00Z state=" + run + " user=ops\nother=" + clean + "\nlast\n";

    Filtered f = redact(in);

    assertEquals(0, f.exit(), "filtered to its end");
    assertFalse(f.out().contains(token), "the token is not in the output");
    assertFalse(f.out().contains(run), "the payload that held it is gone");
    assertEquals(in.replace(run, "A".repeat(run.replace("=", "").length()) + "=".repeat(run.length()
        - run.replace("=", "").length())), f.out(), "only the payload's base64 characters changed, to A");
    assertTrue(f.out().contains("other=" + clean + "\n"), "a payload without a token passes as it was");
  }

  @Test
  void payloadPastTheCap_saidOnStderr_exit3() throws IOException {
    // 8 MiB of zeros: past the 4 MiB a payload is unpacked to
    String in = "a\nblob=" + b64(zerosBomb(8)) + "\nb\n";

    Filtered f = redact(in);

    assertEquals(3, f.exit(), "a payload not examined whole is not a clean run");
    assertEquals(in, f.out(), "the lines pass through as they were");
    assertTrue(f.err().contains("1 encoded payload(s) could not be examined whole"), "said on stderr");
    assertTrue(f.err().contains("payload-bytes"), "with the cause");
  }

  @Test
  void payloadPastSeveralBufferRefills_placeNamedInTheStreamAsTheScanNamesIt() throws IOException {
    // 3.4 MB of lines before the payload, read 64 KiB at a time: the message named the offset in
    // the filter's buffer (392306), which is nowhere in particular in the stream
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      lines.append("2026-12-05 info request id=").append(i).append(" ok\n");
    }
    String in = lines + "state=" + b64(zerosBomb(5)) + "\n" + lines.substring(0, 400);

    Filtered f = redactPiped(in);

    assertEquals(3, f.exit());
    String place = "the base64 run at line 100001, column 7 (offset " + (lines.length() + 6) + "; base64+gzip)";
    assertTrue(f.err().contains("payload-bytes: " + place), f.err());
    Path p = tmp.resolve("stdin.log");
    Files.writeString(p, in);
    Run scan = Run.run("scan", "--no-progress", p.toString());
    assertTrue(scan.err().contains(place), "as the scan names it: " + scan.err());

    // on a line of 3 MB, written a piece at a time: its column counts from the line's start
    String longLine = "first\n" + ". ".repeat(1_500_000) + "state=" + b64(zerosBomb(5)) + " tail\nlast\n";
    Filtered g = redactPiped(longLine);
    assertEquals(3, g.exit());
    assertTrue(g.err().contains("payload-bytes: the base64 run at line 2, column 3000007 (offset 3000012; base64+gzip)"),
        g.err());
  }

  /** gzip of a short log whose CRC is wrong: its decoder gives it all, then fails. */
  private static String damagedPayload() throws IOException {
    byte[] gz = gzip("2026-12-05 INFO request served in 12 ms\n".repeat(40).getBytes(StandardCharsets.US_ASCII));
    gz[gz.length - 8] ^= 1;
    return b64(gz).replace("=", "");
  }

  @Test
  void damagedPayloadThatEndsStdin_saidOnStderr_exit3() throws IOException {
    // stdin ends where the run does: it was taken for a run the filter's buffer cut
    Filtered f = redact("a\nstate=" + damagedPayload());

    assertEquals(3, f.exit(), "a payload not examined whole is not a clean run");
    assertTrue(f.err().contains("corrupt: the base64 run at line 2, column 7 (offset 8; base64+gzip)"), f.err());
  }

  @Test
  void damagedPayloadLeftAsContextOfTheNextRead_countedOnce() throws IOException {
    // the payload's line ends the first 64 KiB read; the next read kept it as left context and
    // decoded it again, and it was counted twice
    String payload = "state=" + damagedPayload() + "\n";
    String filler = "2026-12-05 info ok\n".repeat(((1 << 16) - payload.length()) / 19);
    filler += "x".repeat((1 << 16) - payload.length() - filler.length() - 1) + "\n";
    String in = filler + payload + "2026-12-05 info after\n".repeat(10);
    assertEquals(1 << 16, (filler + payload).length(), "the payload ends the first read");

    Filtered f = redactPiped(in);

    assertEquals(3, f.exit());
    assertTrue(f.err().contains(": 1 encoded payload(s) could not be examined whole"), f.err());
    assertEquals(in, f.out(), "the lines pass through as they were");
  }

  @Test
  void aBombOnEveryLine_eachCounted() throws IOException {
    // a scan lists a leaf's first 8 payload problems and says there were more; the filter counted
    // what was listed, 9 for 30 (27 on a pipe's reads, 9 a read)
    String in = ("payload=" + b64(zerosBomb(8)) + "\n").repeat(30);

    for (Filtered f : List.of(redact(in), redactPiped(in))) {
      assertEquals(3, f.exit());
      assertTrue(f.err().contains(": 30 encoded payload(s) could not be examined whole"), f.err());
    }
  }
}

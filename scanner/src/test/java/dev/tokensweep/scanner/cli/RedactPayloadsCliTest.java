package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.b64;
import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code redact} over a base64 payload: the scan finds a token inside base64 of gzipped JSON
 * ({@code base64+gzip}), but no form of the token stands in the compressed bytes, so the filter
 * passed the line through as it was, the token in it, and exited 0. The payload's run is now
 * destroyed where it stands (base64 of zeros, the same length); and a payload the filter could not
 * examine whole (past a cap) is said on stderr with exit 3, never a silent 0.
 */
class RedactPayloadsCliTest {

  private final TokenForge forge = new TokenForge(new Random(47));

  private record Filtered(int exit, String out, String err) {}

  private static Filtered redact(String input) {
    InputStream saved = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)));
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
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(bo)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 8; i++) {
        g.write(zeros); // 8 MiB of zeros: past the 4 MiB a payload is unpacked to
      }
    }
    String in = "a\nblob=" + b64(bo.toByteArray()) + "\nb\n";

    Filtered f = redact(in);

    assertEquals(3, f.exit(), "a payload not examined whole is not a clean run");
    assertEquals(in, f.out(), "the lines pass through as they were");
    assertTrue(f.err().contains("1 encoded payload(s) could not be examined whole"), "said on stderr");
    assertTrue(f.err().contains("payload-bytes"), "with the cause");
  }
}

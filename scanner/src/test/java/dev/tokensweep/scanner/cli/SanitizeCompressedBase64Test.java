package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.b64;
import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.gzip;
import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.zlib;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sanitize of base64 runs holding gzip or zlib data: a Helm release Secret (base64 of base64 of
 * gzipped JSON) and compressed payloads in logs. The scan found their secrets, but the copy kept
 * them (no mask of the plain secret appears in compressed bytes) and its verification failed. Now
 * the copy holds the same documents, still valid base64 of valid gzip or zlib, with the secrets
 * masked, and every byte outside the rewritten runs unchanged.
 */
class SanitizeCompressedBase64Test {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(41));

  private static byte[] inflate(byte[] b, boolean gzip) throws IOException {
    try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(b))
        : new InflaterInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }

  private static byte[] unb64(String s) {
    return Base64.getDecoder().decode(s);
  }

  /** The value after {@code key} up to the line's end. */
  private static String valueAfter(String text, String key) {
    int s = text.indexOf(key);
    assertTrue(s >= 0, "key kept: " + key);
    s += key.length();
    int e = text.indexOf('\n', s);
    return text.substring(s, e);
  }

  @Test
  void helmReleaseAndZlibPayload_maskedInside_validAndClean() throws IOException {
    String ghp = forge.base62Crc32("ghp_");
    String gho = forge.base62Crc32("gho_");
    String values = "{\"name\":\"web\",\"chart\":{\"values\":{\"github\":{\"token\":\"" + ghp
        + "\"}}},\"manifest\":\"" + "kind: Deployment\\n".repeat(200) + "\"}";
    String release = b64(b64(gzip(values.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII));
    String payload = "{\"session\":{\"access_token\":\"" + gho + "\"},\"user\":\"ops\"}";
    String clean = b64(gzip("{\"nothing\":\"here\"}".repeat(20).getBytes(StandardCharsets.UTF_8)));
    String head = "apiVersion: v1\nkind: Secret\ntype: helm.sh/release.v1\ndata:\n  release: ";
    String tail = "\n  other: " + clean + "\n  state: " + b64(zlib(payload.getBytes(StandardCharsets.UTF_8))) + "\n";
    Path in = tmp.resolve("sh.helm.release.v1.web.v3.yaml");
    Files.writeString(in, head + release + tail);
    byte[] before = Files.readAllBytes(in);
    Path out = tmp.resolve("out.yaml");

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(0, r.exit(), "sanitized and verified clean");
    assertTrue(r.err().contains("verification clean"), "verification clean");
    assertArrayEquals(before, Files.readAllBytes(in), "input unchanged");
    String copy = Files.readString(out);
    assertTrue(copy.startsWith(head), "bytes before the run unchanged");
    assertEquals(clean, valueAfter(copy, "  other: "), "a compressed run without a secret is copied as it was");

    String json = new String(inflate(unb64(new String(unb64(valueAfter(copy, "  release: ")),
        StandardCharsets.US_ASCII)), true), StandardCharsets.UTF_8);
    JsonNode doc = new ObjectMapper().readTree(json);
    assertEquals("web", doc.get("name").asText(), "the release still parses");
    assertFalse(json.contains(ghp), "the token is masked inside the release");
    assertEquals(values.replace(ghp, "X"), json.replace(doc.at("/chart/values/github/token").asText(), "X"),
        "only the token changed in the release");

    String state = new String(inflate(unb64(valueAfter(copy, "  state: ")), false), StandardCharsets.UTF_8);
    JsonNode s = new ObjectMapper().readTree(state);
    assertEquals("ops", s.get("user").asText(), "the zlib payload still parses");
    assertFalse(state.contains(gho), "the token is masked inside the zlib payload");
    r.assertNotPrinted(ghp, "the release's token");
    r.assertNotPrinted(gho, "the payload's token");
  }

  @Test
  void urlSafePaddedRun_inJsonLog_keepsAlphabetAndPadding() throws IOException {
    String ghp = forge.base62Crc32("ghp_");
    byte[] gz = null;
    String enc = null;
    // a payload whose base64 has padding and, in the URL alphabet, a '-' or '_'
    for (int pad = 0; enc == null || !enc.endsWith("=") || !(enc.contains("-") || enc.contains("_")); pad++) {
      gz = gzip(("{\"token\":\"" + ghp + "\",\"pad\":\"" + "p".repeat(pad) + "\"}").getBytes(StandardCharsets.UTF_8));
      enc = Base64.getUrlEncoder().encodeToString(gz);
    }
    Path in = tmp.resolve("events.log");
    Files.writeString(in, "2026-12-05T10:00:00Z cookie=" + enc + "; path=/\n");
    Path out = tmp.resolve("events.out.log");

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(0, r.exit(), "sanitized and verified clean");
    String copy = Files.readString(out);
    assertTrue(copy.startsWith("2026-12-05T10:00:00Z cookie=") && copy.endsWith("; path=/\n"), "the line around it kept");
    String run = copy.substring("2026-12-05T10:00:00Z cookie=".length(), copy.length() - "; path=/\n".length());
    assertTrue(run.endsWith("="), "padded as it was");
    assertFalse(run.contains("+") || run.contains("/"), "in the URL alphabet as it was");
    String json = new String(inflate(Base64.getUrlDecoder().decode(run), true), StandardCharsets.UTF_8);
    assertFalse(json.contains(ghp), "masked");
    assertTrue(new ObjectMapper().readTree(json).has("pad"), "still JSON");
    r.assertNotPrinted(ghp, "the cookie's token");
  }
}

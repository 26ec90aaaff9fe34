package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firefox keeps its session (open tabs' URLs, form data, session cookies) in mozlz4 files,
 * {@code sessionstore-backups/recovery.jsonlz4}: magic, size, one LZ4 block. They were read as
 * binary leaves, where a token is compressed out of sight: 0 findings.
 */
class MozLz4CliTest {

  @TempDir
  Path tmp;

  private static final byte[] MAGIC = {'m', 'o', 'z', 'L', 'z', '4', '0', 0};

  private static byte[] mozLz4(byte[] content) throws IOException {
    return dev.tokensweep.scanner.pipeline.Archives.mozLz4(content);
  }

  private static byte[] content(byte[] file) throws IOException {
    assertArrayEquals(MAGIC, Arrays.copyOf(file, 8), "the magic");
    long size = 0;
    for (int i = 0; i < 4; i++) {
      size |= (long) (file[8 + i] & 0xFF) << (8 * i);
    }
    byte[] c;
    try (InputStream in = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(file, 12, file.length - 12))) {
      c = in.readAllBytes();
    }
    assertEquals(c.length, size, "the size field says the content's length");
    return c;
  }

  @Test
  void sessionStore_tokensFound_sanitizedCopyAValidMozLz4() throws IOException {
    TokenForge forge = new TokenForge(new Random(29));
    String session = "{\"version\":[\"sessionrestore\",1],\"windows\":[{\"tabs\":[{\"entries\":[{\"url\":"
        + "\"https://app.example.com/cb#access_token=" + forge.base62Crc32("gho_") + "&token_type=bearer\"}]}],"
        + "\"cookies\":[{\"host\":\"github.com\",\"name\":\"token\",\"value\":\"" + forge.base62Crc32("ghp_")
        + "\"}]}]," + "\"filler\":\"" + "abc ".repeat(2000) + "\"}";
    Path in = Files.createDirectories(tmp.resolve("sessionstore-backups")).resolve("recovery.jsonlz4");
    Files.write(in, mozLz4(session.getBytes(StandardCharsets.UTF_8)));
    byte[] before = Files.readAllBytes(in);

    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(2, r.out().split("\"type\":\"finding\"").length - 1, "both tokens");
    assertTrue(r.out().contains("recovery.jsonlz4!"), "inside the mozlz4");

    Path out = tmp.resolve("clean.jsonlz4");
    Run s = Run.run("sanitize", "-o", out.toString(), in.toString());
    assertEquals(0, s.exit(), "sanitized, verification clean");
    assertArrayEquals(before, Files.readAllBytes(in), "input unchanged");
    String copy = new String(content(Files.readAllBytes(out)), StandardCharsets.UTF_8);
    assertTrue(copy.startsWith("{\"version\":[\"sessionrestore\",1]") && copy.contains("[REDACTED:"), "the session, masked");
    assertFalse(copy.contains("ghp_") && copy.contains("gho_"), "no token prefix left whole");
    assertEquals(0, Run.run("scan", "--quiet", "--no-progress", out.toString()).exit(), "nothing found in the copy");
  }

  @Test
  void clean_copiedAsItWas_truncatedReported() throws IOException {
    byte[] file = mozLz4("{\"version\":[\"sessionrestore\",1],\"windows\":[]}".getBytes(StandardCharsets.UTF_8));
    Path in = tmp.resolve("clean.jsonlz4");
    Files.write(in, file);
    Path out = tmp.resolve("copy.jsonlz4");
    assertEquals(0, Run.run("sanitize", "-o", out.toString(), in.toString()).exit());
    assertArrayEquals(file, Files.readAllBytes(out), "copied as it was");

    Path cut = tmp.resolve("cut.jsonlz4");
    Files.write(cut, Arrays.copyOf(file, 10));
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", cut.toString());
    assertEquals(3, r.exit(), "a header cut short is a problem, not a clean scan");
  }
}

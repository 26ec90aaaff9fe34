package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scanning with a random chunk size finds the same things at the same places as scanning whole (text and binary: BinaryReaderTest). */
class RandomChunksTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(123));

  private static List<String> summary(ScanResult r) {
    List<String> out = new ArrayList<>();
    for (Finding f : r.findings()) {
      Location l = f.location();
      out.add(f.evidence().ruleId() + "@" + l.offset() + "/" + l.line() + "/" + l.column() + "/" + l.entry() + "/"
          + l.timestamp() + "/" + l.jsonPath() + "/" + l.decodings() + "/" + l.format() + "/" + f.evidence().fingerprint());
    }
    return out;
  }

  private void assertChunkingInvariant(Path p, int size, int tokens, Random r) {
    List<String> whole = summary(scan(p, size + 1));
    assertEquals(tokens, whole.size(), "whole scan finds every planted token once");
    for (int round = 0; round < 6; round++) {
      int chunk = 64 + r.nextInt(r.nextBoolean() ? 300 : 4000);
      assertEquals(whole, summary(scan(p, chunk)), "chunk " + chunk);
    }
  }

  private String filler(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }

  @Test
  void zshHistory_metafiedContinuedAndLongEntries() throws IOException {
    Random r = new Random(1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 30; i++) {
      out.writeBytes((": " + (1_700_000_000L + i) + ":0;echo " + filler(r, r.nextInt(i % 5 == 0 ? 3000 : 100))).getBytes(StandardCharsets.UTF_8));
      if (i % 3 == 0) {
        out.writeBytes(new byte[] {' ', (byte) 0x83, (byte) (0xA0 ^ 0x20), ' '}); // a metafied byte
      }
      if (i % 4 == 0) {
        out.writeBytes(" \\\n  ".getBytes(StandardCharsets.UTF_8)); // continued on the next line
      }
      out.writeBytes((" GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + " " + filler(r, r.nextInt(200)) + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    Path p = dir.resolve(".zsh_history");
    Files.write(p, out.toByteArray());
    assertChunkingInvariant(p, out.size(), 30, r);
  }

  @Test
  void bashHistory_timestampedMultiLineEntries() throws IOException {
    Random r = new Random(2);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      b.append('#').append(1_700_000_000L + i).append('\n');
      b.append("curl -H 'x: ").append(filler(r, r.nextInt(i % 6 == 0 ? 2500 : 80))).append("'\n");
      b.append("  -d token=").append(forge.base62Crc32("gho_")).append(' ').append(filler(r, r.nextInt(100))).append('\n');
    }
    Path p = dir.resolve(".bash_history");
    Files.writeString(p, b.toString());
    assertChunkingInvariant(p, b.length(), 30, r);
  }

  @Test
  void jsonLines_linesOfEverySize() throws IOException {
    Random r = new Random(3);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      b.append("{\"ts\":").append(i).append(",\"msg\":\"").append(filler(r, r.nextInt(i % 4 == 0 ? 5000 : 60)))
          .append("\",\"headers\":[{\"name\":\"x-token\",\"value\":\"").append(forge.base62Crc32("ghp_"))
          .append("\"}],\"tail\":\"").append(filler(r, r.nextInt(300))).append("\"}\n");
    }
    Path p = dir.resolve("app.jsonl");
    Files.writeString(p, b.toString());
    List<String> whole = summary(scan(p, b.length() + 1));
    assertEquals(30, whole.size());
    // random chunks that hold every line: a line longer than the chunk is read as text, without
    // its JSON path, by design (JsonReaderTest covers that fallback)
    for (int round = 0; round < 6; round++) {
      int chunk = 6000 + r.nextInt(4000);
      assertEquals(whole, summary(scan(p, chunk)), "chunk " + chunk);
    }
  }

  @Test
  void jsonDocument_randomChunksOfTheTextFallback() throws IOException {
    Random r = new Random(4);
    StringBuilder b = new StringBuilder("{\"log\":{\"entries\":[");
    for (int i = 0; i < 20; i++) {
      b.append(i == 0 ? "" : ",").append("{\"request\":{\"headers\":[{\"name\":\"Authorization\",\"value\":\"token ")
          .append(forge.base62Crc32("ghp_")).append("\"}],\"pad\":\"").append(filler(r, r.nextInt(2000))).append("\"}}");
    }
    b.append("]}}");
    Path p = dir.resolve("x.har");
    Files.writeString(p, b.toString());
    assertChunkingInvariant(p, b.length(), 20, r);
  }

  /**
   * A base64 or URL-encoded blob longer than what a chunk holds with its context (~17 KB on each
   * side), with a token anywhere in it: the chunk that owns the blob's start reads on to its end,
   * so the token is found once whatever the chunk borders, as it is in one piece.
   */
  @Test
  void longEncodedBlobs_tokensAnywhereInThem() throws IOException {
    Random r = new Random(5);
    StringBuilder b = new StringBuilder();
    int tokens = 0;
    for (int i = 0; i < 12; i++) {
      b.append("2026-12-03T10:00:").append(10 + i).append("Z app ").append(filler(r, 40 + r.nextInt(300))).append('\n');
      int size = 20_000 + r.nextInt(70_000); // decoded bytes: 27-120 KB encoded as base64
      double at = i % 3 == 0 ? 0.05 : i % 3 == 1 ? 0.5 : 0.95; // near the start, the middle, the end
      String words = filler(r, size).replaceAll("(.{9})", "$1 ");
      int cut = (int) (words.length() * at);
      String json = "{\"note\":\"" + words.substring(0, cut) + "\",\"github_token\":\"" + forge.base62Crc32("ghp_")
          + "\",\"more\":\"" + words.substring(cut) + "\"}";
      tokens++;
      if (i % 4 == 3) {
        // URL-encoded, as a form in a query string: its run of URL characters is as long
        b.append("GET /cb?state=").append(java.net.URLEncoder.encode(json, StandardCharsets.UTF_8).replace("+", "%20"))
            .append(" HTTP/1.1\n");
      } else {
        b.append("config=").append(java.util.Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
            .append('\n');
      }
    }
    Path p = dir.resolve("blobs.log");
    Files.writeString(p, b.toString());
    assertChunkingInvariant(p, b.length(), tokens, r);
  }
}

package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gzip header's original file name and comment ({@code gzip -lN} shows them) are in the file
 * but in no member's content: a token there was neither found by scan nor taken out by sanitize.
 */
class GzipHeaderCliTest {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(12));

  private static byte[] gzip(String name, String comment, byte[] content) throws IOException {
    GzipParameters p = new GzipParameters();
    p.setFileName(name);
    p.setComment(comment);
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(bo, p)) {
      gz.write(content);
    }
    return bo.toByteArray();
  }

  private static List<String> findingPaths(Run r) throws IOException {
    List<String> paths = new ArrayList<>();
    for (JsonNode n : r.jsonlFindings()) {
      paths.add(n.get("location").get("path").asText().replaceAll("^.*/", "") + " " + n.get("rule_id").asText());
    }
    return paths;
  }

  @Test
  void tokenInTheHeadersNameAndComment_foundAndSanitized() throws IOException {
    byte[] content = "plain log line\n".getBytes(StandardCharsets.US_ASCII);
    Path in = tmp.resolve("app.log.gz");
    Files.write(in, gzip("session-" + forge.base62Crc32("ghp_"), "uploaded with " + forge.base62Crc32("gho_"), content));
    byte[] before = Files.readAllBytes(in);

    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("app.log.gz!<gzip comment> ts.github.2", "app.log.gz!<gzip name> ts.github.1"),
        findingPaths(r).stream().sorted().toList());

    Path out = tmp.resolve("clean.gz");
    Run s = Run.run("sanitize", "-o", out.toString(), in.toString());
    assertEquals(0, s.exit(), "sanitized, verification clean");
    assertTrue(s.err().contains("verification clean"), "verification clean");
    assertArrayEquals(before, Files.readAllBytes(in), "input unchanged");
    assertEquals(0, Run.run("scan", "--quiet", "--no-progress", out.toString()).exit(), "no token left in the copy");
    try (InputStream gz = new GzipCompressorInputStream(Files.newInputStream(out))) {
      assertArrayEquals(content, gz.readAllBytes(), "the content as it was");
    }
    try (GzipCompressorInputStream gz = new GzipCompressorInputStream(Files.newInputStream(out))) {
      String name = gz.getMetaData().getFileName();
      String comment = gz.getMetaData().getComment();
      assertTrue(name.startsWith("session-[REDACTED:"), "the name keeps its text, its token masked");
      assertTrue(comment.startsWith("uploaded with [REDACTED:"), "the comment too");
    }
  }

  @Test
  void cleanHeader_nameAndCommentKept_copyByteIdentical() throws IOException {
    Path in = tmp.resolve("clean.log.gz");
    Files.write(in, gzip("clean.log", "nightly rotation", "nothing secret\n".getBytes(StandardCharsets.US_ASCII)));
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(0, r.exit());
    assertFalse(r.out().contains("\"type\":\"finding\""));
    Path out = tmp.resolve("copy.gz");
    assertEquals(0, Run.run("sanitize", "-o", out.toString(), in.toString()).exit());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out), "a clean gzip is copied as it was");
  }
}

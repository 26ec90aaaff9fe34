package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base64 of gzip or zlib data: Helm keeps each release (its values, secrets among them) in a
 * Kubernetes Secret as base64 of base64 of gzipped JSON, and payloads carry compressed JSON the
 * same way. The decoding layer gave such runs up as binary: 0 findings.
 */
class CompressedBase64CliTest {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(37));

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      g.write(b);
    }
    return bo.toByteArray();
  }

  private static byte[] zlib(byte[] b) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(bo)) {
      d.write(b);
    }
    return bo.toByteArray();
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** Each finding's rule and decoding layers. */
  private static List<String> found(Run r) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode n : r.jsonlFindings()) {
      out.add(n.get("rule_id").asText() + " " + n.get("location").path("decodings"));
    }
    return out;
  }

  @Test
  void helmReleaseSecret_andZlibPayload_found() throws IOException {
    String values = "{\"name\":\"web\",\"chart\":{\"values\":{\"github\":{\"token\":\"" + forge.base62Crc32("ghp_")
        + "\"}}},\"manifest\":\"" + "kind: Deployment\\n".repeat(200) + "\"}";
    String release = b64(b64(gzip(values.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII));
    Path helm = tmp.resolve("sh.helm.release.v1.web.v3.yaml");
    Files.writeString(helm, "apiVersion: v1\nkind: Secret\ntype: helm.sh/release.v1\ndata:\n  release: " + release + "\n");
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", helm.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 [\"base64\",\"base64+gzip\"]"), found(r));

    Path log = tmp.resolve("payload.log");
    Files.writeString(log, "2026-12-05 DEBUG state=" + b64(zlib(("{\"session\":{\"access_token\":\""
        + forge.base62Crc32("gho_") + "\"}}").getBytes(StandardCharsets.UTF_8))) + " done\n");
    Run z = Run.run("scan", "--format", "jsonl", "--no-progress", log.toString());
    assertEquals(1, z.exit(), "found");
    assertEquals(List.of("ts.github.2 [\"base64+zlib\"]"), found(z));
  }

  @Test
  void zipAttachmentInJson_entriesFound() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      z.putNextEntry(new java.util.zip.ZipEntry("logs/app.log"));
      z.write(("x ".repeat(500) + "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII));
      z.closeEntry();
      z.putNextEntry(new java.util.zip.ZipEntry("image.bin"));
      byte[] noise = new byte[2048];
      new Random(5).nextBytes(noise);
      z.write(noise);
      z.closeEntry();
    }
    Path p = tmp.resolve("bundle.json");
    Files.writeString(p, "{\"ticket\":42,\"attachment\":\"" + b64(bo.toByteArray()) + "\"}");
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", p.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 [\"base64+zip\"]"), found(r));
  }

  @Test
  void bombAndBinary_boundedAndQuiet() throws IOException {
    // 64 MiB of zeros gzip to ~64 KiB: inflated only up to the cap, and the scan still ends clean
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        g.write(zeros);
      }
    }
    byte[] noise = new byte[4096];
    new Random(3).nextBytes(noise);
    Path p = tmp.resolve("blobs.log");
    Files.writeString(p, "bomb=" + b64(bo.toByteArray()) + "\nbinary=" + b64(gzip(noise)) + "\ntext=" + b64(gzip(
        "a".repeat(10_000).getBytes(StandardCharsets.US_ASCII))) + "\n");
    long t0 = System.nanoTime();
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", p.toString());
    assertEquals(0, r.exit(), "nothing found, nothing wrong");
    assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "bounded");
  }
}

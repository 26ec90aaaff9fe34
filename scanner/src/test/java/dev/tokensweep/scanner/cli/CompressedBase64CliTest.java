package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.pipeline.Archives;
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
 * same way; tarballs, zips and 7z archives, bzip2, xz and zstd data travel in base64 fields of
 * bundles, ConfigMaps and API answers. The decoding layer gave such runs up as binary: 0 findings.
 */
class CompressedBase64CliTest {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(37));

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      g.write(b);
    }
    return bo.toByteArray();
  }

  static byte[] zlib(byte[] b) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(bo)) {
      d.write(b);
    }
    return bo.toByteArray();
  }

  static String b64(byte[] b) {
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
  void twoTokensOfOneRuleInOnePayload_bothReported() throws IOException {
    // every finding in a payload is located at the run's start: two tokens of one rule there were one finding
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      for (String name : new String[] {"ci/deploy.env", "ci/release.env"}) {
        z.putNextEntry(new java.util.zip.ZipEntry(name));
        z.write(("GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII));
        z.closeEntry();
      }
    }
    String twice = "{\"a\":\"" + forge.base62Crc32("ghp_") + "\",\"b\":\"" + forge.base62Crc32("ghp_") + "\"}";
    Path p = tmp.resolve("bundle.json");
    Files.writeString(p, "{\"attachment\":\"" + b64(bo.toByteArray()) + "\",\"state\":\""
        + b64(gzip(twice.getBytes(StandardCharsets.UTF_8))) + "\"}");
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", p.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 [\"base64+gzip\"]", "ts.github.1 [\"base64+gzip\"]",
        "ts.github.1 [\"base64+zip\"]", "ts.github.1 [\"base64+zip\"]"), sorted(found(r)), "each token once");
  }

  private static java.util.Map<String, byte[]> members(String... nameAndContent) {
    java.util.Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < nameAndContent.length; i += 2) {
      m.put(nameAndContent[i], nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  private static List<String> sorted(List<String> l) {
    List<String> s = new ArrayList<>(l);
    java.util.Collections.sort(s);
    return s;
  }

  @Test
  void tarballsInYamlAndJson_membersAndNamesFound() throws IOException {
    // kubectl cp and support APIs ship a tar, or a .tar.gz, in a base64 field
    String inName = forge.base62Crc32("gho_");
    byte[] tar = Archives.tar(members("var/log/app.log", "x ".repeat(300) + "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n",
        "secrets/" + inName + ".txt", "see the name\n"));
    Path yaml = tmp.resolve("configmap.yaml");
    Files.writeString(yaml, "apiVersion: v1\nkind: ConfigMap\nbinaryData:\n  support.tar: " + b64(tar) + "\n");
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", yaml.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 [\"base64+tar\"]", "ts.github.2 [\"base64+tar\"]"), sorted(found(r)));
    r.assertNotPrinted(inName.substring(8, 30), "the token in a member's name");

    byte[] tgz = Archives.gzip(Archives.tar(members("home/u/.config/gh/hosts.yml",
        "github.com:\n    oauth_token: " + forge.base62Crc32("gho_") + "\n")));
    Path json = tmp.resolve("ticket.json");
    Files.writeString(json, "{\"ticket\":7,\"bundle\":\"" + b64(tgz) + "\"}");
    Run j = Run.run("scan", "--format", "jsonl", "--no-progress", json.toString());
    assertEquals(1, j.exit(), "found");
    assertEquals(List.of("ts.github.2 [\"base64+gzip+tar\"]"), found(j));
  }

  @Test
  void bzip2XzZstdAndSevenZInBase64_found() throws IOException {
    Path sevenZ = tmp.resolve("a.7z");
    Archives.sevenZ(sevenZ, members("notes/env.txt", "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n"));
    Path log = tmp.resolve("payloads.log");
    Files.writeString(log, "bz=" + b64(Archives.bzip2(("token=" + forge.base62Crc32("ghp_")).getBytes(StandardCharsets.US_ASCII)))
        + "\nxz=" + b64(Archives.xz(("token=" + forge.base62Crc32("ghp_")).getBytes(StandardCharsets.US_ASCII)))
        + "\nzst=" + b64(Archives.zstd(("token=" + forge.base62Crc32("ghp_")).getBytes(StandardCharsets.US_ASCII)))
        + "\nseven=" + b64(Files.readAllBytes(sevenZ)) + "\n");
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", log.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 [\"base64+bzip2\"]", "ts.github.1 [\"base64+xz\"]", "ts.github.1 [\"base64+zstd\"]",
        "ts.github.1 [\"base64+7z\"]"), found(r));
  }

  @Test
  void compressedMemberInAnArchive_oneStepMore() throws IOException {
    byte[] rotated = Archives.gzip(("x ".repeat(200) + "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII));
    java.util.Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    m.put("logs/app.log.1.gz", rotated);
    Path p = tmp.resolve("bundle.json");
    Files.writeString(p, "{\"zip\":\"" + b64(Archives.zip(m)) + "\",\n\"tgz\":\"" + b64(Archives.gzip(Archives.tar(m))) + "\"}");
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", p.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 [\"base64+zip+gzip\"]", "ts.github.1 [\"base64+gzip+tar+gzip\"]"), found(r));
  }

  @Test
  void bombInATarInBase64_stopsAtTheCap_membersAroundItFound() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        g.write(zeros);
      }
    }
    java.util.Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    m.put("before.log", ("GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII));
    m.put("core.gz", bo.toByteArray());
    m.put("again.gz", bo.toByteArray());
    // another rule: one rule's findings at one place (the run's start) are reported once
    m.put("after.log", ("GH_TOKEN=" + forge.base62Crc32("gho_") + "\n").getBytes(StandardCharsets.US_ASCII));
    Path p = tmp.resolve("blobs.log");
    Files.writeString(p, "payload=" + b64(Archives.tar(m)) + "\n");
    long t0 = System.nanoTime();
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", p.toString());
    assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "bounded");
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 [\"base64+tar\"]", "ts.github.2 [\"base64+tar\"]"), found(r));
    assertTrue(r.err().contains("payload-bytes: the base64 run at line 1, column 9 (offset 8; base64+tar+gzip)"),
        "the bomb's rest, not scanned, is said");
  }

  @Test
  void sanitize_tokenInACutTarGzInBase64_verificationFails() throws IOException {
    // sanitize rebuilds archives and compressed data in base64 (SanitizeArchivesInBase64Test), but
    // not one cut short (a log line truncated by its writer): the scan reads its members up to
    // the cut, but the copy cannot inflate it whole, so the run is copied as it was, and the
    // verification must say the token stays (exit 1), never 'clean'
    String token = forge.base62Crc32("ghp_");
    StringBuilder noise = new StringBuilder(); // text that does not compress: the cut lands inside it
    Random rnd = new Random(5);
    while (noise.length() < 40_000) {
      noise.append((char) ('a' + rnd.nextInt(26)));
    }
    byte[] tgz = Archives.gzip(Archives.tar(members("etc/app.env", "GH_TOKEN=" + token + "\n", "etc/more.txt",
        noise.toString())));
    Path in = tmp.resolve("in.log");
    Files.writeString(in, "tgz=" + b64(java.util.Arrays.copyOf(tgz, tgz.length / 2)) + "\n");
    Run scan = Run.run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(List.of("ts.github.1 [\"base64+gzip+tar\"]"), found(scan), "the scan finds it");
    Path out = tmp.resolve("out.log");
    Run s = Run.run("sanitize", "-o", out.toString(), in.toString());
    assertEquals(1, s.exit(), "verification failed");
    assertTrue(s.err().contains("verification FAILED (1 remain)"), "the payload remains in the copy");
    s.assertNotPrinted(token.substring(8, 30), "the token");
  }

  @Test
  void bombAndBinary_boundedAndOnlyTheBombSaid() throws IOException {
    // 64 MiB of zeros gzip to ~64 KiB: inflated only up to the cap, which is said; binary and text
    // payloads within the caps are read quietly
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
    assertEquals(3, r.exit(), "nothing found, the bomb's rest not scanned");
    assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "bounded");
    assertTrue(r.err().contains("1 problem"), "the bomb only");
    assertTrue(r.err().contains("payload-bytes: the base64 run at line 1, column 6"), "the bomb's line");
  }
  @Test
  void jsonLinesWhosePayloadAloneHoldsAToken_found() throws IOException {
    // JSON lines with no keyword, escape or text-like base64 run are not walked (KeywordStems): a
    // line whose only token sits in a compressed payload was skipped, unread and unsaid
    Path p = tmp.resolve("events.jsonl");
    Files.writeString(p, "{\"n\":1,\"msg\":\"started\"}\n{\"n\":2,\"state\":\"" + b64(gzip(("{\"session\":{\"token\":\""
        + forge.base62Crc32("gho_") + "\"}}").getBytes(StandardCharsets.UTF_8))) + "\"}\n{\"n\":3,\"bundle\":\""
        + b64(Archives.zip(members("ci.env", "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n"))) + "\"}\n");
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", p.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.2 [\"base64+gzip\"]", "ts.github.1 [\"base64+zip\"]"), found(r));
  }
}

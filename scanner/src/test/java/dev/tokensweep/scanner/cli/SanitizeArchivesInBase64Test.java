package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.pipeline.Archives;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sanitize of base64 runs holding an archive (a {@code kubectl cp} tarball, a zip attachment, a 7z)
 * or bzip2, xz or zstd data, and gzip holding a tar: the scan finds their secrets ({@code
 * base64+tar}, {@code base64+xz+tar}, ...), but the copy kept them, because no form of the plain
 * secret is in compressed bytes, and the verification failed (exit 1). And where the secret's bytes
 * did stand in the base64 (a stored zip member), the base64 form zeroed them and left the member's
 * checksum wrong. Now each such payload is rebuilt member by member by the archive walker, valid,
 * with its secrets masked as any leaf's are, and every byte outside the rewritten runs unchanged.
 */
class SanitizeArchivesInBase64Test {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(43));

  private static final String MASK = "\\[REDACTED:[a-z0-9_]+:[0-9a-f]{8}\\]";

  /** The member contents of an archive, by name, read by commons-compress (which checks a zip's CRCs). */
  private static Map<String, String> members(String kind, byte[] b) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    switch (kind) {
      case "zip" -> {
        try (ZipFile z = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(b)).get()) {
          for (ZipArchiveEntry e : java.util.Collections.list(z.getEntries())) {
            byte[] c;
            try (InputStream in = z.getInputStream(e)) {
              c = in.readAllBytes();
            }
            CRC32 crc = new CRC32();
            crc.update(c);
            assertEquals(e.getCrc(), crc.getValue(), "the rebuilt zip's checksum holds for a member");
            out.put(e.getName(), new String(c, StandardCharsets.UTF_8));
          }
        }
      }
      case "7z" -> {
        try (SevenZFile z = SevenZFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(b)).get()) {
          for (SevenZArchiveEntry e; (e = z.getNextEntry()) != null; ) {
            byte[] c = new byte[(int) e.getSize()];
            int m = 0;
            for (int r; m < c.length && (r = z.read(c, m, c.length - m)) > 0; ) {
              m += r;
            }
            out.put(e.getName(), new String(c, 0, m, StandardCharsets.UTF_8));
          }
        }
      }
      case "tar", "tgz", "txz", "tz" -> {
        InputStream raw = new ByteArrayInputStream(b);
        InputStream in = kind.equals("tgz") ? new GZIPInputStream(raw)
            : kind.equals("txz") ? new XZCompressorInputStream(raw)
            : kind.equals("tz") ? new java.util.zip.InflaterInputStream(raw) : raw;
        try (ArchiveInputStream<?> t = new TarArchiveInputStream(in)) {
          for (ArchiveEntry e; (e = t.getNextEntry()) != null; ) {
            out.put(e.getName(), new String(t.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      }
      case "bz" -> out.put("", new String(new BZip2CompressorInputStream(new ByteArrayInputStream(b)).readAllBytes(),
          StandardCharsets.UTF_8));
      case "zst" -> out.put("", new String(new ZstdCompressorInputStream(new ByteArrayInputStream(b)).readAllBytes(),
          StandardCharsets.UTF_8));
      default -> throw new AssertionError(kind);
    }
    return out;
  }

  private static Map<String, byte[]> one(String name, String content) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put(name, content.getBytes(StandardCharsets.UTF_8));
    return m;
  }

  @Test
  void archivesAndCompressionInBase64_rebuiltMaskedValid_verificationClean() throws IOException {
    Map<String, String> tokens = new LinkedHashMap<>();
    Map<String, String> plain = new LinkedHashMap<>(); // each payload's member text, before
    Map<String, byte[]> payloads = new LinkedHashMap<>();
    for (String kind : new String[] {"tar", "tgz", "txz", "tz", "zip", "stored", "7z", "bz", "zst"}) {
      String token = forge.base62Crc32(kind.length() % 2 == 0 ? "ghp_" : "gho_");
      String text = "# " + kind + "\n" + "x ".repeat(100) + "\nGH_TOKEN=" + token + "\nafter=1\n";
      tokens.put(kind, token);
      plain.put(kind, text);
      Map<String, byte[]> m = one("etc/" + kind + "/app.env", text);
      byte[] p = switch (kind) {
        case "tar" -> Archives.tar(m);
        case "tgz" -> Archives.gzip(Archives.tar(m));
        case "txz" -> Archives.xz(Archives.tar(m));
        case "tz" -> Archives.zlib(Archives.tar(m));
        case "zip" -> Archives.zip(m);
        case "stored" -> Archives.storedZip(m);
        case "7z" -> {
          Path f = tmp.resolve("a.7z");
          Archives.sevenZ(f, m);
          yield Files.readAllBytes(f);
        }
        case "bz" -> Archives.bzip2(m.values().iterator().next());
        case "zst" -> Archives.zstd(m.values().iterator().next());
        default -> throw new AssertionError(kind);
      };
      payloads.put(kind, p);
    }
    String clean = b64(Archives.bzip2("nothing here\n".repeat(50).getBytes(StandardCharsets.US_ASCII)));
    StringBuilder log = new StringBuilder("2026-12-05T10:00:00Z start\n");
    for (Map.Entry<String, byte[]> p : payloads.entrySet()) {
      log.append("2026-12-05T10:00:01Z upload ").append(p.getKey()).append("=").append(b64(p.getValue()))
          .append(" done\n");
    }
    log.append("2026-12-05T10:00:02Z clean=").append(clean).append(" done\n");
    Path in = tmp.resolve("uploads.log");
    Files.writeString(in, log);
    byte[] before = Files.readAllBytes(in);
    Path out = tmp.resolve("uploads.out.log");

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(0, r.exit(), "sanitized and verified clean");
    assertTrue(r.err().contains("verification clean"), "verification clean");
    assertArrayEquals(before, Files.readAllBytes(in), "input unchanged");
    String[] lines = Files.readString(out).split("\n", -1);
    assertEquals(log.toString().split("\n", -1).length, lines.length, "as many lines");
    assertEquals("2026-12-05T10:00:00Z start", lines[0], "a line without a payload unchanged");
    assertEquals("2026-12-05T10:00:02Z clean=" + clean + " done", lines[lines.length - 2],
        "a payload without a secret unchanged");
    int i = 1;
    for (String kind : payloads.keySet()) {
      String prefix = "2026-12-05T10:00:01Z upload " + kind + "=";
      String line = lines[i++];
      assertTrue(line.startsWith(prefix) && line.endsWith(" done"), "the line around the " + kind + " payload kept");
      byte[] rebuilt = Base64.getDecoder().decode(line.substring(prefix.length(), line.length() - " done".length()));
      Map<String, String> got = members(kind.equals("stored") ? "zip" : kind, rebuilt);
      String name = kind.equals("bz") || kind.equals("zst") ? "" : "etc/" + kind + "/app.env";
      assertEquals(java.util.Set.of(name), got.keySet(), kind + ": the same member");
      String text = got.get(name);
      assertFalse(text.contains(tokens.get(kind)), kind + ": the token masked");
      assertEquals(plain.get(kind).replace(tokens.get(kind), "X"), text.replaceAll(MASK, "X"),
          kind + ": the member's text otherwise unchanged, the token replaced by a mask");
    }
    for (String t : tokens.values()) {
      r.assertNotPrinted(t, "a payload's token");
    }
  }
}

package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
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

class BinaryReaderTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(1));

  /** Random bytes that rarely form text: mostly high and control bytes, some zeros. */
  private static void noise(ByteArrayOutputStream out, Random r, int n) {
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(4);
      out.write(k == 0 ? 0 : k == 1 ? r.nextInt(32) : 0x80 + r.nextInt(32));
    }
  }

  private static void put(ByteArrayOutputStream out, String s, String encoding) {
    byte[] b = s.getBytes(switch (encoding) {
      case "utf-16le" -> StandardCharsets.UTF_16LE;
      case "utf-16be" -> StandardCharsets.UTF_16BE;
      default -> StandardCharsets.ISO_8859_1;
    });
    out.write(b, 0, b.length);
  }

  private static void assertAt(Location l, String format, String encoding, long offset) {
    assertEquals(format, l.format(), "format");
    assertEquals(encoding, l.encoding(), "encoding");
    assertEquals(offset, l.offset(), "offset");
  }

  @Test
  void minidump_utf16leAsciiAndBeTokens_foundOnceWithOffsetAndEncoding() throws IOException {
    Random r = new Random(7);
    String le = forge.base62Crc32("ghp_");
    String ascii = forge.base62Crc32("gho_");
    String be = forge.base62Crc32("ghs_");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {'M', 'D', 'M', 'P', (byte) 0x93, (byte) 0xA7, 0, 0}, 0, 8);
    noise(out, r, 3000);
    out.write(0);
    out.write(0);
    long leAt = out.size() + "GITHUB_TOKEN=".length() * 2L;
    put(out, "GITHUB_TOKEN=" + le, "utf-16le");
    out.write(0);
    out.write(0);
    noise(out, r, 2000);
    out.write(0);
    long asciiAt = out.size() + "token ".length();
    put(out, "token " + ascii + " in memory", "ascii");
    out.write(0);
    noise(out, r, 2000);
    out.write(1);
    long beAt = out.size() + "T=".length() * 2L;
    put(out, "T=" + be, "utf-16be");
    out.write(7);
    noise(out, r, 1000);
    Path p = dir.resolve("crash.dmp");
    Files.write(p, out.toByteArray());
    ScanResult res = scan(p);
    noProblems(res);
    assertAt(one(res, le, "le").location(), "minidump", "utf-16le", leAt);
    assertAt(one(res, ascii, "ascii").location(), "minidump", "ascii", asciiAt);
    assertAt(one(res, be, "be").location(), "minidump", "utf-16be", beAt);
    assertEquals(3, res.findings().size());
  }

  @Test
  void hprof_charArrayBigEndian_reportedAsUtf16be() throws IOException {
    String t = forge.base62Crc32("gho_");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    put(out, "JAVA PROFILE 1.0.2", "ascii");
    out.write(0);
    out.write(new byte[] {0, 0, 0, 8, 0, 0, 1, (byte) 0x90, 0x23}, 0, 9);
    // a char[] whose bytes are 00 c 00 c ... 00, then a record tag: both byte orders would fit
    long at = out.size();
    put(out, t, "utf-16be");
    out.write(0);
    out.write(0x21);
    Path p = dir.resolve("heap.hprof");
    Files.write(p, out.toByteArray());
    ScanResult res = scan(p);
    assertAt(one(res, t, "hprof").location(), "hprof", "utf-16be", at);
  }

  @Test
  void elfCore_isNamedByItsType() throws IOException {
    String t = forge.base62Crc32("ghp_");
    byte[] head = new byte[64];
    head[0] = 0x7F;
    head[1] = 'E';
    head[2] = 'L';
    head[3] = 'F';
    head[4] = 2;
    head[5] = 1;
    head[16] = 4; // ET_CORE
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(head, 0, head.length);
    long at = out.size() + 6;
    put(out, "TOKEN=" + t, "ascii");
    out.write(0);
    Path p = dir.resolve("core.1234");
    Files.write(p, out.toByteArray());
    assertAt(one(scan(p), t, "core").location(), "elf-core", "ascii", at);
  }

  @Test
  void binaryByName_butTextByContent_staysText() throws IOException {
    String t = forge.base62Crc32("ghp_");
    Path p = dir.resolve("memory.dmp");
    Files.writeString(p, "plain text\nexport T=" + t + "\n");
    Location l = one(scan(p), t, "text").location();
    assertEquals("text", l.format());
    assertEquals(2L, l.line());
  }

  @Test
  void hsErr_isTextNamedHsErr() throws IOException {
    String t = forge.base62Crc32("ghp_");
    Path p = dir.resolve("hs_err_pid4242.log");
    Files.writeString(p, "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n"
        + "jvm_args: -Dgh.token=" + t + "\n");
    Location l = one(scan(p), t, "hs_err").location();
    assertEquals("hs-err", l.format());
    assertEquals(4L, l.line());
  }

  /** What a scan found, as comparable values (no secrets). */
  private static List<String> summary(ScanResult r) {
    List<String> out = new ArrayList<>();
    for (Finding f : r.findings()) {
      Location l = f.location();
      out.add(f.evidence().ruleId() + "@" + l.offset() + "/" + l.encoding() + "/" + l.line() + "/" + l.column() + "/"
          + l.format() + "/" + f.evidence().fingerprint());
    }
    return out;
  }

  @Test
  void randomChunks_binary_equalWholeScan() throws IOException {
    Random r = new Random(42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {'M', 'D', 'M', 'P'}, 0, 4);
    String[] enc = {"ascii", "utf-16le", "utf-16be"};
    for (int i = 0; i < 30; i++) {
      noise(out, r, r.nextInt(3000));
      out.write(0);
      StringBuilder filler = new StringBuilder();
      for (int k = r.nextInt(400); k > 0; k--) {
        filler.append((char) ('a' + r.nextInt(26)));
      }
      put(out, filler + " tok=" + forge.base62Crc32("ghp_") + " " + filler, enc[i % 3]);
      out.write(i % 2 == 0 ? 0 : 3);
    }
    Path p = dir.resolve("random.dmp");
    Files.write(p, out.toByteArray());
    sameInRandomChunks(p, 30, r, 6, 200, 6000);
  }

  @Test
  void randomChunks_text_equalWholeScan() throws IOException {
    Random r = new Random(43);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      for (int k = r.nextInt(600); k > 0; k--) {
        b.append(k % 50 == 0 ? '\n' : (char) ('a' + r.nextInt(26)));
      }
      b.append(' ').append(forge.base62Crc32(i % 2 == 0 ? "ghp_" : "gho_")).append(i % 3 == 0 ? "\n" : " ");
    }
    Path p = dir.resolve("app.log");
    Files.writeString(p, b.toString());
    sameInRandomChunks(p, 40, r, 6, 200, 5000);
  }

  /**
   * A dump holding base64 strings longer than a window's context (ASCII and UTF-16), a token
   * late in each: the window that owns a string's start reads on to its end.
   */
  @Test
  void randomChunks_longBase64Strings_equalWholeScan() throws IOException {
    Random r = new Random(44);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {'M', 'D', 'M', 'P'}, 0, 4);
    String[] enc = {"ascii", "utf-16le", "utf-16be"};
    for (int i = 0; i < 9; i++) {
      noise(out, r, r.nextInt(3000));
      out.write(0);
      StringBuilder words = new StringBuilder();
      while (words.length() < 20_000 + r.nextInt(30_000)) {
        words.append((char) ('a' + r.nextInt(26))).append(r.nextInt(8) == 0 ? " " : "");
      }
      String json = "{\"note\":\"" + words + "\",\"token\":\"" + forge.base62Crc32("gho_") + "\"}";
      put(out, "cfg=" + java.util.Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.US_ASCII)), enc[i % 3]);
      out.write(0);
    }
    Path p = dir.resolve("blobs.dmp");
    Files.write(p, out.toByteArray());
    sameInRandomChunks(p, 9, r, 4, 2000, 30_000);
  }

  /**
   * {@code p} scanned whole gives {@code findings} findings, and {@code rounds} scans in chunks of
   * 16 bytes plus up to {@code small} or {@code large} give the same.
   */
  private void sameInRandomChunks(Path p, int findings, Random r, int rounds, int small, int large) throws IOException {
    List<String> whole = summary(scan(p, (int) Files.size(p) + 1));
    assertEquals(findings, whole.size());
    for (int round = 0; round < rounds; round++) {
      int chunk = 16 + r.nextInt(r.nextBoolean() ? small : large);
      assertEquals(whole, summary(scan(p, chunk)), "chunk " + chunk);
    }
  }
}

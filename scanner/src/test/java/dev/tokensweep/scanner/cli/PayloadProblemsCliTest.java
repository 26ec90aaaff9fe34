package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.b64;
import static dev.tokensweep.scanner.cli.CompressedBase64CliTest.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.pipeline.Archives;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base64 run holding compressed data or an archive is unpacked within caps (bytes, members,
 * steps, a decoder's memory, the run's length); a cap hit with data left, an encrypted member and
 * damage to a payload that had begun to decode were silent: the scan ended "complete" (exit 0, or
 * 1 with other findings) having not read part of the data. Each is now a problem at the run's
 * place with its decodings, and the findings before it still come. {@code --fail-on critical}
 * keeps the (high) findings from deciding the exit code, so that 3 shows the scan is incomplete.
 */
class PayloadProblemsCliTest {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(41));

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Map<String, byte[]> members(Object... nameAndContent) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameAndContent.length; i += 2) {
      Object c = nameAndContent[i + 1];
      m.put((String) nameAndContent[i], c instanceof byte[] b ? b : ascii((String) c));
    }
    return m;
  }

  /** gzip of {@code mib} MiB of zeros (~1 KiB a MiB). */
  static byte[] zerosBomb(int mib) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < mib; i++) {
        g.write(zeros);
      }
    }
    return bo.toByteArray();
  }

  private Run scan(Path p) {
    return Run.run("scan", "--format", "jsonl", "--no-progress", "--fail-on", "critical", p.toString());
  }

  /** Each finding's rule and decoding layers, sorted. */
  private static List<String> found(Run r) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode n : r.jsonlFindings()) {
      out.add(n.get("rule_id").asText() + " " + n.get("location").path("decodings"));
    }
    Collections.sort(out);
    return out;
  }

  /** Each problem as {@code location | code | message}, in the order printed. */
  private static List<String> problems(Run r) throws IOException {
    List<String> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : r.out().split("\n")) {
      JsonNode n = json.readTree(line);
      if ("problem".equals(n.path("type").asText())) {
        out.add(n.get("location").asText() + " | " + n.get("problem").asText() + " | " + n.get("message").asText());
      }
    }
    return out;
  }

  /** Asserts one problem of {@code code} at {@code p} whose message starts {@code start} and names {@code place} and {@code chain}. */
  private static void assertOneProblem(Run r, Path p, String code, String start, String place, String chain)
      throws IOException {
    List<String> ps = problems(r);
    assertEquals(1, ps.size(), "one problem: " + ps.size());
    String[] f = ps.get(0).split(" \\| ", 3);
    assertEquals(p.toString(), f[0], "at the leaf");
    assertEquals(code, f[1]);
    assertTrue(f[2].startsWith(start), "starts with its name: " + f[2]);
    assertTrue(f[2].contains(place), "names the run's place: " + f[2]);
    assertTrue(f[2].contains(chain + ")"), "names the decodings: " + f[2]);
  }

  @Test
  void bombInATarInBase64_limitAtTheRun_membersAroundItFound() throws IOException {
    String inName = forge.base62Crc32("gho_");
    byte[] tar = Archives.tar(members("before.log", "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n",
        "cores/" + inName + ".gz", zerosBomb(64), "after.log", "NPM=" + forge.base62Crc32("npm_") + "\n"));
    Path p = tmp.resolve("blobs.log");
    Files.writeString(p, "2026-12-05 start\npayload=" + b64(tar) + "\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete: the bomb's rest was not read");
    assertEquals(3, found(r).size(), "the members before and after the bomb, and the bomb's name");
    assertOneProblem(r, p, "limit", "payload-bytes: ", "line 2, column 9", "base64+tar+gzip");
    r.assertNotPrinted(inName.substring(8, 30), "the token in the member's name");
  }

  @Test
  void manyMembers_limitAtTheEntryCap_firstMembersFound() throws IOException {
    Map<String, byte[]> many = new LinkedHashMap<>();
    many.put("env/ci.env", ascii("GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n"));
    for (int i = 0; i < 300; i++) {
      many.put("logs/app-" + i + ".log", ascii("line " + i + " of the log\n"));
    }
    Path p = tmp.resolve("bundle.json");
    Files.writeString(p, "{\"ticket\":7,\n\"bundle\":\"" + b64(Archives.tar(many)) + "\"}\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertEquals(List.of("ts.github.1 [\"base64+tar\"]"), found(r));
    List<String> ps = problems(r);
    assertEquals(1, ps.size(), "one problem");
    assertTrue(ps.get(0).startsWith(p + " | limit | payload-members: "), "the entry cap");
    assertTrue(ps.get(0).contains("base64+tar)"), "names the decodings");
  }

  @Test
  void fourStepsDown_limitAtTheDepthCap() throws IOException {
    byte[] text = ascii("x ".repeat(200) + "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n");
    Path p = tmp.resolve("state.log");
    Files.writeString(p, "ok=" + b64(gzip(gzip(gzip(text)))) + "\ndeep=" + b64(gzip(gzip(gzip(gzip(text))))) + "\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertEquals(List.of("ts.github.1 [\"base64+gzip+gzip+gzip\"]"), found(r), "three steps are read");
    assertOneProblem(r, p, "limit", "payload-depth: ", "line 2, column 6", "base64+gzip+gzip+gzip");
  }

  /** xz of {@code text} whose block header asks for a 64 MiB dictionary (the block header's CRC32 made good). */
  private static byte[] xzWithLargeDictionary(byte[] text) throws IOException {
    byte[] xz = Archives.xz(text);
    int size = ((xz[12] & 0xFF) + 1) * 4; // the block header after the 12-byte stream header
    assertEquals(0x21, xz[14], "an LZMA2 filter first, no sizes in the header");
    assertEquals(1, xz[15], "one property byte");
    xz[16] = 28; // 2^(28/2 + 12) = 64 MiB
    CRC32 crc = new CRC32();
    crc.update(xz, 12, size - 4);
    long c = crc.getValue();
    for (int i = 0; i < 4; i++) {
      xz[12 + size - 4 + i] = (byte) (c >>> (8 * i));
    }
    return xz;
  }

  /** zstd of {@code text} whose frame header asks for a 128 MiB window. */
  private static byte[] zstdWithLargeWindow(byte[] text) throws IOException {
    byte[] z = Archives.zstd(text);
    assertEquals(0, z[4] & 0x20, "not single-segment: a window descriptor follows the frame header descriptor");
    z[5] = (byte) ((27 - 10) << 3); // window log 27
    return z;
  }

  @Test
  void dictionaryOrWindowPastTheMemoryCap_limit() throws IOException {
    byte[] text = ascii("x ".repeat(200) + "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n");
    Path xz = tmp.resolve("xz.log");
    Files.writeString(xz, "fine=" + b64(Archives.xz(text)) + "\nbig=" + b64(xzWithLargeDictionary(text)) + "\n");
    Run x = scan(xz);
    assertEquals(3, x.exit(), "incomplete");
    assertEquals(List.of("ts.github.1 [\"base64+xz\"]"), found(x), "the one within the cap");
    assertOneProblem(x, xz, "limit", "decoder-memory: ", "line 2, column 5", "base64+xz");

    Path zstd = tmp.resolve("zstd.log");
    Files.writeString(zstd, "big=" + b64(zstdWithLargeWindow(text)) + "\n");
    Run z = scan(zstd);
    assertEquals(3, z.exit(), "incomplete");
    assertOneProblem(z, zstd, "limit", "decoder-memory: ", "line 1, column 5", "base64+zstd");
  }

  /**
   * {@code n} random base64 letters with a newline after every 100: text that compresses to about 6
   * bits a letter.
   */
  private static String letters(int seed, int n) {
    Random rnd = new Random(seed);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    StringBuilder sb = new StringBuilder(n);
    while (sb.length() < n) {
      sb.append(alphabet.charAt(rnd.nextInt(64)));
      if (sb.length() % 101 == 100) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void payloadRunLongerThanOneMiB_limitAndItsFirstMiBRead() throws IOException {
    // ~1.1 MB of random letters give more than 1 MiB of base64, the token at the start
    String run = b64(gzip(ascii("GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n" + letters(9, 1_150_000))));
    assertTrue(run.length() > (1 << 20), "longer than the cap: " + run.length());
    Path p = tmp.resolve("large.log");
    Files.writeString(p, "first line\nblob=" + run + "\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertEquals(List.of("ts.github.1 [\"base64+gzip\"]"), found(r), "the first MiB read");
    assertOneProblem(r, p, "limit", "run-length: ", "line 2, column 6", "base64");
  }

  /** A 7z made by 7-Zip with the password "Secret1": one member, {@code s.txt}, LZMA2 then AES (headers in clear). */
  private static final String AES_7Z = "N3q8ryccAAT3NzU9IAAAAAAAAABiAAAAAAAAAHot1kn+Z/6fNUCtJzqNHdIpJtT/pwktIyMj6tlur7bWnhT2ugEEBgAB"
      + "CSAABwsBAAIkBvEHARJTD4m2JKsdY1Y6SQzuYIbN+ykhIQEAAQAMEw8ACAoBiM/6IAAABQEZAQARDQBzAC4AdAB4AHQAAAAUCgEAMEQwE8CE3QEVBgEAIICkgQAA";

  @Test
  void encryptedZipOr7zMember_encrypted_membersBeforeFound() throws IOException {
    String inName = forge.base62Crc32("gho_");
    byte[] zip = Archives.zip(members("plain.log", "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n",
        "vault/" + inName + ".txt", "opaque\n"));
    // the second entry's local header says it is encrypted (general purpose flag bit 0)
    int second = indexOf(zip, new byte[] {'P', 'K', 3, 4}, 1);
    zip[second + 6] |= 1;
    Path p = tmp.resolve("attachments.json");
    Files.writeString(p, "{\"zip\":\"" + b64(zip) + "\",\n\"sevenz\":\"" + AES_7Z + "\"}\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertEquals(List.of("ts.github.1 [\"base64+zip\"]"), found(r), "the member before the encrypted one");
    List<String> ps = problems(r);
    assertEquals(2, ps.size(), "one for each: " + ps.size());
    for (String q : ps) {
      assertTrue(q.startsWith(p + " | encrypted | the base64 run at "), "encrypted, at the leaf");
      assertTrue(!q.contains("s.txt") && !q.contains("vault"), "no member name");
    }
    assertTrue(ps.get(0).contains("base64+zip)") && ps.get(1).contains("base64+7z)"), "the decodings");
    r.assertNotPrinted(inName.substring(8, 30), "the token in the encrypted member's name");
  }

  private static int indexOf(byte[] b, byte[] what, int skip) {
    for (int i = 0; i + what.length <= b.length; i++) {
      if (java.util.Arrays.equals(b, i, i + what.length, what, 0, what.length) && skip-- == 0) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  @Test
  void gzipDamagedAfterItBegan_corrupt_whatCameBeforeFound() throws IOException {
    Random rnd = new Random(4);
    StringBuilder log = new StringBuilder("GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n");
    while (log.length() < 200_000) {
      log.append("2026-12-05 INFO request ").append(rnd.nextInt()).append(" served in ").append(rnd.nextInt(900)).append(" ms\n");
    }
    byte[] gz = gzip(ascii(log.toString()));
    gz[gz.length / 2] ^= (byte) 0xFF;
    Path p = tmp.resolve("damaged.log");
    Files.writeString(p, "a\nb\nstate=" + b64(gz) + " done\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertEquals(List.of("ts.github.1 [\"base64+gzip\"]"), found(r), "what came out before the damage");
    assertOneProblem(r, p, "corrupt", "the base64 run at ", "line 3, column 7", "base64+gzip");
  }

  @Test
  void gzipDamagedInARunThatEndsTheFile_corrupt() throws IOException {
    // the text reader's last chunk ends where the run does: it was taken for a run the chunk cut
    Random rnd = new Random(6);
    StringBuilder log = new StringBuilder("GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n");
    while (log.length() < 200_000) {
      log.append("2026-12-05 INFO request ").append(rnd.nextInt()).append(" served\n");
    }
    byte[] gz = gzip(ascii(log.toString()));
    gz[gz.length / 2] ^= (byte) 0xFF;
    Path p = tmp.resolve("damaged-last.log");
    Files.writeString(p, "a\nb\nstate=" + b64(gz).replace("=", ""));
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertEquals(List.of("ts.github.1 [\"base64+gzip\"]"), found(r), "what came out before the damage");
    assertOneProblem(r, p, "corrupt", "the base64 run at ", "line 3, column 7", "base64+gzip");
  }

  /** A gzip payload holding a token whose base64 run is exactly 1 MiB (the run-length cap), no padding. */
  private String payloadOfOneMiB() throws IOException {
    String text = "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n" + letters(8, 900_000);
    String run = b64(Archives.gzipOfLength(ascii(text), 3 << 18));
    assertEquals(1 << 20, run.length(), "exactly the cap");
    return run;
  }

  @Test
  void payloadRunOfExactlyOneMiB_readWhole_atTheEndOfTheFileAndMidFile() throws IOException {
    String run = payloadOfOneMiB();
    for (String tail : List.of("", "\nthe end\n")) {
      Path p = tmp.resolve("exact" + tail.length() + ".log");
      Files.writeString(p, "first line\nblob=" + run + tail);
      Run r = scan(p);
      assertEquals(List.of(), problems(r), "no problem, tail " + tail.length());
      assertEquals(0, r.exit(), "complete (findings below --fail-on)");
      assertEquals(List.of("ts.github.1 [\"base64+gzip\"]"), found(r));
    }
  }

  @Test
  void payloadRunOneByteOverOneMiB_limit_atTheEndOfTheFileAndMidFile() throws IOException {
    String run = payloadOfOneMiB() + "A";
    for (String tail : List.of("", "\nthe end\n")) {
      Path p = tmp.resolve("over" + tail.length() + ".log");
      Files.writeString(p, "first line\nblob=" + run + tail);
      Run r = scan(p);
      assertEquals(3, r.exit(), "incomplete, tail " + tail.length());
      assertEquals(List.of("ts.github.1 [\"base64+gzip\"]"), found(r), "the first MiB read");
      assertOneProblem(r, p, "limit", "run-length: ", "line 2, column 6", "base64");
    }
  }

  @Test
  void payloadsWithinTheCaps_andRandomRunsThatStartLikeZlib_noProblem() throws IOException {
    // about one random base64 run in a thousand starts with a zlib header: its decoder fails at
    // once, which is no damage of a payload; real payloads within every cap read whole
    Random rnd = new Random(12);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[48 + rnd.nextInt(400)];
      rnd.nextBytes(b);
      b[0] = 0x78;
      b[1] = (byte) new int[] {0x01, 0x5E, 0x9C, 0xDA}[i % 4];
      lines.append("sig=").append(b64(b)).append('\n');
    }
    byte[] text = ascii("x ".repeat(200) + "GH_TOKEN=" + forge.base62Crc32("ghp_") + "\n");
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) { // 100 members and 100 gzip decoders: within the 256
      many.put("logs/app-" + i + ".log.gz", gzip(ascii("line " + i + "\n")));
    }
    lines.append("tgz=").append(b64(gzip(Archives.tar(many)))).append('\n')
        .append("deep=").append(b64(gzip(gzip(gzip(text))))).append('\n')
        .append("xz=").append(b64(Archives.xz(text))).append('\n')
        .append("zst=").append(b64(Archives.zstd(text))).append('\n')
        .append("big=").append(b64(zerosBomb(3))).append('\n');
    Path p = tmp.resolve("fine.log");
    Files.writeString(p, lines.toString());
    Run r = scan(p);
    assertEquals(List.of(), problems(r), "no problem");
    assertEquals(0, r.exit(), "complete (findings below --fail-on)");
    assertEquals(3, found(r).size(), "the three payloads with a token");
  }

  @Test
  void payloadAcrossTheReadersChunkEdge_decodedWhole_noProblem() throws IOException {
    // the text reader's chunk is 1 MiB: a payload starting just before its end is read on to its
    // end and decoded whole, not cut there (cut, its token at the end was missed)
    StringBuilder filler = new StringBuilder();
    while (filler.length() < (1 << 20) - 3000) {
      filler.append("2026-12-05 INFO all good here, nothing to see\n");
    }
    Random rnd = new Random(5);
    StringBuilder inner = new StringBuilder();
    while (inner.length() < 400_000) {
      inner.append("request ").append(rnd.nextLong()).append('\n');
    }
    inner.append("GH_TOKEN=").append(forge.base62Crc32("ghp_")).append('\n');
    String run = b64(gzip(ascii(inner.toString())));
    assertTrue(run.length() > 200_000, "longer than the chunk's context on either side: " + run.length());
    Path p = tmp.resolve("edge.log");
    Files.writeString(p, filler + "blob=" + run + "\nthe end\n");
    Run r = scan(p);
    assertEquals(List.of(), problems(r), "no problem");
    assertEquals(List.of("ts.github.1 [\"base64+gzip\"]"), found(r), "the token at the payload's end");
  }

  @Test
  void aBombOnEveryLine_fewProblemsThenOneThatSaysMore() throws IOException {
    String line = "payload=" + b64(zerosBomb(8)) + "\n";
    Path p = tmp.resolve("hostile.log");
    Files.writeString(p, line.repeat(30));
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    List<String> ps = problems(r);
    assertEquals(9, ps.size(), "eight, then one that says there are more");
    assertTrue(ps.get(8).startsWith(p + " | limit | payload-problems: "), "the last says more were not listed");
  }

  @Test
  void bombOnALineWithRsyslogEscapes_reportedOnce() throws IOException {
    // the rsyslog layer decodes such a line and scans it again, payload and all: one run, one problem
    Path p = tmp.resolve("syslog");
    Files.writeString(p, "<13>Nov 22 10:00:00 host app: state#012next payload=" + b64(zerosBomb(8)) + " end\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertOneProblem(r, p, "limit", "payload-bytes: ", "line 1, column 53", "base64+gzip");
  }

  @Test
  void noSecretInAnyProblem() throws IOException {
    // the token in a payload's compressed bytes, in a member's name and next to a cap: no message holds it
    String token = forge.base62Crc32("ghp_");
    byte[] tar = Archives.tar(members(token + ".log", "GH_TOKEN=" + token + "\n", token + ".gz", zerosBomb(8)));
    byte[] gz = gzip(ascii(("GH_TOKEN=" + token + "\n").repeat(5000)));
    gz[gz.length / 2] ^= 0x55;
    Path p = tmp.resolve("mixed.log");
    Files.writeString(p, "t=" + b64(tar) + "\nd=" + b64(gz) + "\n");
    Run r = scan(p);
    assertEquals(3, r.exit(), "incomplete");
    assertEquals(2, problems(r).size(), "the cap and the damage");
    r.assertNotPrinted(token.substring(8, 30), "the token");
    r.assertNotPrinted(Base64.getEncoder().encodeToString(ascii(token)).substring(4, 24), "the token in base64");
  }
}

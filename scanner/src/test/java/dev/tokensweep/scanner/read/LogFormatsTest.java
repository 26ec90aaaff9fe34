package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Problem;
import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class LogFormatsTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(77));

  @Test
  void rsyslog_tokenGluedToHash012_andJsonBody_foundWithTheLayer() throws IOException {
    String glued = forge.base62Crc32("ghp_");
    String body = forge.random(TokenForge.ALNUM, 40);
    String plain = forge.base62Crc32("gho_");
    String log = "Nov 22 10:00:00 web1 app[311]: using token:#012" + glued + "#012done\n"
        + "Nov 22 10:00:01 web1 app[311]: response body:#012{#012  \"access_token\":#011\"" + body + "\",#012  \"x\": 1#012}\n"
        + "Nov 22 10:00:02 web1 app[311]: plain " + plain + "#012next\n";
    Path p = dir.resolve("messages");
    Files.writeString(p, log);
    ScanResult r = scan(p);
    noProblems(r);
    Location g = one(r, glued, "token after #012").location();
    assertEquals(List.of("rsyslog"), g.decodings());
    assertEquals(log.indexOf(glued), g.offset(), "offset of the stored bytes");
    assertEquals(1L, g.line());
    Location b = one(r, body, "JSON body with #012").location();
    assertEquals(List.of("rsyslog"), b.decodings());
    assertEquals(log.indexOf(body), b.offset());
    Location q = one(r, plain, "found without decoding, reported once").location();
    assertEquals(null, q.decodings());
  }

  /**
   * A leaf keeps its plain findings' places without hashing until its first finding in decoded
   * text; that one, the same token found again through the rsyslog layer after thousands of plain
   * findings (more than the places remembered), is still reported once.
   */
  @Test
  void rsyslog_tokenFoundAgainDecodedAfterManyPlainFindings_reportedOnce() throws IOException {
    StringBuilder log = new StringBuilder();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      String t = forge.base62Crc32("ghp_");
      tokens.add(t);
      log.append("Nov 22 10:00:00 web1 app[311]: clone with ").append(t).append('\n');
    }
    String again = forge.base62Crc32("gho_");
    log.append("Nov 22 10:00:02 web1 app[311]: plain ").append(again).append("#012next\n");
    Path p = dir.resolve("messages");
    Files.writeString(p, log);
    ScanResult r = scan(p);
    noProblems(r);
    assertEquals(null, one(r, again, "found plain, and again through the layer: reported once").location().decodings());
    assertEquals(5001, r.findings().size(), "each plain token once");
    one(r, tokens.get(4999), "the last plain token");
  }

  @Test
  void jsonStringLargerThanATextChunk_encodedTokensInItFound() throws IOException {
    // a 5 MB JSON string is one segment, larger than the decoding layer's flags kept at their
    // bytes' own indexes (4 MiB): it is classified a block at a time instead, and must find the
    // same things (base64 and URL-encoded tokens, at block borders too)
    String inB64 = forge.base62Crc32("gho_");
    String inUrl = forge.base62Crc32("ghp_");
    String encoded = java.util.Base64.getEncoder().encodeToString(
        ("{\"token\": \"" + inB64 + "\"}").getBytes(StandardCharsets.UTF_8));
    StringBuilder blob = new StringBuilder();
    Random r = new Random(5);
    while (blob.length() < 5_000_000) {
      blob.append(r.nextInt(7) == 0 ? ' ' : (char) ('a' + r.nextInt(26)));
    }
    int b64At = 4_200_000; // past 4 MiB, in the blocks the large path classifies
    blob.insert(b64At, " payload=" + encoded + " ");
    int urlAt = 4_800_003;
    blob.insert(urlAt, " q=export%20GITHUB_TOKEN%3D" + inUrl + "%26next ");
    Path p = dir.resolve("big.json");
    Files.writeString(p, "{\"blob\": \"" + blob + "\"}\n");
    ScanResult res = scan(p);
    noProblems(res);
    Location b = one(res, inB64, "token in base64 in a 5 MB string").location();
    assertEquals(List.of("base64"), b.decodings());
    assertEquals("blob", b.jsonPath(), "found in the JSON string, not by reading the document as text after a failure");
    Location u = one(res, inUrl, "token in a URL-encoded run in a 5 MB string").location();
    assertEquals("blob", u.jsonPath());
    assertTrue(u.decodings() == null || u.decodings().equals(List.of("url")), "found plain or URL-decoded: " + u.decodings());
  }

  @Test
  void rsyslog_randomChunks_equalWholeScan() throws IOException {
    Random r = new Random(9);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      for (int k = r.nextInt(300); k > 0; k--) {
        b.append(k % 40 == 0 ? "#012" : String.valueOf((char) ('a' + r.nextInt(26))));
      }
      b.append("#012").append(forge.base62Crc32("ghp_")).append(i % 2 == 0 ? "#011x\n" : " ");
    }
    Path p = dir.resolve("syslog");
    Files.writeString(p, b.toString());
    List<String> whole = summary(scan(p, b.length() + 1));
    assertEquals(25, whole.size());
    for (int round = 0; round < 6; round++) {
      int chunk = 64 + r.nextInt(r.nextBoolean() ? 300 : 3000);
      assertEquals(whole, summary(scan(p, chunk)), "chunk " + chunk);
    }
  }

  private static void text(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void binary(ByteArrayOutputStream out, String name, byte[] data) {
    text(out, name + "\n");
    long n = data.length;
    for (int i = 0; i < 8; i++) {
      out.write((int) (n >>> (8 * i)) & 0xFF);
    }
    out.writeBytes(data);
    out.write('\n');
  }

  @Test
  void journalExport_textAndBinaryFields_coredumpEnviron_entryAndTime() throws IOException {
    String msg = forge.base62Crc32("ghp_");
    String env = forge.base62Crc32("ghs_");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    text(out, "__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1700000000123456\n_PID=12\nMESSAGE=started\n\n");
    text(out, "__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1700000100000000\n_COMM=app\nMESSAGE=auth with " + msg + "\n\n");
    text(out, "__CURSOR=s=1;i=3\n__REALTIME_TIMESTAMP=1700000200000000\nMESSAGE=Process 42 (app) dumped core.\n");
    int envAt = out.size();
    binary(out, "COREDUMP_ENVIRON", ("PATH=/usr/bin\nHOME=/root\nGITHUB_TOKEN=" + env + "\nLANG=C").getBytes(StandardCharsets.UTF_8));
    binary(out, "COREDUMP", new byte[] {0x7F, 'E', 'L', 'F', 0, 0, 1, 2});
    text(out, "COREDUMP_SIGNAL=11\n\n");
    Path p = dir.resolve("core.export");
    Files.write(p, out.toByteArray());
    ScanResult r = scan(p);
    noProblems(r);
    Location m = one(r, msg, "MESSAGE").location();
    assertEquals("journal-export", m.format());
    assertEquals(2L, m.entry());
    assertEquals(1_700_000_100L, m.timestamp());
    assertEquals(new String(out.toByteArray(), StandardCharsets.ISO_8859_1).indexOf(msg), m.offset());
    Location e = one(r, env, "COREDUMP_ENVIRON").location();
    assertEquals(3L, e.entry());
    assertEquals(1_700_000_200L, e.timestamp());
    int expected = envAt + "COREDUMP_ENVIRON\n".length() + 8 + "PATH=/usr/bin\nHOME=/root\nGITHUB_TOKEN=".length();
    assertEquals(expected, e.offset());
    assertTrue(e.column() != null && e.column() == "GITHUB_TOKEN=".length() + 1, "column on its environ line");
  }

  @Test
  void journalExport_truncatedBinaryField_reportedCorrupt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    text(out, "__CURSOR=s=1;i=1\nMESSAGE=x\n");
    binary(out, "COREDUMP_ENVIRON", "A=b".getBytes(StandardCharsets.UTF_8));
    byte[] b = out.toByteArray();
    b[b.length - 1] = 'Z'; // the newline after the data is gone
    Path p = dir.resolve("x.export");
    Files.write(p, b);
    assertEquals(Problem.Type.CORRUPT, scan(p).problems().get(0).type());
  }

  @Test
  void strayByteOrderMarkBeforeAscii_everyTokenFound() throws IOException {
    // FF FE or FE FF before text that is not UTF-16: decoding it as UTF-16 hid all seven tokens
    for (int[] bom : new int[][] {{0xFF, 0xFE}, {0xFE, 0xFF}}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(bom[0]);
      out.write(bom[1]);
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        String t = forge.base62Crc32("ghp_");
        tokens.add(t);
        out.writeBytes(("2026-11-02 line " + i + " export GITHUB_TOKEN=" + t + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      Path p = dir.resolve("stray" + bom[0] + ".log");
      Files.write(p, out.toByteArray());
      ScanResult r = scan(p);
      noProblems(r);
      assertEquals(7, r.findings().size(), "all seven tokens");
      assertEquals(7L, r.findings().get(6).location().line());
    }
  }

  @Test
  void utf16LogWithAsciiLinesAppended_tokensInBothFound() throws IOException {
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("ghp_");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xFE);
    out.writeBytes(("PS> $env:GITHUB_TOKEN='" + a + "'\r\n").repeat(1).getBytes(StandardCharsets.UTF_16LE));
    out.writeBytes("x\r\n".repeat(3000).getBytes(StandardCharsets.UTF_16LE)); // past the first block
    out.writeBytes(("appended by another writer: GITHUB_TOKEN=" + b + "\n" + "y\n".repeat(5000)).getBytes(StandardCharsets.US_ASCII));
    Path p = dir.resolve("ConsoleHost_transcript.txt");
    Files.write(p, out.toByteArray());
    ScanResult r = scan(p);
    assertEquals(2, r.findings().size(), () -> r.findings().size() + " findings, problems " + r.problems());
    assertEquals("utf-16le", r.findings().get(0).location().encoding());
  }

  private static List<String> summary(ScanResult r) {
    List<String> out = new ArrayList<>();
    for (Finding f : r.findings()) {
      Location l = f.location();
      out.add(f.evidence().ruleId() + "@" + l.offset() + "/" + l.line() + "/" + l.column() + "/" + l.decodings() + "/"
          + f.evidence().fingerprint());
    }
    return out;
  }
}

package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.pipeline.Archives;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brotli files ({@code .br}: precompressed web assets, HTTP cache bodies saved with
 * {@code Content-Encoding: br}, a log shipper's {@code app.log.br}) were read as binary leaves,
 * where a token is compressed out of sight: 0 findings, exit 0. Brotli has no magic: a
 * {@code .br} whose head decodes is opened, and a text file of that name stays text.
 */
class BrotliCliTest {

  @TempDir
  Path tmp;

  /** The synthetic token in the fixture {@code app.log.br}, line 313, column 46 (PROVENANCE.md). */
  private static final String FIXTURE_TOKEN = new TokenForge(new Random(53)).base62Crc32("ghp_");

  private final String token = new TokenForge(new Random(61)).base62Crc32("ghp_");

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = BrotliCliTest.class.getResourceAsStream("/dev/tokensweep/scanner/expand/brotli/" + name)) {
      return in.readAllBytes();
    }
  }

  /** Log lines, {@code lines} of them, with {@code secretLine} (1-based; 0 for none) holding the token. */
  private byte[] log(int lines, int secretLine) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      sb.append(i == secretLine ? "2026-12-05T10:00:00Z DEBUG using token " + token + " for api.github.com\n"
          : "2026-12-05T10:00:00Z INFO request " + i + " path=/api/v1/items status=200\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static List<String> where(Run r) throws IOException {
    List<String> found = new java.util.ArrayList<>();
    for (JsonNode n : r.jsonlFindings()) {
      JsonNode l = n.get("location");
      found.add(n.get("rule_id").asText() + " " + l.get("path").asText() + " " + l.get("line").asInt() + ":"
          + l.get("column").asInt());
    }
    return found;
  }

  @Test
  void scan_brotliLog_tokenFoundAtItsLine() throws IOException {
    Path in = Files.write(tmp.resolve("app.log.br"), resource("app.log.br"));
    Run r = run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 " + in + "! 313:46"), where(r));
    r.assertNotPrinted(FIXTURE_TOKEN.substring(4, 30), "the fixture's token");
  }

  @Test
  void scan_brotliInTarAndZip_foundInsideEach() throws IOException {
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("logs/app.log.br", Archives.brotli(log(5, 3)));
    members.put("logs/big.log.br", Archives.brotli(log(3000, 2990))); // 180 KB: its head is not the whole stream
    members.put("logs/real.log.br", resource("app.log.br")); // compressed: the token out of sight of a byte scan
    Path tar = Files.write(tmp.resolve("bundle.tar"), Archives.tar(members));
    Path zip = Files.write(tmp.resolve("bundle.zip"), Archives.zip(members));
    Run r = run("scan", "--format", "jsonl", "--no-progress", tar.toString(), zip.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of(
        "ts.github.1 " + tar + "!logs/app.log.br! 3:40", "ts.github.1 " + tar + "!logs/big.log.br! 2990:40",
        "ts.github.1 " + tar + "!logs/real.log.br! 313:46",
        "ts.github.1 " + zip + "!logs/app.log.br! 3:40", "ts.github.1 " + zip + "!logs/big.log.br! 2990:40",
        "ts.github.1 " + zip + "!logs/real.log.br! 313:46"),
        where(r).stream().sorted().toList());
    r.assertNotPrinted(token.substring(4, 30), "the token");
  }

  @Test
  void scan_brotliHistory_readByItsInnerName() throws IOException {
    // the content of .bash_history.br is .bash_history, which the history reader takes
    Path in = Files.write(tmp.resolve(".bash_history.br"),
        Archives.brotli(("ls\ncd /srv\nexport GITHUB_TOKEN=" + token + "\n").getBytes(StandardCharsets.US_ASCII)));
    Run r = run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(1, r.exit(), "found");
    List<JsonNode> f = r.jsonlFindings();
    assertEquals(1, f.size());
    assertEquals(in + "!", f.get(0).get("location").get("path").asText());
    assertEquals("bash-history", f.get(0).get("location").get("format").asText());
    assertEquals(3, f.get(0).get("location").get("entry").asInt(), "the third history entry");
  }

  @Test
  void scan_textNamedBr_readAsText() throws IOException {
    // short text; text that starts "===" (its first bits make a complete, empty Brotli stream); text longer than a sniffing head
    Path notes = Files.write(tmp.resolve("notes.br"), ("deploy notes\nGITHUB_TOKEN=" + token + "\n").getBytes(StandardCharsets.US_ASCII));
    // past the decoder's first 4 KiB read, or it would fail on the bytes after that stream's end
    Path banner = Files.write(tmp.resolve("banner.br"), ("=====\nGITHUB_TOKEN=" + token + "\n" + "=====\n".repeat(1000))
        .getBytes(StandardCharsets.US_ASCII));
    Path longer = Files.write(tmp.resolve("long.log.br"), log(400, 399));
    Run r = run("scan", "--format", "jsonl", "--no-progress", notes.toString(), banner.toString(), longer.toString());
    assertEquals(1, r.exit(), "found, and nothing reported as a damaged brotli: " + r.err().length() + " chars on stderr");
    assertEquals(List.of("ts.github.1 " + banner + " 2:14", "ts.github.1 " + longer + " 399:40", "ts.github.1 " + notes + " 2:14"),
        where(r).stream().sorted().toList());
  }

  @Test
  void scan_damagedBrotli_whatCameOutScanned_damageReported() throws IOException {
    // 200 KB in 64 KiB blocks, cut in the third: the decoder hands out a window (64 KiB) at a time
    byte[] whole = Archives.brotli(log(3000, 2));
    Path cut = Files.write(tmp.resolve("app.log.br"), Arrays.copyOf(whole, 150_000));
    Run r = run("scan", "--format", "jsonl", "--no-progress", cut.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("ts.github.1 " + cut + "! 2:40"), where(r));
    assertTrue(r.err().contains(cut + "!: corrupt: truncated or corrupt; the 131072 bytes before were scanned"), r.err());

    Path clean = Files.write(tmp.resolve("clean.log.br"), Arrays.copyOf(Archives.brotli(log(3000, 0)), 150_000));
    Run c = run("scan", "--no-progress", clean.toString());
    assertEquals(3, c.exit(), "nothing found, scan incomplete");
    assertTrue(c.err().contains(clean + "!: corrupt:"), c.err());

    // a real compressed stream cut short within its first 8 KiB
    Path small = Files.write(tmp.resolve("small.log.br"), Arrays.copyOf(resource("app.log.br"), 2000));
    Run s = run("scan", "--no-progress", small.toString());
    assertEquals(3, s.exit(), "a damaged brotli, not a binary leaf scanned clean");
    assertTrue(s.err().contains(small + "!: corrupt:"), s.err());
  }

  @Test
  void scan_dataAfterBrotliEnd_scannedAndReported() throws IOException {
    byte[] after = log(400, 400); // 20 KB: more than the decoder reads ahead
    byte[] stream = Archives.brotli(log(5, 0));
    byte[] file = Arrays.copyOf(stream, stream.length + after.length);
    System.arraycopy(after, 0, file, stream.length, after.length);
    Path in = Files.write(tmp.resolve("app.log.br"), file);
    Run r = run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(1, where(r).size());
    assertTrue(where(r).get(0).startsWith("ts.github.1 " + in + "!<after brotli end> "), "located after the end: " + where(r));
    assertTrue(r.err().contains(in + "!<after brotli end>: corrupt: data after the end of the brotli stream"), r.err());
  }

  @Test
  void scan_brotliBomb_stopsAtTheRatioLimit() throws IOException {
    Path bomb = Files.write(tmp.resolve("zeros.br"), resource("zeros-1g.br")); // 841 bytes, 1 GiB of zeros
    Path leak = Files.write(tmp.resolve("leak.log.br"), Archives.brotli(log(3, 2)));
    Run r = run("scan", "--format", "jsonl", "--no-progress", bomb.toString(), leak.toString());
    assertEquals(1, r.exit(), "the token beside the bomb found");
    assertEquals(List.of("ts.github.1 " + leak + "! 2:40"), where(r));
    assertTrue(r.err().contains(bomb + "!: limit: max-ratio:"), r.err());
    assertEquals(3, run("scan", "--no-progress", bomb.toString()).exit(), "the bomb alone: incomplete");
    Run low = run("scan", "--no-progress", "--max-entry-bytes", "1M", "--max-ratio", "100000000", bomb.toString());
    assertEquals(3, low.exit());
    assertTrue(low.err().contains(bomb + "!: limit: max-entry-bytes:"), low.err());
  }

  @Test
  void sanitize_brotliWithSecretLeftOut_cleanOneCopiedAsItWas() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path secret = Files.write(in.resolve("app.log.br"), resource("app.log.br"));
    byte[] clean = Archives.brotli(log(20, 0));
    Files.write(in.resolve("clean.log.br"), clean);
    byte[] before = Files.readAllBytes(secret);
    Path out = tmp.resolve("out");
    Run r = run("sanitize", in.toString(), "-o", out.toString());
    assertEquals(3, r.exit(), "a file left out of the copy");
    assertTrue(r.err().contains(secret + ": unsupported: brotli cannot be written"), r.err());
    assertFalse(Files.exists(out.resolve("app.log.br")), "no copy holding the secret");
    assertArrayEquals(clean, Files.readAllBytes(out.resolve("clean.log.br")), "the clean one copied byte for byte");
    assertArrayEquals(before, Files.readAllBytes(secret), "input unchanged");
    r.assertNotPrinted(FIXTURE_TOKEN.substring(4, 30), "the fixture's token");
  }
}

package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private key block is a 3-4 KB secret: a log read in 1 MiB chunks (or in parts, one per
 * thread) must still find it whole, once, wherever a chunk or part edge cuts it. The detector's
 * overlap (max_before + 2 x max_length of all rules) holds the longest key rule's 8 KB.
 */
class PrivateKeyChunkEdgeTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  /** An RSA 4096-bit sized PKCS#1 block of random base64 (never a usable key), 64-character lines. */
  private static String keyBlock(Random r) {
    byte[] der = new byte[2350];
    r.nextBytes(der);
    der[0] = 0x30;
    der[1] = (byte) 0x82;
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder b = new StringBuilder("-----BEGIN RSA PRIVATE KEY-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      b.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    return b.append("-----END RSA PRIVATE KEY-----").toString();
  }

  /** Log lines up to {@code at}, the key block there, then log lines to {@code size}. */
  private static byte[] logWithKeyAt(Random r, String key, int at, int size) {
    StringBuilder b = new StringBuilder(size + key.length());
    while (b.length() < at) {
      b.append("2026-11-02T10:11:12Z INFO  orders id=").append(Long.toHexString(r.nextLong())).append(" status=200\n");
    }
    b.setLength(at);
    b.append(key).append('\n');
    while (b.length() < size) {
      b.append("2026-11-02T10:11:13Z DEBUG cache miss key=").append(r.nextInt(1_000_000)).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private List<Finding> keys(Path p, int threads, long partsFrom) {
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(threads));
    s.partsFromBytes = partsFrom;
    ScanResult result = s.scan(List.of(p.toString()), null);
    return result.findings().stream().filter(f -> f.evidence().ruleId().startsWith("ts.pem.")).toList();
  }

  @Test
  void scan_keyAcrossChunkEdge_foundWholeOnce() throws IOException {
    Random r = new Random(41);
    String key = keyBlock(r);
    assertTrue(key.length() > 3000, "a 3-4 KB block: " + key.length());
    // A 1 MiB chunk is read with the overlap on both sides and owns up to MIB + overlap; the next
    // one starts its context at MIB. Put the block across both.
    int[] edges = {MIB, MIB + DETECTOR.overlap()};
    for (int edge : edges) {
      for (int before : new int[] {1, 31, 1000, key.length() / 2, key.length() - 30, key.length() - 1}) {
        int at = edge - before; // the edge falls inside the block
        Path p = dir.resolve("app-" + edge + "-" + before + ".log");
        Files.write(p, logWithKeyAt(r, key, at, 3 * MIB));
        for (int threads = 1; threads <= 2; threads++) {
          List<Finding> found = keys(p, threads, Long.MAX_VALUE);
          assertEquals(1, found.size(), before + " bytes before " + edge + ", " + threads + " threads: " + found);
          assertEquals("ts.pem.1", found.get(0).evidence().ruleId());
          assertEquals(at, found.get(0).location().offset(), "offset");
          assertEquals(key.length(), found.get(0).evidence().length(), "the whole block is the secret");
        }
      }
    }
  }

  @Test
  void scan_keyAcrossPartEdge_foundWholeOnce() throws IOException {
    Random r = new Random(43);
    String key = keyBlock(r);
    int size = 4 * MIB;
    int at = size / 2 - key.length() / 2; // two threads read the file in two parts, cut at size / 2
    Path p = dir.resolve("parts.log");
    Files.write(p, logWithKeyAt(r, key, at, size));
    List<Finding> found = keys(p, 2, 1);
    assertEquals(1, found.size(), found.toString());
    assertEquals(at, found.get(0).location().offset());
    assertEquals(key.length(), found.get(0).evidence().length());
  }
}

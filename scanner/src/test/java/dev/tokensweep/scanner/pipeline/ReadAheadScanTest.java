package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.ScanResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
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
 * A compressed file that is the whole input is decompressed on a second thread ahead of the scan;
 * it must find the same things, report the same problems and count the same bytes as one thread
 * decompressing and scanning in turn: whole, nested, and cut off in the middle.
 */
class ReadAheadScanTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private ScanResult scan(Path p, int threads) {
    return new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(threads))
        .scan(List.of(p.toString()), null);
  }

  /** A log of a few MB (several read-ahead chunks) with tokens all through it. */
  private static byte[] log(Random r, TokenForge forge, int lines) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      b.append("2026-11-01T10:00:00Z INFO req ").append(Long.toHexString(r.nextLong())).append(' ');
      if (i % 997 == 0) {
        b.append("GITHUB_TOKEN=").append(forge.base62Crc32("ghp_"));
      } else {
        b.append("user=").append(r.nextInt(100000)).append(" path=/api/v1/orders/").append(r.nextInt(1000000));
      }
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private void assertSameAsOneThread(Path p, int minFindings) {
    List<String> one = ScanSummary.of(scan(p, 1));
    assertTrue(one.size() >= minFindings, p.getFileName() + ": " + one.size() + " lines of summary");
    for (int threads = 2; threads <= 4; threads++) {
      ScanSummary.assertSame(one, ScanSummary.of(scan(p, threads)), p.getFileName() + ", " + threads + " threads");
    }
  }

  @Test
  void gzipLog_readAhead_sameAsOneThread() throws IOException {
    Random r = new Random(61);
    byte[] log = log(r, new TokenForge(r), 60_000);
    assertTrue(log.length > 3 * (1 << 20), "several chunks: " + log.length);
    Path p = dir.resolve("app.log.gz");
    Files.write(p, Archives.gzip(log));
    assertSameAsOneThread(p, 60);
    Path x = dir.resolve("app.log.xz");
    Files.write(x, Archives.xz(log));
    assertSameAsOneThread(x, 60);
  }

  @Test
  void tarGzBundle_withNestedGzip_sameAsOneThread() throws IOException {
    Random r = new Random(62);
    TokenForge forge = new TokenForge(r);
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("var/log/app.log", log(r, forge, 20_000));
    m.put("var/log/app.log.1.gz", Archives.gzip(log(r, forge, 20_000)));
    m.put("etc/config.yaml", ("token: " + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII));
    Path p = dir.resolve("bundle.tar.gz");
    Files.write(p, Archives.gzip(Archives.tar(m)));
    assertSameAsOneThread(p, 40);
  }

  @Test
  void truncatedGzip_readAhead_sameFindingsBeforeTheCutAndSameProblem() throws IOException {
    Random r = new Random(63);
    byte[] full = Archives.gzip(log(r, new TokenForge(r), 60_000));
    Path p = dir.resolve("cut.log.gz");
    Files.write(p, Arrays.copyOf(full, full.length * 2 / 3));
    List<String> one = ScanSummary.of(scan(p, 1));
    assertTrue(one.stream().anyMatch(s -> s.contains("[corrupt]")), one.toString());
    assertSameAsOneThread(p, 30);
  }

  @Test
  void gzipLogThenDataAfterItsEnd_readAhead_sameAsOneThread() throws IOException {
    // the data after the end is read by the walker once the read-ahead thread has stopped
    Random r = new Random(64);
    TokenForge forge = new TokenForge(r);
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    bo.write(Archives.gzip(log(r, forge, 30_000)));
    bo.write(log(r, forge, 2_000));
    Path p = dir.resolve("tail.log.gz");
    Files.write(p, bo.toByteArray());
    List<String> one = ScanSummary.of(scan(p, 1));
    assertTrue(one.stream().anyMatch(s -> s.contains("<after gzip end>") && s.contains("[corrupt]")), one.toString());
    assertSameAsOneThread(p, 30);
  }
}

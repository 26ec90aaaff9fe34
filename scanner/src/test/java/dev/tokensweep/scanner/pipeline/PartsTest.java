package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.ScanResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One large plain-text file read in parts by several threads finds the same things at the same
 * places (line, column, offset, decoding layers) as one thread reading it whole, whatever the
 * borders cut: long lines, CRLF, tokens, base64 runs and rsyslog lines across them.
 */
class PartsTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private ScanResult scan(Path p, int threads, long partsFrom) {
    return scan(p, threads, partsFrom, PartScanner.PART_BYTES);
  }

  private ScanResult scan(Path p, int threads, long partsFrom, long partBytes) {
    return scan(p, threads, partsFrom, partBytes, Scanner.Options.defaults().withThreads(threads));
  }

  /** As above, the readers' chunks of {@code chunk} bytes. */
  private ScanResult scan(Path p, int threads, long partsFrom, long partBytes, int chunk) {
    dev.tokensweep.scanner.model.ScanLimits d = dev.tokensweep.scanner.model.ScanLimits.defaults();
    dev.tokensweep.scanner.model.ScanLimits limits = new dev.tokensweep.scanner.model.ScanLimits(d.maxDepth(),
        d.maxEntries(), d.maxTotalBytes(), d.maxEntryBytes(), d.maxRatio(), d.ratioThreshold(), d.maxSpoolBytes(), chunk);
    return scan(p, threads, partsFrom, partBytes, Scanner.Options.defaults().withThreads(threads).withLimits(limits));
  }

  private ScanResult scan(Path p, int threads, long partsFrom, long partBytes, Scanner.Options options) {
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), options);
    s.partsFromBytes = partsFrom;
    s.partBytes = partBytes;
    // streamed: parts placed and merged as they go out, so nothing may be left to merge after
    List<dev.tokensweep.scanner.model.Finding> streamed = new java.util.ArrayList<>();
    ScanResult r = s.scan(List.of(p.toString()), null, ScanListener.NONE, streamed::add);
    List<dev.tokensweep.scanner.model.Finding> settled = s.settle(streamed);
    assertEquals(settled.size(), streamed.size(), "a finding streamed twice across a part border");
    return new ScanResult(settled, r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(), r.suppressed());
  }

  @Test
  void randomLogs_inParts_sameFindingsAsWhole() throws IOException {
    Random r = new Random(31);
    TokenForge forge = new TokenForge(r);
    int compared = 0;
    long mostParts = 0;
    for (int round = 0; round < 12; round++) {
      StringBuilder b = new StringBuilder();
      String nl = round % 3 == 0 ? "\r\n" : "\n";
      int lines = 200 + r.nextInt(600);
      for (int i = 0; i < lines; i++) {
        b.append("2026-11-01T11:09:").append(10 + i % 50).append(" INFO ");
        switch (r.nextInt(7)) {
          case 0 -> b.append("export GITHUB_TOKEN=").append(forge.base62Crc32("ghp_"));
          case 1 -> b.append("payload=").append(Base64.getEncoder().encodeToString(
              ("{\"token\": \"" + forge.base62Crc32("gho_") + "\"}").getBytes(StandardCharsets.UTF_8)));
          case 2 -> b.append("msg#012NPM_TOKEN=").append(forge.base62Crc32("npm_")).append("#012done");
          case 3 -> b.append(RandomText.filler(r, 2000 + r.nextInt(3000))).append(' ').append(forge.base62Crc32("ghu_"));
          default -> b.append(RandomText.filler(r, r.nextInt(120)));
        }
        b.append(nl);
      }
      Path p = dir.resolve("app-" + round + ".log");
      Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
      List<String> whole = ScanSummary.of(scan(p, 1, Long.MAX_VALUE));
      assertTrue(whole.size() > 20, "round " + round + ": planted tokens found: " + whole.size());
      for (int threads = 2; threads <= 5; threads++) {
        ScanResult parts = scan(p, threads, 1);
        ScanSummary.assertSame(whole, ScanSummary.of(parts), "round " + round + ", " + threads + " parts");
        assertEquals(Files.size(p), parts.bytes(), "every byte counted once");
        assertEquals(1, parts.leaves(), "one leaf");
        compared++;
      }
      // many small parts, more than threads, taken in turn: borders inside every kind of line
      long partBytes = 2L * DETECTOR.overlap() + r.nextInt(20_000); // the least a part is
      ScanResult many = scan(p, 2, 1, partBytes);
      String what = "round " + round + ", parts of " + partBytes + " bytes";
      ScanSummary.assertSame(whole, ScanSummary.of(many), what);
      assertEquals(Files.size(p), many.bytes(), what + ": every byte counted once");
      mostParts = Math.max(mostParts, Files.size(p) / partBytes);
      compared++;
    }
    assertEquals(60, compared);
    assertTrue(mostParts >= 6, "more parts than threads: " + mostParts);
  }

  /**
   * Base64 blobs longer than a chunk's context (the detector's overlap), a token near their
   * start, middle or end: the chunk that holds a blob's start reads on past its end to the blob's,
   * so every token is found once whatever the chunks and parts (one read of 1 MiB chunks missed
   * the tokens after a chunk's right context, and so did every part).
   */
  @Test
  void longBase64Blobs_acrossPartBorders_foundOnce() throws IOException {
    Random r = new Random(37);
    TokenForge forge = new TokenForge(r);
    StringBuilder b = new StringBuilder();
    int planted = 0;
    for (int i = 0; i < 24; i++) {
      b.append("2026-11-01T11:09:").append(10 + i).append(" INFO ").append(RandomText.filler(r, 50 + r.nextInt(400))).append('\n');
      String words = RandomText.filler(r, 15_000 + r.nextInt(45_000));
      int cut = (int) (words.length() * new double[] {0.02, 0.5, 0.98}[i % 3]);
      String json = "{\"note\": \"" + words.substring(0, cut) + "\", \"token\": \"" + forge.base62Crc32("gho_")
          + "\", \"more\": \"" + words.substring(cut) + "\"}";
      b.append("payload=").append(Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))).append('\n');
      planted++;
    }
    Path p = dir.resolve("blobs.log");
    Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
    ScanResult one = scan(p, 1, Long.MAX_VALUE, PartScanner.PART_BYTES, b.length() + 1);
    assertEquals(planted, one.findings().size(), "one read in one chunk finds every token once");
    List<String> whole = ScanSummary.of(one);
    for (int round = 0; round < 4; round++) {
      int chunk = 1000 + r.nextInt(20_000);
      ScanSummary.assertSame(whole, ScanSummary.of(scan(p, 1, Long.MAX_VALUE, PartScanner.PART_BYTES, chunk)),
          "one read in chunks of " + chunk + " bytes");
      long partBytes = 2L * DETECTOR.overlap() + r.nextInt(30_000);
      ScanSummary.assertSame(whole, ScanSummary.of(scan(p, 2, 1, partBytes, chunk)),
          "parts of " + partBytes + " bytes, chunks of " + chunk);
    }
  }

  @Test
  void largeFileInADirectory_readInParts_sameFindingsAsWhole() throws IOException {
    Random r = new Random(37);
    TokenForge forge = new TokenForge(r);
    Path logs = Files.createDirectories(dir.resolve("logs"));
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      big.append("2026-11-01T11:09:").append(10 + i % 50).append(" INFO ");
      big.append(i % 5 == 0 ? "export GITHUB_TOKEN=" + forge.base62Crc32("ghp_") : RandomText.filler(r, r.nextInt(200))).append('\n');
    }
    Files.writeString(logs.resolve("big.log"), big.toString(), StandardCharsets.UTF_8);
    Files.writeString(logs.resolve("small.log"), "NPM_TOKEN=" + forge.base62Crc32("npm_") + "\n", StandardCharsets.UTF_8);
    long bytes = Files.size(logs.resolve("big.log")) + Files.size(logs.resolve("small.log"));
    List<String> whole = ScanSummary.of(scan(logs, 1, Long.MAX_VALUE));
    assertTrue(whole.size() >= 601, "every planted token found: " + whole.size());
    for (int threads = 2; threads <= 3; threads++) {
      // only the big file is at least partsFrom bytes: it alone is cut, the small one scanned whole
      java.util.Map<String, Integer> opened = new java.util.concurrent.ConcurrentHashMap<>();
      Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(threads), f -> {
        opened.merge(f.getFileName().toString(), 1, Integer::sum);
        return Files.newInputStream(f);
      });
      s.partsFromBytes = 64 * 1024;
      List<dev.tokensweep.scanner.model.Finding> streamed = new java.util.ArrayList<>();
      ScanResult parts = s.scan(List.of(logs.toString()), null, ScanListener.NONE, streamed::add);
      parts = new ScanResult(s.settle(streamed), parts.problems(), parts.files(), parts.leaves(), parts.bytes(),
          parts.seconds(), parts.suppressed());
      assertEquals(threads + 1, opened.get("big.log"), "the big file's head, then each of its parts from its own start");
      assertEquals(1, opened.get("small.log"), "the small file once, whole");
      ScanSummary.assertSame(whole, ScanSummary.of(parts), threads + " parts");
      assertEquals(bytes, parts.bytes(), "every byte counted once");
      assertEquals(2, parts.files(), "two files");
      assertEquals(2, parts.leaves(), "two leaves");
    }
  }

  @Test
  void binaryOrCompressedFile_notSplit_stillScanned() throws IOException {
    // a gzip file is expanded, not cut: the parts path declines it and the usual one scans it
    Path p = dir.resolve("app.log.gz");
    TokenForge forge = new TokenForge(new Random(5));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write(("x\nGITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Files.write(p, bytes.toByteArray());
    ScanSummary.assertSame(ScanSummary.of(scan(p, 1, Long.MAX_VALUE)), ScanSummary.of(scan(p, 3, 1)), "gzip");
    assertEquals(1, scan(p, 3, 1).findings().size());
  }

  @Test
  void fileTruncatedWhileScanned_saidOnceAndNotClean() throws IOException {
    // a log rotated with copytruncate while it was read: the read ended early and quietly, and the
    // scan said all was scanned (exit 0 with ~50 MB unread); in parts, each part past the new end
    // said a bare "EOFException"
    Path log = dir.resolve("rotating.log");
    StringBuilder text = new StringBuilder();
    Random r = new Random(9);
    while (text.length() < 3 << 20) {
      text.append(RandomText.filler(r, 120)).append('\n');
    }
    for (int threads = 1; threads <= 2; threads++) {
      Files.writeString(log, text, StandardCharsets.UTF_8);
      long size = Files.size(log);
      Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(threads),
          f -> new java.io.FilterInputStream(Files.newInputStream(f)) {
            private long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n = super.read(b, off, len);
              read += Math.max(n, 0);
              if (read > 256 << 10) { // a quarter MB in, the file is cut to a third
                try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                  if (c.size() == size) {
                    c.truncate(size / 3);
                  }
                }
              }
              return n;
            }
          });
      s.partsFromBytes = 64 * 1024;
      ScanResult res = s.scan(List.of(log.toString()), null);
      List<dev.tokensweep.scanner.model.Problem> said = res.problems();
      assertEquals(1, said.size(), threads + " threads: one problem, not one a part: " + said);
      assertEquals(dev.tokensweep.scanner.model.Problem.Type.UNREADABLE, said.get(0).type());
      assertTrue(said.get(0).message().startsWith("changed while it was scanned: " + size + " bytes"), said.get(0).message());
    }
  }
}

package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.Run.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveLimitsCliTest {

  @TempDir
  Path dir;

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      g.write(data);
    }
    return bo.toByteArray();
  }

  @Test
  void scan_bombWithTokenElsewhere_exitsOneAndNamesTheLimit() throws IOException {
    Path bomb = Files.write(dir.resolve("bomb.gz"), gzip(new byte[3 << 20]));
    String token = new TokenForge(new Random(4)).base62Crc32("ghp_");
    Path leak = Files.write(dir.resolve("leak.log.gz"), gzip(("GITHUB_TOKEN=" + token + "\n").getBytes()));
    Run both = run("scan", "--ratio-threshold", "1M", "--max-ratio", "50", bomb.toString(), leak.toString());
    assertEquals(1, both.exit());
    assertTrue(both.err().contains(bomb + "!: limit: max-ratio:"), both.err());
    assertTrue(both.out().contains(leak + "!"), "finding located inside the gzip");
    assertFalse(both.out().contains(token) || both.err().contains(token), "no secret printed");
    assertEquals(3, run("scan", "--ratio-threshold", "1MiB", "--max-ratio", "50", bomb.toString()).exit());
    // raised limits let the same input through
    assertEquals(0, run("scan", "--max-ratio", "100000", bomb.toString()).exit());
  }

  @Test
  void scan_maxDepthZero_opensNoArchive() throws IOException {
    Path p = Files.write(dir.resolve("a.gz"), gzip("fine\n".getBytes()));
    Run r = run("scan", "--max-depth", "0", p.toString());
    assertEquals(3, r.exit());
    assertTrue(r.err().contains(p + ": limit: max-depth:"), r.err());
  }

  @Test
  void scan_badLimitValues_exitTwo() {
    assertEquals(2, run("scan", "--max-total-bytes", "12Q", dir.toString()).exit());
    assertEquals(2, run("scan", "--max-entry-bytes", "0", dir.toString()).exit());
    assertEquals(2, run("scan", "--max-ratio", "0.5", dir.toString()).exit());
    assertEquals(2, run("scan", "--max-entries", "0", dir.toString()).exit());
    assertEquals(2, run("scan", "--max-depth", "-1", dir.toString()).exit());
  }

  @Test
  void parseSize_units() {
    assertEquals(4096, ScanCommand.parseSize("4096"));
    assertEquals(512L << 10, ScanCommand.parseSize("512k"));
    assertEquals(16L << 20, ScanCommand.parseSize("16M"));
    assertEquals(16L << 20, ScanCommand.parseSize("16MiB"));
    assertEquals(64L << 30, ScanCommand.parseSize("64GB"));
  }
}

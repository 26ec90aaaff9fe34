package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep scanned with {@code --reveal} prints secrets and the names that hold them to whoever
 * ran it; the index it records is a file that a later {@code search} prints without
 * {@code --reveal}, so it must hold what a run without {@code --reveal} would have recorded.
 */
class RevealedIndexLeakTest {
  private final TokenForge forge = new TokenForge(new Random(103));

  @TempDir
  Path tmp;

  @Test
  void scanRevealIntoIndex_searchWithoutRevealShowsNoSecret() throws Exception {
    String inName = forge.base62Crc32("ghp_");
    String inContent = forge.base62Crc32("gho_");
    Path root = Files.createDirectories(tmp.resolve("home"));
    Path dir = Files.createDirectories(root.resolve("cache-" + inName));
    Files.writeString(dir.resolve("deploy.log"), "using " + inContent + "\n");
    Path index = tmp.resolve("index");
    Run scan = Run.run("scan", "--reveal", "--format", "json", "--index", index.toString(), "--host", "build-7",
        "--no-progress", root.toString());
    assertEquals(Main.EXIT_FINDINGS, scan.exit(), "the sweep has findings");
    assertTrue(scan.out().contains(inContent), "--reveal prints the secret to whoever asked for it");
    for (String format : new String[] {"text", "json"}) {
      Run search = Run.run("search", "--index", index.toString(), "--format", format, "host:build-7");
      assertEquals(0, search.exit(), format + ": the sweep's findings are found");
      assertTrue(search.out().contains("deploy.log"), format + ": the findings are listed");
      for (String token : new String[] {inName, inContent}) {
        String middle = token.substring(6, 26);
        assertFalse(search.out().contains(middle), format + ": search prints a secret the revealed sweep indexed, at "
            + search.out().indexOf(middle) + " (" + token.substring(0, 4) + ")");
        assertFalse(search.err().contains(middle), format + ": search prints a secret on stderr");
      }
    }
  }

  @Test
  void indexHoldingAClearPath_searchShowsItRedacted() throws Exception {
    // what an earlier version recorded for a sweep under --reveal: the path as it was
    String inName = forge.base62Crc32("ghp_");
    Path index = tmp.resolve("index");
    Finding f = new Finding(Location.text("/home/a/cache-" + inName + "/deploy.log", 1, 7, 6L),
        new Evidence("ts.github.2", "GitHub OAuth access token", Kind.ACCESS_TOKEN, Severity.HIGH, "gho_…abcd",
            "%064x".formatted(7), 40, 4.8, null, "unknown", null, List.of(), "rule severity"), null);
    new SweepIndex(index, Duration.ofSeconds(5)).record(SweepIndex.newSweepId(Instant.now()), "build-7", Instant.now(),
        new ScanResult(List.of(f), List.of(), 1, 1, 100, 0.1));
    String middle = inName.substring(6, 26);
    for (String format : new String[] {"text", "json"}) {
      Run search = Run.run("search", "--index", index.toString(), "--format", format, "host:build-7");
      assertEquals(0, search.exit(), format + ": the finding is found");
      assertTrue(search.out().contains("deploy.log"), format + ": the finding is listed");
      assertFalse(search.out().contains(middle), format + ": search prints a path's secret at "
          + search.out().indexOf(middle));
    }
  }
}

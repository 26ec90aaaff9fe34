package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan whose findings cannot be held in the heap it was given ends with exit 4 and says what to
 * do about it, in a JVM of its own with a small heap: a report that lists every finding is the
 * usual way there, and the streamed formats the way out.
 */
class OutOfMemoryTest {
  @TempDir
  Path dir;

  @Test
  void scan_reportLargerThanTheHeap_exitsFourAndNamesTheWaysOut() throws IOException, InterruptedException {
    TokenForge forge = new TokenForge(new Random(3));
    Path log = dir.resolve("dense.log");
    String last = null;
    try (BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (int i = 0; i < 300_000; i++) {
        last = forge.base62Crc32("ghp_");
        w.write("export GITHUB_TOKEN=" + last + "\n");
      }
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx48m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "scan", "--format", "json", "--max-findings",
        "1000000", "-o", dir.resolve("report.json").toString(), log.toString()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(false).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the scan ends");
    assertEquals(4, p.exitValue(), err);
    // where the heap ran out decides which says it: the input being scanned, or the report after
    assertTrue(err.contains("out of memory"), err);
    assertTrue(err.contains("-Xmx") && err.contains("--format jsonl"), "what to do about it: " + err);
    assertFalse(err.contains(last.substring(4, 30)), "no secret in the message");
  }
}

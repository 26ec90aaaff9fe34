package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ignore pattern that cannot be compiled ({@code [z-a]}) wherever it comes from is a usage error
 * naming the file and line, never quoting the pattern (a line may be a pasted secret).
 */
class BadIgnorePatternCliTest {

  @TempDir
  Path tmp;

  private Path dirWithToken(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("a.log"), "t " + new TokenForge(new Random(7)).base62Crc32("ghp_") + "\n");
    return dir;
  }

  private static void assertUsageError(Run r, String where) {
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(where + ": bad pattern"), r.err());
    assertFalse(r.err().contains("z-a"), "the pattern is not quoted: " + r.err());
    assertFalse(r.err().contains("internal error"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void scan_plantedIgnoreFile_badClass_isUsageErrorNamingFileAndLine() throws IOException {
    Path dir = dirWithToken("planted");
    Path ignore = Files.writeString(dir.resolve(".tokensweepignore"), "# fine\n*.bak\n[z-a]\n");
    Run r = Run.run("scan", "--no-progress", "--format", "jsonl", dir.toString());
    assertUsageError(r, ignore + ":3");
    assertEquals("", r.out());
    // the file from the tree can be set aside
    assertEquals(1, Run.run("scan", "--no-progress", "--no-root-config", dir.toString()).exit());
  }

  @Test
  void scan_ignoreFileOption_badClass_isUsageError() throws IOException {
    Path dir = dirWithToken("given");
    Path ignore = Files.writeString(tmp.resolve("my.ignore"), "[z-a]\n");
    assertUsageError(Run.run("scan", "--no-progress", "--ignore-file", ignore.toString(), dir.toString()), ignore + ":1");
  }

  @Test
  void scanAndSanitize_configIgnore_badClass_isUsageError() throws IOException {
    Path dir = dirWithToken("yaml");
    Path cfg = Files.writeString(dir.resolve("tokensweep.yaml"), "version: 1\nignore:\n  - '*.bak'\n  - '[z-a]'\n");
    assertUsageError(Run.run("scan", "--no-progress", dir.toString()), cfg + ":4");
    assertUsageError(Run.run("sanitize", dir.toString(), "-o", tmp.resolve("copy").toString()), cfg + ":4");
    assertFalse(Files.exists(tmp.resolve("copy")));
  }
}

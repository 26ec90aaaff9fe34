package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.report.Reporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a report may go: never over an input (the input is never modified, whatever the options),
 * and a report that cannot be written is a usage error that says where and why, not an internal
 * error or a report lost in silence.
 */
class ReportOutputTest {
  private static final String TOKEN = new TokenForge(new Random(31)).base62Crc32("ghp_");
  private static final byte[] LOG = ("export GITHUB_TOKEN=" + TOKEN + "\n").getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  private Path input(String name) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, LOG);
    return p;
  }

  private static void refused(Run r, String what) {
    assertEquals(Main.EXIT_USAGE, r.exit(), what + ": exit");
    assertTrue(r.err().contains("refusing"), what + ": the refusal is said: " + r.err());
    assertFalse(r.err().contains(TOKEN.substring(4)) || r.out().contains(TOKEN.substring(4)), what + ": no secret printed");
  }

  @Test
  void scanNeverWritesItsReportOverAnInput() throws Exception {
    Path file = input("b.txt");
    refused(Run.run("scan", "-q", "-o", file.toString(), file.toString()), "-o naming the input");
    assertArrayEquals(LOG, Files.readAllBytes(file), "the input is unchanged");

    Path tree = dir.resolve("tree");
    Path inside = input("tree/sub/x.log");
    refused(Run.run("scan", "-q", "-o", inside.toString(), tree.toString()), "-o naming a file inside the scanned directory");
    assertArrayEquals(LOG, Files.readAllBytes(inside), "the file inside is unchanged");

    // a new report inside the scanned tree is allowed: nothing there is replaced
    Path fresh = tree.resolve("report.json");
    Run r = Run.run("scan", "-q", "-f", "json", "-o", fresh.toString(), tree.toString());
    assertEquals(Main.EXIT_FINDINGS, r.exit(), r.err());
    assertTrue(Files.readString(fresh).contains("ts.github"), "the report is written");
  }

  @Test
  void sanitizeNeverWritesItsReportIntoTheInputOrTheCopy() throws Exception {
    Path file = input("a.txt");
    refused(Run.run("sanitize", "-o", dir.resolve("copy.txt").toString(), "--report", file.toString(), file.toString()),
        "--report naming the input");
    assertArrayEquals(LOG, Files.readAllBytes(file), "the input is unchanged");
    assertFalse(Files.exists(dir.resolve("copy.txt")), "nothing was sanitized");

    Path tree = dir.resolve("in");
    input("in/x.txt");
    refused(Run.run("sanitize", "-o", dir.resolve("copydir").toString(), "--report", tree.resolve("r.json").toString(),
        tree.toString()), "--report inside the input directory");
    try (Stream<Path> s = Files.list(tree)) {
      assertEquals(List.of(tree.resolve("x.txt")), s.toList(), "nothing was added to the input");
    }
    refused(Run.run("sanitize", "-o", dir.resolve("copydir").toString(), "--report", dir.resolve("copydir/r.json").toString(),
        tree.toString()), "--report inside the copy");
  }

  @Test
  void aReportThatCannotBeWrittenIsSaidWithItsReason() throws Exception {
    Path file = input("c.txt");
    Run toDir = Run.run("scan", "-q", "-o", dir.toString(), file.toString());
    assertEquals(Main.EXIT_USAGE, toDir.exit(), toDir.err());
    assertTrue(toDir.err().contains("is a directory"), toDir.err());

    Run missing = Run.run("scan", "-q", "-o", dir.resolve("no/such/dir/r.json").toString(), file.toString());
    assertEquals(Main.EXIT_USAGE, missing.exit(), missing.err());
    assertTrue(missing.err().contains("cannot write the report to") && missing.err().contains("no such file"), missing.err());
    assertFalse(missing.err().contains("internal error"), missing.err());

    Path full = Path.of("/dev/full");
    if (Files.exists(full)) {
      for (String format : Reporter.FORMATS) {
        Run r = Run.run("scan", "-q", "-f", format, "-o", full.toString(), file.toString());
        assertEquals(Main.EXIT_USAGE, r.exit(), format + ": " + r.err());
        assertTrue(r.err().contains("cannot write the report to /dev/full"), format + ": " + r.err());
      }
    }

    Run index = Run.run("scan", "-q", "--index", file.toString(), file.toString());
    assertEquals(Main.EXIT_USAGE, index.exit(), index.err());
    assertTrue(index.err().contains("is not a directory"), index.err());
    assertArrayEquals(LOG, Files.readAllBytes(file), "the input is unchanged");
  }
}

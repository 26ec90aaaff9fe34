package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressPrinterTest {

  @TempDir
  Path tmp;

  @Test
  void sizeOf_linkedRoots_addUpWhatTheScanReads() throws IOException {
    // the scan follows a link named on the command line (as find -H does): the total must too,
    // or a linked log directory showed 0 bytes and its progress no percentage that meant anything
    Path logs = Files.createDirectories(tmp.resolve("logs/sub"));
    Files.write(tmp.resolve("logs/a.log"), new byte[100]);
    Files.write(logs.resolve("b.log"), new byte[20]);
    Path linkedDir = Files.createSymbolicLink(tmp.resolve("linked"), tmp.resolve("logs"));
    Path linkedFile = Files.createSymbolicLink(tmp.resolve("one.log"), tmp.resolve("logs/a.log"));
    assertEquals(120, ProgressPrinter.sizeOf(List.of(tmp.resolve("logs").toString()), f -> true, false, () -> false));
    assertEquals(120, ProgressPrinter.sizeOf(List.of(linkedDir.toString()), f -> true, false, () -> false));
    assertEquals(100, ProgressPrinter.sizeOf(List.of(linkedFile.toString()), f -> true, false, () -> false));
    List<Path> asked = new ArrayList<>();
    long some = ProgressPrinter.sizeOf(List.of(linkedDir.toString()),
        f -> asked.add(f) && !f.getFileName().toString().equals("b.log"), false, () -> false);
    assertEquals(100, some, "what the scan's filters leave out is not counted");
    assertTrue(asked.contains(linkedDir.resolve("sub/b.log")), "the filters see the names the scan gives: " + asked);
    assertEquals(-1, ProgressPrinter.sizeOf(List.of(linkedDir.toString(), "-"), f -> true, false, () -> false), "stdin has no size");
    assertEquals(-1, ProgressPrinter.sizeOf(List.of(linkedDir.toString()), f -> true, false, () -> true), "stopped");
    // a link inside the tree counts as the scan reads it: only with --follow-links
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.write(other.resolve("c.log"), new byte[7]);
    Files.createSymbolicLink(logs.resolve("more"), other);
    assertEquals(120, ProgressPrinter.sizeOf(List.of(linkedDir.toString()), f -> true, false, () -> false));
    assertEquals(127, ProgressPrinter.sizeOf(List.of(linkedDir.toString()), f -> true, true, () -> false));
  }

  @Test
  void line_withTotal_hasPercentRateTimeLeftFindingsAndPath() {
    String l = ProgressPrinter.line(1L << 30, 4L << 30, 4.0, 3, 120, "/var/log/app.log", 120);
    assertEquals("1.0 GiB/4.0 GiB (25%), 256.0 MiB/s, 0:12 left, 3 findings, 120 files: /var/log/app.log", l);
  }

  @Test
  void line_totalUnknown_saysWhatItKnows() {
    String l = ProgressPrinter.line(5 << 20, -1, 2.0, 1, 1, "(stdin)", 100);
    assertEquals("5.0 MiB, 2.5 MiB/s, 1 finding, 1 file: (stdin)", l);
  }

  @Test
  void line_hostilePath_isEscapedAndTheLineFitsTheTerminal() {
    String hostile = "/x/" + "deep/".repeat(30) + "a\u001b]0;title\u0007\u001b[2Jb.txt";
    String l = ProgressPrinter.line(10, 100, 1.0, 0, 1, hostile, 80);
    assertTrue(l.length() <= 79, l.length() + ": " + l);
    for (char c : l.toCharArray()) {
      assertFalse(c < 0x20 || c == 0x7F, "control character in the progress line: " + l);
    }
    assertTrue(l.contains(": …") && l.endsWith("2Jb.txt"), "the path loses its start, not its end: " + l);
    String wide = ProgressPrinter.line(10, 100, 1.0, 0, 1, hostile, 140);
    assertTrue(wide.endsWith("/deep/a\\x1b]0;title\\x07\\x1b[2Jb.txt"), wide);
  }

  @Test
  void line_hoursLeft_andDoneBeyondTheWalkedTotal() {
    assertTrue(ProgressPrinter.line(1 << 20, 10L << 30, 1.0, 0, 1, null, 120).contains(", 2:50:39 left"));
    String over = ProgressPrinter.line(200, 100, 1.0, 0, 1, null, 120);
    assertTrue(over.startsWith("200 B/200 B (100%)"), over);
  }
}

package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

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

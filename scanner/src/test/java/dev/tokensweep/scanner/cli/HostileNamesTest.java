package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.SafeText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scanning hostile input must not drive the responder's terminal or spreadsheet: file names, JSON
 * keys and custom rule names with escape sequences come out escaped in text, CSV and stderr, and
 * CSV cells that start like a formula are neutralised.
 */
class HostileNamesTest {

  /** Retitles the terminal (OSC 0), rings the bell and clears the screen (CSI 2J). */
  static final String HOSTILE = "a\u001b]0;title\u0007\u001b[2Jb.txt";

  @TempDir
  Path tmp;

  private static void assertNoControl(String where, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean allowed = c == '\n' || c == '\r';
      assertTrue(allowed || (c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F)),
          where + " holds control character U+" + Integer.toHexString(c) + " at " + i);
      assertFalse(c == '\u202e' || c == '\u2066', where + " holds a bidi control at " + i);
    }
  }

  private Path tree() throws IOException {
    TokenForge f = new TokenForge(new Random(11));
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(dir.resolve(HOSTILE), "export GITHUB_TOKEN=" + f.base62Crc32("ghp_") + "\n");
    Files.writeString(dir.resolve("evil\u202etxt.exe"), "t " + f.base62Crc32("gho_") + "\n");
    Files.writeString(dir.resolve("keys.json"), "{\"x\u001b[31mred\": \"" + f.base62Crc32("ghs_") + "\"}\n");
    return dir;
  }

  @Test
  void textReport_hostileFileNamesAndJsonKeys_areEscaped() throws IOException {
    Path dir = tree();
    Run r = Run.run("scan", "--no-progress", dir.toString());
    assertEquals(1, r.exit(), r.err());
    assertNoControl("text report", r.out());
    assertNoControl("stderr", r.err());
    assertTrue(r.out().contains("a\\x1b]0;title\\x07\\x1b[2Jb.txt"), r.out());
    assertTrue(r.out().contains("evil\\u202etxt.exe"), r.out());
    assertTrue(r.out().contains("x\\x1b[31mred"), r.out());
  }

  @Test
  void csvReport_hostileNamesEscapedAndFormulasNeutralised() throws IOException {
    Path dir = tree();
    Path rules = tmp.resolve("rules.yml");
    Files.writeString(rules, """
        - id: acme.formula.1
          name: '=HYPERLINK("http://evil.example/","click")'
          kind: api_key
          keywords: [acme_]
          pattern: '\\b(acme_[a-z0-9]{32})\\b'
          severity: high
          examples: ['ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuv']
          negative_examples: ['ACME_TOKEN=acme_<your-token>']
        """);
    Files.writeString(dir.resolve("acme.log"), "seen acme_q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6 in the log\n");
    Run r = Run.run("scan", "--format", "csv", "--no-progress", "--rules",
        rules.toString(), dir.toString());
    assertEquals(1, r.exit(), r.err());
    String csv = r.out().replace("\r\n", "\n");
    assertNoControl("csv report", csv);
    assertTrue(csv.contains("a\\x1b]0;title\\x07\\x1b[2Jb.txt"), csv);
    assertTrue(csv.contains("x\\x1b[31mred"), csv);
    // the formula is a quoted text cell that starts with a quote mark
    assertTrue(csv.contains("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\""), csv);
    for (String line : csv.split("\n")) {
      for (String start : List.of(",=", ",+", ",@", ",\"=", ",\"+", ",\"@")) {
        assertFalse(line.contains(start), "a cell starts like a formula: " + line);
      }
    }
  }

  @Test
  void stderrProblems_hostileMemberNames_areEscaped() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("special"));
    Path link = dir.resolve("loop\u001b[2J");
    Files.createSymbolicLink(link, link.getFileName());
    Run r = Run.run("scan", "--no-progress", "--follow-symlinks", dir.toString());
    assertNoControl("stderr", r.err());
    assertNoControl("stdout", r.out());
  }

  @Test
  void terminal_escapesControlsC1AndBidi_andLeavesTextAlone() {
    assertEquals("plain/path with spaces/ünïcödé 日本.txt", SafeText.terminal("plain/path with spaces/ünïcödé 日本.txt"));
    assertEquals("a\\x1b[2Jb\\x07\\x0d\\x0a\\x7f", SafeText.terminal("a\u001b[2Jb\u0007\r\n\u007f"));
    assertEquals("\\x9b31m", SafeText.terminal("\u009b31m"));
    assertEquals("x\\u202ey\\u2066z\\u200b", SafeText.terminal("x\u202ey\u2066z\u200b"));
    assertEquals("\\ud800", SafeText.terminal("\ud800"));
    assertEquals("😀", SafeText.terminal("😀"));
    assertEquals("C:\\Users\\x", SafeText.terminal("C:\\Users\\x"));
  }

  @Test
  void csv_formulaStarters_getAQuote() {
    assertEquals("'=1+1", SafeText.csv("=1+1"));
    assertEquals("'+cmd", SafeText.csv("+cmd"));
    assertEquals("'-2", SafeText.csv("-2"));
    assertEquals("'@SUM(A1)", SafeText.csv("@SUM(A1)"));
    assertEquals("\\x09=x", SafeText.csv("\t=x"));
    assertEquals("a=b", SafeText.csv("a=b"));
  }

  @Test
  void terminalAndCsv_randomStrings_leaveNothingATerminalActsOn() {
    java.util.Random r = new java.util.Random(17);
    long deadline = System.nanoTime() + 2_000_000_000L;
    int[] pool = {0x00, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0x85, 0x9b, 0x9d, 0x200b, 0x200e, 0x2028, 0x202e,
        0x2066, 0xfeff, 0xd800, 0xdc00, 'a', '=', '+', '-', '@', '\\', ';', '[', ']', 0xe9, 0x65e5};
    for (int n = 0; n < 200_000 && System.nanoTime() < deadline; n++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(12);
      for (int i = 0; i < len; i++) {
        b.append(r.nextInt(4) == 0 ? (char) r.nextInt(0x10000) : (char) pool[r.nextInt(pool.length)]);
      }
      String in = b.toString();
      for (String out : List.of(SafeText.terminal(in), SafeText.csv(in))) {
        for (int i = 0; i < out.length(); i++) {
          char c = out.charAt(i);
          int type = Character.getType(c);
          boolean paired = Character.isHighSurrogate(c) && i + 1 < out.length() && Character.isLowSurrogate(out.charAt(i + 1))
              || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(out.charAt(i - 1));
          assertFalse(c < 0x20 || (c >= 0x7f && c <= 0x9f) || type == Character.FORMAT
              || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
              || (Character.isSurrogate(c) && !paired), "U+" + Integer.toHexString(c) + " survives in " + out);
        }
      }
      String csv = SafeText.csv(in);
      assertFalse(!csv.isEmpty() && "=+-@".indexOf(csv.charAt(0)) >= 0, csv);
      if (SafeText.terminal(in).equals(in)) {
        assertEquals(in, SafeText.csv(in).startsWith("'") ? SafeText.csv(in).substring(1) : SafeText.csv(in));
      }
    }
  }
}

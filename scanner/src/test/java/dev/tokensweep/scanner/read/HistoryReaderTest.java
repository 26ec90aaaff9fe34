package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryReaderTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(1));

  private Path write(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Offset of {@code needle} in the stored file. */
  private static long at(byte[] file, String needle) {
    return new String(file, StandardCharsets.ISO_8859_1).indexOf(needle);
  }

  private static void assertAt(Location l, String format, long entry, Long ts, long offset, long line) {
    assertEquals(format, l.format(), "format");
    assertEquals(entry, l.entry(), "entry");
    assertEquals(ts, l.timestamp(), "timestamp");
    assertEquals(offset, l.offset(), "offset");
    assertEquals(line, l.line(), "line");
  }

  @Test
  void bash_timestampedMultiLineEntries_nameEntryAndTime() throws IOException {
    String t1 = forge.base62Crc32("ghp_");
    String t2 = forge.base62Crc32("gho_");
    String rand = forge.random(TokenForge.ALNUM, 40);
    byte[] f = latin1("#1700000000\nls -la\n#1700000100\ncat <<EOF\nexport GH=" + t1 + "\nEOF\n"
        + "#1700000200\ncurl -H 'Authorization:\n#1700000300\ngit push https://x:" + t2 + "@github.com/a/b\n"
        + "#1700000400\ncurl -H \"Authorization: Bearer " + rand + "\" https://api\n");
    ScanResult r = scan(write(".bash_history", f));
    noProblems(r);
    assertAt(one(r, t1, "bash t1").location(), "bash-history", 2, 1700000100L, at(f, t1), 5);
    assertAt(one(r, t2, "bash t2").location(), "bash-history", 4, 1700000300L, at(f, t2), 10);
    assertAt(one(r, rand, "bash bearer").location(), "bash-history", 5, 1700000400L, at(f, rand), 12);
    assertEquals(3, r.findings().size());
  }

  @Test
  void bash_withoutTimestamps_eachLineIsAnEntry() throws IOException {
    String t = forge.base62Crc32("ghp_");
    byte[] f = latin1("ls\ncd /tmp\nexport GITHUB_TOKEN=" + t + "\n");
    ScanResult r = scan(write(".bash_history", f));
    Location l = one(r, t, "bash").location();
    assertAt(l, "bash-history", 3, null, at(f, t), 3);
    assertEquals(at(f, t) - 11 + 1, l.column());
  }

  @Test
  void zsh_metafiedAndContinued_decodedWithStoredOffsets() throws IOException {
    String t1 = forge.base62Crc32("ghp_");
    String rand = forge.random(TokenForge.ALNUM, 40);
    // "é" is C3 A9 (A9 is not metafied); "à" is C3 A0 and A0 is stored as 83 80
    byte[] f = latin1(": 1700000000:0;echo caf\u00c3\u0083\u0080 " + t1 + "\n"
        + ": 1700000050:2;curl \\\n  -H 'Authorization: Bearer " + rand + "' \\\n  https://api\n"
        + ": 1700000060:0;ls\n");
    ScanResult r = scan(write(".zsh_history", f));
    noProblems(r);
    assertAt(one(r, t1, "zsh t1").location(), "zsh-history", 1, 1700000000L, at(f, t1), 1);
    assertAt(one(r, rand, "zsh bearer").location(), "zsh-history", 2, 1700000050L, at(f, rand), 3);
  }

  /** The decoded entries a reader hands to the detector, one string per segment. */
  private static java.util.List<String> decoded(HistoryReader.Dialect d, byte[] file) throws IOException {
    java.util.List<String> out = new java.util.ArrayList<>();
    SegmentSink sink = new SegmentSink() {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
        out.add(new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
      }

      @Override
      public int overlap() {
        return 64;
      }

      @Override
      public void problem(dev.tokensweep.scanner.model.Problem problem) {
        throw new AssertionError(problem.toString());
      }
    };
    new HistoryReader(d, 1 << 16).read(new java.io.ByteArrayInputStream(file), "h", sink);
    return out;
  }

  @Test
  void decode_eachDialect_restoresTheCommand() throws IOException {
    assertEquals(java.util.List.of("echo caf\u00c3\u00a0", "a\nb", "ls"), decoded(HistoryReader.Dialect.ZSH,
        latin1(": 1:0;echo caf\u00c3\u0083\u0080\n: 2:0;a\\\nb\n: 3:0;ls\n")));
    assertEquals(java.util.List.of("a\\b\nc\\x"), decoded(HistoryReader.Dialect.FISH,
        latin1("- cmd: a\\\\b\\nc\\x\n  when: 5\n")));
    assertEquals(java.util.List.of("a b\nc\\d\u0001\u00e1\u0081"), decoded(HistoryReader.Dialect.LIBEDIT,
        latin1("_HiStOrY_V2_\na\\040b\\012c\\134d\\^A\\M-a\\M^A\n")));
    assertEquals(java.util.List.of("x `\ny", "z"), decoded(HistoryReader.Dialect.POWERSHELL, latin1("x `\r\ny\r\nz\r\n")));
    assertEquals(java.util.List.of("def f():\n  1", "2"), decoded(HistoryReader.Dialect.PYTHON,
        latin1("def f():\r\n  1\n2\n")));
    assertEquals(java.util.List.of("ls", "a\nb"), decoded(HistoryReader.Dialect.BASH, latin1("#1700000000\nls\n#1700000001\na\nb\n")));
    assertEquals(java.util.List.of("select\n1"), decoded(HistoryReader.Dialect.PSQL, latin1("select\u00011\n")));
  }

  @Test
  void fish_escapesAndWhenAfterCmd() throws IOException {
    String t = forge.base62Crc32("ghu_");
    String rand = forge.random(TokenForge.ALNUM, 40);
    byte[] f = latin1("- cmd: ls\n  when: 1700000000\n- cmd: echo a\\\\b\\nexport T=" + t + "\n  when: 1700000500\n"
        + "  paths:\n    - " + t + "\n- cmd: curl -H 'Authorization: Bearer " + rand + "'\n  when: 1700000900\n");
    ScanResult r = scan(write("fish_history", f));
    noProblems(r);
    assertAt(one(r, t, "fish").location(), "fish-history", 2, 1700000500L, at(f, t), 3);
    assertAt(one(r, rand, "fish bearer").location(), "fish-history", 3, 1700000900L, at(f, rand), 7);
  }

  @Test
  void powershell_backtickContinuationAndCrlf_oneEntry() throws IOException {
    String rand = forge.random(TokenForge.ALNUM, 40);
    String t = forge.base62Crc32("ghp_");
    byte[] f = latin1("Get-ChildItem\r\nInvoke-RestMethod -Uri https://api `\r\n  -Method Post `\r\n"
        + "  -Body 'Authorization: Bearer " + rand + "'\r\n$env:GH_TOKEN='" + t + "'\r\n");
    ScanResult r = scan(write("ConsoleHost_history.txt", f));
    noProblems(r);
    assertAt(one(r, rand, "ps rand").location(), "powershell-history", 2, null, at(f, rand), 4);
    assertAt(one(r, t, "ps t").location(), "powershell-history", 3, null, at(f, t), 5);
  }

  @Test
  void powershell_utf16WithByteOrderMark_isTranscoded() throws IOException {
    // Windows PowerShell 5 writes UTF-16 with a mark (Out-File, '>'): the history reader read its
    // bytes as they were, so "g\0h\0p\0_\0..." matched nothing and the scan said 0 findings
    String rand = forge.random(TokenForge.ALNUM, 40);
    String t = forge.base62Crc32("ghp_");
    String text = "Get-ChildItem\r\nInvoke-RestMethod -Uri https://api `\r\n  -Body 'Authorization: Bearer " + rand
        + "'\r\n$env:GH_TOKEN='" + t + "'\r\n";
    for (boolean big : new boolean[] {false, true}) {
      byte[] body = text.getBytes(big ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
      byte[] f = new byte[body.length + 2];
      f[0] = (byte) (big ? 0xFE : 0xFF);
      f[1] = (byte) (big ? 0xFF : 0xFE);
      System.arraycopy(body, 0, f, 2, body.length);
      ScanResult r = scan(write("ConsoleHost_history.txt", f));
      noProblems(r);
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8); // offsets are those of the transcoded text
      Location l = one(r, t, "ps utf-16 t").location();
      assertAt(l, "powershell-history", 3, null, at(utf8, t), 4);
      assertEquals(big ? "utf-16be" : "utf-16le", l.encoding());
      assertAt(one(r, rand, "ps utf-16 bearer").location(), "powershell-history", 2, null, at(utf8, rand), 3);
    }
  }

  @Test
  void libedit_strvisEscapes_areUndone() throws IOException {
    String rand = forge.random(TokenForge.ALNUM, 40);
    String t = forge.base62Crc32("ghp_");
    byte[] f = latin1("_HiStOrY_V2_\nselect\\0401;\n\\134copy\\040x\\012from\\040'Authorization:\\040Bearer\\040" + rand
        + "';\nset\\040token=" + t + "\\M-a\\^A;\n");
    ScanResult r = scan(write(".mysql_history", f));
    noProblems(r);
    assertAt(one(r, rand, "libedit bearer").location(), "mysql-history", 2, null, at(f, rand), 3);
    assertAt(one(r, t, "libedit t").location(), "mysql-history", 3, null, at(f, t), 4);
  }

  @Test
  void psql_readlineControlA_isANewline() throws IOException {
    String t = forge.base62Crc32("ghp_");
    byte[] f = latin1("select 1;\nselect\u0001'" + t + "'\u0001from x;\n");
    ScanResult r = scan(write(".psql_history", f));
    assertAt(one(r, t, "psql").location(), "psql-history", 2, null, at(f, t), 2);
  }

  @Test
  void python313_crlfInsideEntry_continues() throws IOException {
    String rand = forge.random(TokenForge.ALNUM, 40);
    byte[] f = latin1("import requests\ndef f():\r\n    h = {'Authorization': 'x'}\r\n    return 1\n"
        + "requests.get(u, headers={'authorization: bearer " + rand + "'})\n");
    ScanResult r = scan(write(".python_history", f));
    assertAt(one(r, rand, "python").location(), "python-history", 3, null, at(f, rand), 5);
  }

  @Test
  void node_newestFirst_entryIsLineOrder() throws IOException {
    String t = forge.base62Crc32("gho_");
    byte[] f = latin1("process.env.X\nconst t = '" + t + "'\n1+1\n");
    ScanResult r = scan(write(".node_repl_history", f));
    assertAt(one(r, t, "node").location(), "node-history", 2, null, at(f, t), 2);
  }

  @Test
  void zsh_byContentWithoutName_isRecognised() throws IOException {
    String t = forge.base62Crc32("ghp_");
    byte[] f = latin1(": 1700000000:0;ls\n: 1700000001:0;export A=" + t + "\n");
    ScanResult r = scan(write("history-backup.txt", f));
    assertAt(one(r, t, "zsh sniffed").location(), "zsh-history", 2, 1700000001L, at(f, t), 2);
  }

  @Test
  void bash_entryLongerThanChunk_isScannedInPiecesOnce() throws IOException {
    String t = forge.base62Crc32("ghp_");
    StringBuilder b = new StringBuilder("#1700000000\necho ");
    for (int i = 0; i < 5000; i++) {
      b.append("word").append(i % 10).append(' ');
    }
    b.append(t).append(' ');
    for (int i = 0; i < 3000; i++) {
      b.append("tail ");
    }
    b.append("\n");
    byte[] f = latin1(b.toString());
    for (int chunk : new int[] {64, 1000, 4099, 1 << 20}) {
      ScanResult r = scan(write(".bash_history", f), chunk);
      assertAt(one(r, t, "chunk " + chunk).location(), "bash-history", 1, 1700000000L, at(f, t), 2);
    }
  }

  /**
   * Entries longer than the buffer an entry starts in: it grows, then serves the next entries; each
   * token is found once, at its place, whatever the entry before it was.
   */
  @Test
  void bash_longEntriesAfterShortOnes_eachTokenOnceAtItsPlace() throws IOException {
    StringBuilder b = new StringBuilder();
    List<String> tokens = new ArrayList<>();
    int[] lengths = {10, EntryBuffer.FIRST_BYTES - 60, 5, 3 * EntryBuffer.FIRST_BYTES + 7, 40, EntryBuffer.FIRST_BYTES * 9};
    for (int e = 0; e < lengths.length; e++) {
      String t = forge.base62Crc32("ghp_");
      tokens.add(t);
      b.append('#').append(1700000000 + e).append("\necho ");
      int before = lengths[e] / 2;
      b.append("x".repeat(before)).append(' ').append(t).append(' ').append("y".repeat(lengths[e] - before)).append('\n');
    }
    byte[] f = latin1(b.toString());
    for (int chunk : new int[] {1000, 1 << 16, 1 << 20}) {
      ScanResult r = scan(write(".bash_history", f), chunk);
      for (int e = 0; e < tokens.size(); e++) {
        String t = tokens.get(e);
        assertAt(one(r, t, "entry " + e + ", chunk " + chunk).location(), "bash-history", e + 1,
            1700000000L + e, at(f, t), 2L * e + 2);
      }
    }
  }

  @Test
  void historyLocation_hasNoEncodingOrJsonPath() throws IOException {
    String t = forge.base62Crc32("ghp_");
    ScanResult r = scan(write(".bash_history", latin1("x " + t + "\n")));
    Location l = one(r, t, "plain").location();
    assertNull(l.jsonPath());
    assertNull(l.decodings());
  }
}

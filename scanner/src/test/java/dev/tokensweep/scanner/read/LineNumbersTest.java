package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Line and column of every finding, plain or found in a decoded base64 run, against the text
 * itself: the reader counts lines from places the decoding pass tells it
 * ({@code decode.SegmentPass#TELL}), so findings before, between and after those places, in
 * several chunks, and decoded ones located after plain ones later in their chunk, must all land
 * on the line a reader of the file would count.
 */
class LineNumbersTest {
  @TempDir
  Path dir;

  @Test
  void plainAndDecodedFindings_lineAndColumnAsCountedInTheText() throws IOException {
    Random r = new Random(7);
    TokenForge forge = new TokenForge(r);
    StringBuilder b = new StringBuilder();
    // offset in the text -> secret; for a decoded one, the offset of the encoded byte that
    // encodes the secret's first byte (the run's start plus 4/3 of the 11 bytes of JSON before it)
    TreeMap<Integer, String> planted = new TreeMap<>();
    for (int i = 0; i < 6000; i++) {
      b.append("2026-11-01T11:09:").append(10 + i % 50).append(" INFO worker-").append(i % 7).append(' ');
      int kind = r.nextInt(40);
      if (kind == 0) {
        plantPlain(b, planted, forge, "export GITHUB_TOKEN=");
      } else if (kind == 1) {
        plantEncoded(b, planted, forge, "payload=");
      } else {
        words(b, r, r.nextInt(r.nextInt(30) == 0 ? 3000 : 120));
      }
      b.append(r.nextInt(5) == 0 ? "\r\n" : "\n");
    }
    assertLinesAndColumns(b.toString(), planted);
  }

  /**
   * Several findings on each long line (up to ~40 KB, in plain text and in base64 runs, whose
   * findings are located after the plain ones later in their chunk): each one's column is counted
   * from its own line's start, which the locator no longer looks for from the finding back to the
   * line's first byte (on one 1 MB line with ~18,000 findings that was 2 of 2.5 s, quadratic in the
   * line's length), but from the place it located last.
   */
  @Test
  void manyFindingsOnLongLines_columnsFromEachLinesStart() throws IOException {
    Random r = new Random(11);
    TokenForge forge = new TokenForge(r);
    StringBuilder b = new StringBuilder();
    TreeMap<Integer, String> planted = new TreeMap<>();
    for (int line = 0; line < 300; line++) {
      for (int seg = r.nextInt(r.nextInt(10) == 0 ? 200 : 20); seg > 0; seg--) {
        int kind = r.nextInt(4);
        if (kind == 0) {
          plantPlain(b, planted, forge, " GITHUB_TOKEN=");
          b.append(' ');
        } else if (kind == 1) {
          plantEncoded(b, planted, forge, " payload=");
          b.append(' ');
        } else {
          words(b, r, r.nextInt(200));
        }
      }
      b.append(r.nextInt(5) == 0 ? "\r\n" : "\n");
    }
    assertLinesAndColumns(b.toString(), planted);
  }

  /** Appends {@code name} and a GitHub token, planted at its first byte. */
  private static void plantPlain(StringBuilder b, TreeMap<Integer, String> planted, TokenForge forge, String name) {
    String t = forge.base62Crc32("ghp_");
    b.append(name);
    planted.put(b.length(), t);
    b.append(t);
  }

  /**
   * Appends {@code name} and a base64 run of JSON holding a GitHub token, planted at the encoded
   * byte that encodes its first byte (the run's start plus 4/3 of the 11 bytes of JSON before it).
   */
  private static void plantEncoded(StringBuilder b, TreeMap<Integer, String> planted, TokenForge forge, String name) {
    String t = forge.base62Crc32("gho_");
    b.append(name);
    planted.put(b.length() + 11 * 4 / 3, t);
    b.append(Base64.getEncoder().encodeToString(("{\"token\": \"" + t + "\"}").getBytes(StandardCharsets.UTF_8)));
  }

  /** Appends {@code n} bytes of lower-case words and spaces. */
  private static void words(StringBuilder b, Random r, int n) {
    for (int k = 0; k < n; k++) {
      b.append(r.nextInt(6) == 0 ? ' ' : (char) ('a' + r.nextInt(26)));
    }
  }

  /** Scans {@code text} in chunks of several sizes: every planted token at the line and column counted in the text. */
  private void assertLinesAndColumns(String text, TreeMap<Integer, String> planted) throws IOException {
    Path p = dir.resolve("app.log");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    List<String> rulesWhole = null;
    for (int chunk : new int[] {1 << 20, 100_000, 20_000, 3000}) {
      ScanResult res = scan(p, chunk);
      // each token by its number in the text, so that a failure message shows no secret
      List<String> secrets = new ArrayList<>(planted.values());
      List<String> expected = new ArrayList<>();
      int k = 0;
      for (var e : planted.entrySet()) {
        int at = e.getKey();
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        long line = text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        expected.add("token " + k++ + " line " + line + " column " + (at - lineStart + 1));
      }
      // with small chunks a context rule's match (GITHUB_TOKEN=...) can start in one chunk and
      // the provider rule's (ghp_...) in the next: still one finding
      List<String> got = new ArrayList<>();
      for (Finding f : res.findings()) {
        got.add("token " + secrets.indexOf(f.revealed()) + " line " + f.location().line() + " column " + f.location().column());
      }
      expected.sort(null);
      got.sort(null);
      assertEquals(expected, got, "chunk " + chunk);
      // and the same rule as when the file is read whole: the one first in the catalogue
      List<String> rules = new ArrayList<>();
      for (Finding f : res.findings()) {
        rules.add("token " + secrets.indexOf(f.revealed()) + " " + f.evidence().ruleId());
      }
      rules.sort(null);
      if (rulesWhole == null) {
        rulesWhole = rules;
      }
      assertEquals(rulesWhole, rules, "chunk " + chunk);
    }
  }
}

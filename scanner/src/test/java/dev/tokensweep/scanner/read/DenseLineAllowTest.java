package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Suppression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inline allow marker on one long line dense with findings, where the scan searches the
 * segment for the marker once instead of around each finding: findings within the marker's reach
 * (4 KB either side of the secret, on its line) are suppressed, all others reported, and without
 * the marker none is suppressed.
 */
class DenseLineAllowTest {
  private static final String MARKER = "tokensweep:allow";
  private static final int REACH = 4096;

  @TempDir
  Path dir;

  @Test
  void denseLongLine_markerSuppressesTheFindingsWithinItsReachOnly() throws IOException {
    TokenForge forge = new TokenForge(new Random(9));
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      values.add(forge.random(TokenForge.ALNUM, 24));
    }
    // the same values without and with the marker in the line's middle
    Set<Integer> found = null;
    for (boolean withMarker : new boolean[] {false, true}) {
      StringBuilder b = new StringBuilder("log:");
      Set<Integer> inReach = new TreeSet<>();
      int marker = -1;
      List<int[]> spans = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        if (withMarker && i == values.size() / 2) {
          marker = b.length() + 1;
          b.append(' ').append(MARKER).append(' ');
        }
        b.append("  x_secret=");
        spans.add(new int[] {b.length(), b.length() + values.get(i).length()});
        b.append(values.get(i));
      }
      b.append('\n');
      for (int i = 0; i < spans.size(); i++) {
        int[] s = spans.get(i);
        if (marker >= 0 && marker >= s[0] - REACH && marker + MARKER.length() <= s[1] + REACH) {
          inReach.add(i);
        }
      }
      Path file = dir.resolve("dense-" + withMarker + ".log");
      Files.write(file, b.toString().getBytes(StandardCharsets.US_ASCII));
      ScanResult res = scan(file);
      Set<Integer> reported = new TreeSet<>();
      for (Finding f : res.findings()) {
        reported.add(values.indexOf(f.revealed()));
      }
      long suppressed = res.suppressed().getOrDefault(Suppression.INLINE_ALLOW, 0L);
      if (!withMarker) {
        found = reported;
        assertTrue(found.size() > 2900, "the assignments must be found: " + found.size());
        assertEquals(0, suppressed, "nothing suppressed without the marker");
        continue;
      }
      assertTrue(inReach.size() > 100 && inReach.size() < values.size() - 100, "the marker reaches part of the line: " + inReach.size());
      Set<Integer> want = new TreeSet<>(found);
      want.removeAll(inReach);
      Set<Integer> missing = new TreeSet<>(want);
      missing.removeAll(reported);
      Set<Integer> extra = new TreeSet<>(reported);
      extra.removeAll(want);
      assertEquals("missing [] extra []", "missing " + missing + " extra " + extra,
          "reported with the marker: those found without it, less those within its reach (indexes)");
      Set<Integer> hidden = new TreeSet<>(found);
      hidden.retainAll(inReach);
      assertEquals(hidden.size(), suppressed, "suppressed: those found without the marker within its reach");
    }
  }
}

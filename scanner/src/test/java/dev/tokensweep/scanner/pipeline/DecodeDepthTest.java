package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
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
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan --decode-depth}: a token plain, one in base64 and one in base64 of base64, on the
 * lines of a log; each depth finds those encoded at most that many times, read whole and read in
 * parts (the two paths that build the decoding layers).
 */
class DecodeDepthTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private Path plant() throws IOException {
    Random r = new Random(41);
    TokenForge forge = new TokenForge(r);
    Base64.Encoder b64 = Base64.getEncoder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      b.append("2026-11-01T11:09:").append(10 + i % 50).append(" INFO ").append(RandomText.filler(r, r.nextInt(300)));
      switch (i % 40) {
        case 7 -> b.append(" export GITHUB_TOKEN=").append(forge.base62Crc32("ghp_"));
        case 19 -> b.append(" payload=").append(b64.encodeToString(
            ("{\"token\": \"" + forge.base62Crc32("gho_") + "\"}").getBytes(StandardCharsets.UTF_8)));
        case 31 -> b.append(" blob=").append(b64.encodeToString(b64.encode(
            ("export NPM_TOKEN=" + forge.base62Crc32("npm_")).getBytes(StandardCharsets.UTF_8))));
        default -> { }
      }
      b.append('\n');
    }
    Path p = dir.resolve("app.log");
    Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
    return p;
  }

  /**
   * Secrets found (by fingerprint: a secret two rules report counts once) by the number of
   * decodings their location names.
   */
  private static Map<Integer, Integer> byLayers(List<Finding> findings) {
    Map<Integer, java.util.Set<String>> secrets = new TreeMap<>();
    for (Finding f : findings) {
      int layers = f.location().decodings() == null ? 0 : f.location().decodings().size();
      secrets.computeIfAbsent(layers, k -> new java.util.HashSet<>()).add(f.evidence().fingerprint());
    }
    Map<Integer, Integer> m = new TreeMap<>();
    secrets.forEach((layers, set) -> m.put(layers, set.size()));
    return m;
  }

  private static ScanResult scan(Path p, int depth, boolean inParts) {
    Scanner.Options options = Scanner.Options.defaults().withDecodeDepth(depth).withThreads(inParts ? 2 : 1);
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), options);
    if (inParts) {
      s.partsFromBytes = 1;
      s.partBytes = 2L * DETECTOR.overlap() + 5_000;
    }
    List<Finding> streamed = new ArrayList<>();
    ScanResult r = s.scan(List.of(p.toString()), null, ScanListener.NONE, streamed::add);
    assertEquals(List.of(), r.problems(), "nothing left unscanned");
    return new ScanResult(s.settle(streamed), r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(), r.suppressed());
  }

  @Test
  void eachDepth_findsWhatIsEncodedAtMostThatDeep_wholeAndInParts() throws IOException {
    Path p = plant();
    Map<Integer, Integer> expected = new TreeMap<>();
    for (int depth = 0; depth <= 4; depth++) {
      // ten of each kind: plain, one layer, two layers
      expected.put(Math.min(depth, 2), 10);
      Map<Integer, Integer> whole = byLayers(scan(p, depth, false).findings());
      assertEquals(expected, whole, "depth " + depth + " read whole: findings by decoding layers");
      assertEquals(whole, byLayers(scan(p, depth, true).findings()), "depth " + depth + " read in parts");
    }
  }

  @Test
  void defaults_decodeTwoLayers() throws IOException {
    Path p = plant();
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(1));
    assertEquals(Map.of(0, 10, 1, 10, 2, 10), byLayers(s.scan(List.of(p.toString()), null).findings()));
  }

  @Test
  void depthOutsideZeroToFour_refused() {
    assertThrows(IllegalArgumentException.class, () -> Scanner.Options.defaults().withDecodeDepth(-1));
    assertThrows(IllegalArgumentException.class, () -> Scanner.Options.defaults().withDecodeDepth(5));
  }
}

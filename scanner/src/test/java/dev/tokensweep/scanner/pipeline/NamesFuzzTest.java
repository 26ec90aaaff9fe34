package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of JSON, HAR and zip inputs whose keys and member names hold tokens
 * (some before a name's extension):
 * no exception escapes the scan, and no location the scan makes (path, JSON path) holds anything
 * the detector would find, whatever the mutation did to the names. Bounded in time.
 */
class NamesFuzzTest {
  private static final long BUDGET_NANOS = FuzzLoop.budgetMillis(3_000) * 1_000_000L;

  @Test
  void mutatedJsonHarAndZip_noExceptionAndNoSecretInAnyLocation() throws IOException {
    Detector detector = Detector.of(Rules.builtin());
    Scanner scanner = new Scanner(detector, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(1));
    TokenForge forge = new TokenForge(new Random(4242));
    String t1 = forge.base62Crc32("ghp_");
    String jwt = forge.accessJwt("https://issuer.example", "api", "read", 1_790_000_000L, 3600);
    byte[] json = ("{\"" + jwt + "\": {\"a\": [1, {\"" + t1 + "\": \"v\"}]}, \"x\": \"{\\\"" + t1 + "\\\": 2}\"}\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] har = ("{\"log\": {\"entries\": [{\"request\": {\"headers\": [{\"name\": \"X-" + t1
        + "\", \"value\": \"1\"}], \"cookies\": [{\"name\": \"" + jwt + "\", \"value\": \"c\"}]}}]}}\n")
        .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zipBytes)) {
      // names written from a variable, whose secret ends before the extension (Detector.findAllInName)
      String device = "device_code=" + forge.random(TokenForge.B64URL, 43) + ".txt";
      String generic = "d/api_secret=" + forge.random(TokenForge.ALNUM, 32) + ".json";
      for (String m : new String[] {t1 + "/a.json", t1 + "/b.log", "c/" + jwt, device, generic, jwt + ".jwt"}) {
        z.putNextEntry(new ZipEntry(m));
        z.write(json);
        z.closeEntry();
      }
    }
    byte[][] seeds = {json, har, zipBytes.toByteArray()};
    String[] names = {"keys.json", "capture.har", "bundle.zip"};
    Random r = new Random(1212);
    long end = System.nanoTime() + BUDGET_NANOS;
    int runs = 0;
    while (System.nanoTime() < end || runs < 20) {
      int s = runs % seeds.length;
      byte[] b = seeds[s].clone();
      for (int k = r.nextInt(4); k >= 0; k--) {
        int at = r.nextInt(b.length);
        switch (r.nextInt(3)) {
          case 0 -> b[at] = (byte) r.nextInt(256);
          case 1 -> b[at] = "\"{}[]:,\\/!".getBytes(StandardCharsets.US_ASCII)[r.nextInt(10)];
          default -> b = java.util.Arrays.copyOf(b, Math.max(1, at));
        }
      }
      ScanResult res = scanner.matchStream(new ByteArrayInputStream(b), names[s], m -> { });
      ScanResult scan = scanNames(scanner, b, names[s]);
      for (ScanResult one : new ScanResult[] {res, scan}) {
        for (Problem p : one.problems()) {
          assertTrue(!p.message().startsWith("internal error"), "run " + runs + ": " + p);
        }
        for (Finding f : one.findings()) {
          assertClean(detector, "path", f.location().path(), runs);
          assertClean(detector, "json_path", f.location().jsonPath(), runs);
        }
      }
      runs++;
    }
  }

  /** Scans {@code bytes} as a file would be, names included (matchStream leaves names to the sanitizer). */
  private static ScanResult scanNames(Scanner scanner, byte[] bytes, String name) {
    Collector c = new Collector(ScanListener.NONE, null, scanner::scrub, scanner::scrubNames);
    dev.tokensweep.scanner.model.ScanStats stats = new dev.tokensweep.scanner.model.ScanStats();
    scanner.scanStream(new ByteArrayInputStream(bytes), name, null, c, stats);
    ScanResult r = c.result(stats);
    return new ScanResult(c.findingsSoFar(), r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(), r.suppressed());
  }

  private static void assertClean(Detector detector, String what, String text, int run) {
    if (text == null) {
      return;
    }
    if (!detector.findAll(text.getBytes(StandardCharsets.UTF_8)).isEmpty()) {
      fail("run " + run + ": a " + what + " holds something the detector finds (" + text.length() + " chars)");
    }
  }
}

package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leaf whose distinct secrets need more forms than one pass may hold is copied in passes, a
 * batch of secrets each, the copy between two passes kept in an encrypted spool: the copy is the
 * one a single pass writes, every secret is reported once, and a copy between passes that passes
 * the spool limit leaves the leaf out with a problem that says so. The cap is set low here, so a
 * few hundred tokens take a dozen passes.
 */
class SanitizeBatchesTest {

  @TempDir
  Path dir;

  private static final Detector DETECTOR = Detector.of(Rules.builtin());
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();
  /** About 25 tokens of 40 bytes a batch. */
  private static final long SMALL_CAP = 25 * SecretBatches.formBytes(40);

  private final TokenForge forge = new TokenForge(new Random(41));

  private static PathSanitizer sanitizer(long batchBytes, long spoolCap) {
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    Sanitizer.Options d = Sanitizer.Options.defaults();
    Sanitizer.Options o = new Sanitizer.Options(MaskStyle.TAG, false, d.binary(), spoolCap, 4096);
    return new PathSanitizer(new LeafSanitizer(scanner, FP, o, batchBytes), ScanLimits.defaults());
  }

  private List<String> tokens(int n) {
    List<String> t = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      t.add(forge.base62Crc32("ghp_"));
    }
    return t;
  }

  /**
   * A gateway log: each token in a request line, in a Basic credential's base64 and URL-encoded
   * in a redirect; then every token again, long after its batch went to the spool.
   */
  private static byte[] log(List<String> tokens, int quiet) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < quiet; i++) {
      b.append("2026-12-05T09:59:59Z GET /healthz status=200 bytes=").append(i).append(" agent=probe\n");
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < tokens.size(); i++) {
        String t = tokens.get(i);
        b.append("2026-12-05T10:00:").append(i % 60).append("Z GET /api/v3/orders/").append(i)
            .append(" authorization=\"token ").append(t).append("\" status=200\n");
        if (round == 0 && i % 3 == 0) {
          String basic = java.util.Base64.getEncoder().encodeToString(("ci-bot:" + t).getBytes(StandardCharsets.US_ASCII));
          b.append("proxy: Authorization: Basic ").append(basic).append('\n');
          b.append("redirect to /cb?next=%2Fhome%3Ftoken%3D").append(t).append("&x=1\n");
        }
      }
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Fingerprints in a result's reports, each as often as listed. */
  private static List<String> fingerprints(PathSanitizer.Result r) {
    List<String> all = new ArrayList<>();
    for (Sanitizer.LeafReport l : r.leaves()) {
      l.fingerprintsByRule().values().forEach(all::addAll);
    }
    return all;
  }

  private static long replacements(PathSanitizer.Result r) {
    return r.leaves().stream().mapToLong(Sanitizer.LeafReport::replacements).sum();
  }

  @Test
  void sanitize_secretsPastTheBatchCap_sameCopyAsOnePass_eachSecretReportedOnce() throws IOException {
    List<String> tokens = tokens(300);
    Path in = dir.resolve("gateway.log");
    Files.write(in, log(tokens, 500));
    Path one = dir.resolve("one.log");
    Path passes = dir.resolve("passes.log");
    PathSanitizer.Result r1 = sanitizer(LeafSanitizer.DEFAULT_BATCH_BYTES, Sanitizer.DEFAULT_SPOOL_CAP)
        .sanitize(in, one, false);
    PathSanitizer.Result rn = sanitizer(SMALL_CAP, Sanitizer.DEFAULT_SPOOL_CAP).sanitize(in, passes, false);
    assertTrue(r1.problems().isEmpty() && rn.problems().isEmpty(), "no problems: " + r1.problems().size() + ", "
        + rn.problems().size());
    byte[] a = Files.readAllBytes(one);
    byte[] b = Files.readAllBytes(passes);
    assertEquals(a.length, b.length, "the copy in passes has the single pass's length");
    assertArrayEquals(a, b, "the copy in passes is the single pass's");
    List<String> fps = fingerprints(rn);
    // the tokens and the Basic credentials that hold them, which are secrets of a rule of their own
    assertEquals(tokens.size() + tokens.size() / 3, fps.size(), "each distinct secret reported once, though found"
        + " again after its batch");
    assertEquals(fps.size(), new HashSet<>(fps).size(), "no fingerprint twice");
    assertEquals(new HashSet<>(fingerprints(r1)), new HashSet<>(fps), "the same fingerprints");
    assertEquals(replacements(r1), replacements(rn), "the same occurrences replaced");
    assertScansClean(passes);
    assertNoToken(new String(b, StandardCharsets.US_ASCII), tokens);
  }

  @Test
  void sanitize_binaryLeafPastTheBatchCap_utf16AndAsciiMaskedInEveryPass() throws IOException {
    List<String> tokens = tokens(120);
    ByteArrayOutputStream dump = new ByteArrayOutputStream();
    dump.writeBytes(new byte[] {'M', 'D', 'M', 'P', 0, 0, 0, 0});
    Random rnd = new Random(7);
    for (int round = 0; round < 2; round++) {
      for (String t : tokens) {
        byte[] noise = new byte[64];
        rnd.nextBytes(noise);
        dump.writeBytes(noise);
        dump.writeBytes(("token=" + t).getBytes(round == 0 ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE));
        dump.writeBytes(("\0job token " + t + "\0").getBytes(StandardCharsets.US_ASCII));
      }
    }
    Path in = dir.resolve("crash.dmp");
    Files.write(in, dump.toByteArray());
    Path one = dir.resolve("one.dmp");
    Path passes = dir.resolve("passes.dmp");
    sanitizer(LeafSanitizer.DEFAULT_BATCH_BYTES, Sanitizer.DEFAULT_SPOOL_CAP).sanitize(in, one, false);
    PathSanitizer.Result rn = sanitizer(SMALL_CAP / 2, Sanitizer.DEFAULT_SPOOL_CAP).sanitize(in, passes, false);
    byte[] b = Files.readAllBytes(passes);
    assertEquals(dump.size(), b.length, "a dump keeps its size");
    assertArrayEquals(Files.readAllBytes(one), b, "the copy in passes is the single pass's");
    assertEquals(tokens.size(), new HashSet<>(fingerprints(rn)).size(), "every token reported");
    assertEquals(tokens.size(), fingerprints(rn).size(), "each once");
    assertEquals(4L * tokens.size(), replacements(rn), "the ASCII and UTF-16 copies of each, in both rounds");
    assertScansClean(passes);
  }

  @Test
  void sanitize_copyBetweenPassesPastTheSpoolLimit_leafLeftOutWithAProblem() throws IOException {
    List<String> tokens = tokens(300);
    byte[] log = log(tokens, 8000);
    Path in = dir.resolve("gateway.log");
    Files.write(in, log);
    Path out = dir.resolve("clean.log");
    // the secrets' own spool (~100 KB: found by the scan and again by the plain-bytes pass) fits;
    // the copy between passes (the log's size, ~600 KB) does not
    PathSanitizer.Result r = sanitizer(SMALL_CAP, 300_000).sanitize(in, out, false);
    assertFalse(r.written(), "nothing written");
    assertFalse(Files.exists(out), "no copy");
    assertEquals(1, r.problems().size(), "one problem for the leaf");
    Problem p = r.problems().get(0);
    assertEquals(Problem.Type.LIMIT, p.type());
    assertTrue(p.message().contains("between two passes") && p.message().contains("spool limit of 300000 bytes"),
        "the problem says which limit: " + p.message());
    assertNoToken(p.toString(), tokens);
    assertTrue(r.leaves().get(0).dropped(), "the leaf is reported as left out");
  }

  @Test
  void forEach_secretsFoundAgainAfterTheirBatchWent_eachHandedOutOnce_longestFirst() throws IOException {
    List<String> tokens = tokens(100);
    List<String> longer = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      longer.add(forge.random("abcdefghijklmnopqrstuvwxyz0123456789", 56));
    }
    List<List<String>> seen = new ArrayList<>();
    try (SecretBatches s = new SecretBatches(10 * SecretBatches.formBytes(40), 1 << 20)) {
      for (int round = 0; round < 3; round++) { // the scan, the plain-bytes pass, and once more
        for (int i = 0; i < tokens.size(); i++) {
          s.add(tokens.get(i).getBytes(StandardCharsets.US_ASCII), Kind.ACCESS_TOKEN, "ts.github.1");
          if (i % 3 == 0) {
            s.add(longer.get(i / 4).getBytes(StandardCharsets.US_ASCII), Kind.API_KEY, "ts.other.1");
          }
        }
      }
      s.finish();
      assertTrue(s.batched(), "more than one batch");
      s.forEach(batch -> {
        List<String> in = new ArrayList<>();
        for (int e = 0; e < batch.size(); e++) {
          String t = new String(batch.secret(e), StandardCharsets.US_ASCII);
          in.add(t);
          assertEquals(t.length() == 40 ? "ts.github.1" : "ts.other.1", s.ruleId(batch.rule(e)), "the rule kept");
        }
        seen.add(in);
      });
    }
    List<String> all = new ArrayList<>();
    seen.forEach(all::addAll);
    List<String> want = new ArrayList<>(new java.util.LinkedHashSet<>(longer.subList(0, 25)));
    want.addAll(tokens);
    assertEquals(want.size(), all.size(), "each secret once");
    assertEquals(new HashSet<>(want), new HashSet<>(all), "every secret");
    int lastLong = 0;
    for (int i = 0; i < all.size(); i++) {
      lastLong = all.get(i).length() > 40 ? i : lastLong;
    }
    assertEquals(24, lastLong, "the longer secrets first");
    assertTrue(seen.size() >= 8, "about ten tokens a batch: " + seen.size() + " batches");
    for (List<String> b : seen) {
      assertTrue(b.size() <= 25, "no batch far past its cap: " + b.size());
    }
  }

  /** None of {@code tokens} in {@code text}; a failure names the token's index, never the token. */
  private static void assertNoToken(String text, List<String> tokens) {
    for (int i = 0; i < tokens.size(); i++) {
      assertFalse(text.contains(tokens.get(i).substring(4)), "token " + i + " is still there");
    }
  }

  private static void assertScansClean(Path out) throws IOException {
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    assertEquals(0, scanner.scan(List.of(out.toString()), null).findings().size(), "the scan of the copy finds nothing");
  }
}

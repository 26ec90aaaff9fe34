package dev.tokensweep.scanner.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encoded runs longer than the layers decode ({@link DecodingLayer#MAX_RUN}): the scan ends, in
 * time linear in the input, and finds what follows them. The bound is only there so that a
 * regression fails instead of hanging the build; the timing itself is measured in corpus/bench.
 */
class LongRunsTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private ScanResult scan(Path p) {
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(1));
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> s.scan(List.of(p.toString()), null));
  }

  /**
   * One URL run of 3.6 MB made of escapes: the URL layer stopped each run at MAX_RUN and went back
   * to the same run start at the next escape, for ever.
   */
  @Test
  void urlRunLongerThanMaxRun_scanEndsAndFindsTheTokenAfterIt() throws Exception {
    String t = new TokenForge(new Random(9)).base62Crc32("ghp_");
    Path p = dir.resolve("escapes.log");
    Files.writeString(p, "q=" + "%41".repeat(1_200_000) + " GITHUB_TOKEN=" + t + "\n");
    ScanResult r = scan(p);
    assertEquals(1, r.findings().size(), "the token after the run");
    assertEquals(0, r.problems().size());
  }

  /**
   * 10 MB of "eyJ": every hit of the JWT rule walked its anchored DFA the rule's length (8 KB),
   * waiting for a '.', and ran its window; 84 s. A JWT after it is still found.
   */
  @Test
  void jwtPrefixRepeated_scanEndsAndFindsTheJwtAfterIt() throws Exception {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String jwt = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        + "." + b64.encodeToString("{\"sub\":\"svc-7\",\"iat\":1793000000}".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        + "." + new TokenForge(new Random(10)).random(TokenForge.B64URL, 43);
    Path p = dir.resolve("prefixes.log");
    Files.writeString(p, "x=" + "eyJ".repeat(3_500_000) + "\nAuthorization: Bearer " + jwt + "\n");
    ScanResult r = scan(p);
    assertEquals(1, r.findings().size(), "the bearer JWT, once");
  }
}

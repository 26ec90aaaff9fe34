package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unexpected exception or running out of memory while scanning an input ends the scan with exit 4, never 1. */
class InternalErrorTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private ScanResult scanWith(Throwable thrown) throws IOException {
    Files.writeString(dir.resolve("a.env"), "GITHUB_TOKEN=" + new TokenForge(new Random(3)).base62Crc32("ghp_") + "\n");
    Files.writeString(dir.resolve("b.env"), "nothing here\n");
    Scanner.Opener opener = file -> {
      if (file.getFileName().toString().equals("b.env")) {
        if (thrown instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) thrown;
      }
      return Files.newInputStream(file);
    };
    return new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(2), opener)
        .scan(List.of(dir.toString()), null);
  }

  @Test
  void scan_unexpectedException_exit4EvenWithFindings() throws IOException {
    ScanResult r = scanWith(new IllegalStateException("boom"));
    assertFalse(r.findings().isEmpty(), "the other input is still scanned");
    assertEquals(Problem.Type.INTERNAL, r.problems().get(0).type());
    assertEquals(4, r.exitCode(Severity.INFO));
  }

  @Test
  void scan_outOfMemoryInOneInput_exit4EvenWithFindings() throws IOException {
    ScanResult r = scanWith(new OutOfMemoryError("synthetic"));
    assertEquals(1, r.findings().size());
    assertEquals(Problem.Type.INTERNAL, r.problems().get(0).type());
    assertEquals(4, r.exitCode(Severity.INFO));
  }
}

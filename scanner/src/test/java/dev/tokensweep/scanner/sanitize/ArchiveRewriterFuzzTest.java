package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.expand.Spool;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.pipeline.Archives;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random-mutation fuzzing of sanitize over archives (the scanner's walker driving
 * {@link ArchiveRewriter}), bounded in time so it runs in every build: a tar.gz holding a zip, a
 * gzip log and a cpio, and a zip and a 7z, with bytes flipped, ranges zeroed or copied, and the
 * file cut short. No exception other than an I/O refusal may escape, the input is never changed,
 * a copy that is written is whole (no temp file beside it, no spool left), and the heap stays
 * bounded.
 */
class ArchiveRewriterFuzzTest {
  private static final long BUDGET_MILLIS = FuzzLoop.budgetMillis(3_000);
  private static final long MAX_HEAP = 512L << 20;

  @TempDir
  Path dir;

  private static byte[] mutate(byte[] seed, Random rnd) {
    byte[] b = seed.clone();
    int ops = 1 + rnd.nextInt(6);
    for (int o = 0; o < ops; o++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(5)) {
        case 0 -> b[at] = (byte) rnd.nextInt(256);
        case 1 -> java.util.Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(64)), (byte) 0);
        case 2 -> {
          int from = rnd.nextInt(b.length);
          int n = Math.min(Math.min(b.length - at, b.length - from), 1 + rnd.nextInt(512));
          System.arraycopy(b, from, b, at, n);
        }
        case 3 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
        default -> b = java.util.Arrays.copyOf(b, Math.max(1, at));
      }
    }
    return b;
  }

  private static Set<String> spools() throws IOException {
    try (Stream<Path> s = Files.list(Spool.directory())) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void sanitize_mutatedArchives_noExceptionNoPartialOutputBoundedHeap() throws Exception {
    TokenForge forge = new TokenForge(new Random(99));
    byte[] log = ("start\nexport GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\nend\n").getBytes(StandardCharsets.US_ASCII);
    Map<String, byte[]> inner = new LinkedHashMap<>();
    inner.put("app.log", log);
    inner.put("trace.log.gz", Archives.gzip(log));
    Map<String, byte[]> outer = new LinkedHashMap<>(inner);
    outer.put("nested.zip", Archives.zip(inner));
    outer.put("old.cpio", Archives.cpio(Map.of("c.log", log)));
    Path sevenZ = dir.resolve("seed.7z");
    Archives.sevenZ(sevenZ, inner);
    List<byte[]> seeds = List.of(Archives.gzip(Archives.tar(outer)), Archives.zip(outer), Files.readAllBytes(sevenZ));
    List<String> names = List.of("b.tar.gz", "b.zip", "b.7z");
    Scanner scanner = new Scanner(Detector.of(Rules.builtin()), Fingerprinter.withDefaultKey(),
        Scanner.Options.defaults().withThreads(1));
    ScanLimits d = ScanLimits.defaults();
    ScanLimits limits = new ScanLimits(d.maxDepth(), 1000, 64L << 20, 16L << 20, d.maxRatio(), 1L << 20, 64L << 20,
        d.maxLineBytes());
    PathSanitizer sanitizer = new PathSanitizer(Sanitizer.of(scanner, Fingerprinter.withDefaultKey(),
        Sanitizer.Options.defaults()), limits);
    Set<String> spoolsBefore = spools();
    Random rnd = new Random(1414);
    long end = System.currentTimeMillis() + BUDGET_MILLIS;
    int runs = 0;
    long peak = 0;
    while (System.currentTimeMillis() < end || runs < 3) {
      int k = runs % seeds.size();
      byte[] input = runs < 3 ? seeds.get(k) : mutate(seeds.get(k), rnd);
      Path work = Files.createDirectories(dir.resolve("run" + runs));
      Path in = Files.write(work.resolve(names.get(k)), input);
      Path out = work.resolve("clean-" + names.get(k));
      PathSanitizer.Result r;
      try {
        r = sanitizer.sanitize(in, out, false);
      } catch (PathSanitizer.RefusedException e) {
        fail("run " + runs + ": refused: " + e.getMessage());
        return;
      } catch (IOException | RuntimeException | Error e) {
        fail("run " + runs + " (" + names.get(k) + "): " + e.getClass().getName() + " escaped", e);
        return;
      }
      assertTrue(java.util.Arrays.equals(input, Files.readAllBytes(in)), "input changed");
      assertEquals(r.written(), Files.exists(out), "run " + runs);
      if (runs < 3) {
        assertTrue(r.written() && r.problems().isEmpty(), "the seed sanitizes cleanly: " + r.problems());
      }
      try (Stream<Path> s = Files.list(work)) {
        assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "run " + runs + ": partial file left");
      }
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= MAX_HEAP) {
        // the fork's other tests leave garbage behind: what counts is what this run still holds
        System.gc();
        used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      }
      peak = Math.max(peak, used);
      runs++;
    }
    Set<String> left = spools();
    left.removeAll(spoolsBefore);
    assertEquals(Set.of(), left, "spools left after " + runs + " runs");
    assertTrue(peak < MAX_HEAP, "heap " + peak);
  }
}

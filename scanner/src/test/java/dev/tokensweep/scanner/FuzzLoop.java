package dev.tokensweep.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A seeded random-mutation fuzz loop for parsers of hostile bytes, bounded in time so it runs in
 * every build: a few seconds a target by default, longer with {@code -Pfuzz} (or
 * {@code -Dfuzz.seconds=N}), which sets the system property {@value #SECONDS}. Each run mutates one
 * of the seeds (bytes set, flipped, zeroed, copied, inserted, words set to extremes, cut short)
 * and hands it to the target; no throwable may escape, the heap stays under a bound, and no file
 * appears in the temp directory or the working directory (the target's own output directory, a
 * JUnit {@code @TempDir} made before the loop, is the only place it may write). A failure names
 * the target, the run and the seed, so it can be replayed; never the input.
 */
public final class FuzzLoop {
  /** System property: seconds per target (the build's default is short). */
  public static final String SECONDS = "tokensweep.fuzz.seconds";

  private FuzzLoop() {}

  /** What is fuzzed; {@code run} is the run's number, for messages. */
  @FunctionalInterface
  public interface Target {
    void run(byte[] input, int run) throws Exception;
  }

  /** The time budget of one target: the property's seconds, else {@code defaultMillis}. */
  public static long budgetMillis(long defaultMillis) {
    String s = System.getProperty(SECONDS);
    if (s == null || s.isBlank()) {
      return defaultMillis;
    }
    return (long) (Double.parseDouble(s.strip()) * 1000);
  }

  /** One mutation of {@code seed}: 1 to 8 edits. */
  public static byte[] mutate(byte[] seed, Random rnd) {
    byte[] b = seed.length == 0 ? new byte[] {0} : seed.clone();
    int ops = 1 + rnd.nextInt(8);
    for (int o = 0; o < ops; o++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(8)) {
        case 0 -> b[at] = (byte) rnd.nextInt(256);
        case 1 -> Arrays.fill(b, at, at + Math.min(b.length - at, 1 + rnd.nextInt(64)), (byte) 0);
        case 2 -> {
          long v = rnd.nextBoolean() ? -1L : rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextInt(1 << 20);
          for (int i = 0; i < 8 && at + i < b.length; i++) {
            b[at + i] = (byte) (rnd.nextBoolean() ? v >>> (8 * i) : v >>> (8 * (7 - i)));
          }
        }
        case 3 -> {
          int from = rnd.nextInt(b.length);
          int n = Math.min(Math.min(b.length - at, b.length - from), 1 + rnd.nextInt(512));
          System.arraycopy(b, from, b, at, n);
        }
        case 4 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
        case 5 -> { // insert a run of bytes taken from elsewhere in the input
          int from = rnd.nextInt(b.length);
          int n = Math.min(b.length - from, 1 + rnd.nextInt(256));
          byte[] c = new byte[b.length + n];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, from, c, at, n);
          System.arraycopy(b, at, c, at + n, b.length - at);
          b = c;
        }
        case 6 -> b[at] = (byte) "\"{}[]:,\\\n\r\0 ".charAt(rnd.nextInt(12)); // structure bytes of text formats
        default -> b = Arrays.copyOf(b, Math.max(1, at));
      }
    }
    return b;
  }

  /**
   * Runs {@code target} over the seeds, then over mutations of them, for the budget (and at least
   * {@code minRuns} runs); returns how many runs there were.
   */
  public static int run(String name, List<byte[]> seeds, long seedNo, long defaultMillis, long maxHeap, int minRuns,
      Target target) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path cwd = Path.of("").toAbsolutePath();
    Set<String> tmpBefore = list(tmp);
    Set<String> cwdBefore = list(cwd);
    Random rnd = new Random(seedNo);
    long end = System.currentTimeMillis() + budgetMillis(defaultMillis);
    int runs = 0;
    long peak = 0;
    while (System.currentTimeMillis() < end || runs < minRuns) {
      byte[] input = runs < seeds.size() ? seeds.get(runs) : mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
      try {
        target.run(input, runs);
      } catch (AssertionError e) {
        throw e;
      } catch (Throwable e) {
        // the class and where, not the message: a library's message may quote the input
        fail(name + " run " + runs + " (seed " + seedNo + "): " + e.getClass().getName() + " escaped at "
            + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
      }
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= maxHeap) {
        System.gc(); // what counts is what the parser still holds, not the garbage of earlier tests
        used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      }
      peak = Math.max(peak, used);
      runs++;
    }
    assertTrue(peak < maxHeap, name + ": heap reached " + (peak >> 20) + " MiB");
    assertEquals(tmpBefore, list(tmp), name + ": files left in the temp directory");
    assertEquals(cwdBefore, list(cwd), name + ": files written into the working directory");
    return runs;
  }

  private static Set<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      Set<String> names = new TreeSet<>();
      s.forEach(p -> names.add(p.getFileName().toString()));
      return names;
    }
  }
}

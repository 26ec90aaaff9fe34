package dev.tokensweep.corpus.bench;

import dev.tokensweep.corpus.gen.BenchInputs;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.engine.Prefilter;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine on one 8 MiB chunk from the corpus generator (fixed seed): the keyword prefilter
 * alone, the detector whole (prefilter, window DFAs, re2j, validators), and the confirm stage
 * alone over the windows around every keyword hit. Scores are per chunk; divide 8 MiB by the
 * score for MB/s. Every fork runs with -Xmx256m, as the scanner does in the benchmarks.
 *
 * <ul>
 *   <li>{@code clean}: application log with no planted secret (its decoys and keywords remain);
 *   <li>{@code logs}: the same with one secret per 64 KiB, a dense realistic leak rate;
 *   <li>{@code json}: JSON lines with one secret per 64 KiB;
 *   <li>{@code dumps}: minidumps, ELF cores and hprof heaps with their UTF-16 and ASCII strings.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class EngineBenchmark {
  static final int CHUNK = 8 << 20;

  @Param({"clean", "logs", "json", "dumps"})
  public String input;

  byte[] buf;
  Detector detector;
  Prefilter prefilter;
  int[] windows; // from, to pairs around each keyword hit

  @Setup(Level.Trial)
  public void setup() {
    buf = switch (input) {
      case "clean" -> BenchInputs.logs(1, CHUNK, false, 0);
      case "logs" -> BenchInputs.logs(1, CHUNK, false, 64 << 10);
      case "json" -> BenchInputs.logs(1, CHUNK, true, 64 << 10);
      case "dumps" -> BenchInputs.dumps(1, CHUNK);
      default -> throw new IllegalArgumentException(input);
    };
    List<Rule> rules = Rules.builtin();
    detector = Detector.of(rules);
    Set<String> keywords = new LinkedHashSet<>();
    for (Rule r : rules) {
      for (String k : r.keywords()) {
        keywords.add(k.toLowerCase(Locale.ROOT));
      }
    }
    prefilter = new Prefilter(new ArrayList<>(keywords));
    List<Integer> w = new ArrayList<>();
    prefilter.scan(buf, 0, buf.length, (k, p) -> {
      w.add(Math.max(0, p - Rule.DEFAULT_MAX_BEFORE - 1));
      w.add(Math.min(buf.length, p + 2 * Rule.DEFAULT_MAX_LENGTH));
    });
    windows = w.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The keyword automaton alone: bytes to hit positions. */
  @Benchmark
  public int prefilter() {
    int[] count = new int[1];
    prefilter.scan(buf, 0, buf.length, (k, p) -> count[0]++);
    return count[0];
  }

  /** The whole detector on the chunk. */
  @Benchmark
  public void detector(Blackhole bh) {
    detector.scan(buf, 0, buf.length, bh::consume);
  }

  /** Confirm: the detector over each keyword hit's window only (prefilter work inside is small). */
  @Benchmark
  public void confirm(Blackhole bh) {
    int[] w = windows;
    for (int i = 0; i < w.length; i += 2) {
      detector.scan(buf, w[i], w[i + 1], bh::consume);
    }
  }
}

package dev.tokensweep.corpus.bench;

import dev.tokensweep.corpus.gen.BenchInputs;
import dev.tokensweep.scanner.decode.DecodingReader;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.read.Locator;
import dev.tokensweep.scanner.read.SegmentSink;
import dev.tokensweep.scanner.read.TextReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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

/**
 * The reader and its decoding layers without the detector, on one 8 MiB input from the corpus
 * generator (fixed seed): chunks of 1 MiB read from memory, the one pass over every byte
 * (newlines counted, base64 runs, {@code %} and {@code #} noted), and the runs decoded and tested
 * for text; the segments, plain and decoded, go to a sink that only counts their bytes. The pass
 * is the second stage of a scan thread on a keyword-rich log after the keyword walk. Scores are
 * per input; divide 8 MiB by the score for MB/s. Forks run with -Xmx256m.
 *
 * <ul>
 *   <li>{@code request}: the gateway request log of {@code cases.sh}, keyword words on every line,
 *       no token;
 *   <li>{@code repeat}: the same with one of 50 tokens on about one line in 20 ({@code cases.sh}
 *       {@code repeat}): more and longer base64 runs;
 *   <li>{@code logs}: the application log of {@link EngineBenchmark} with one secret per 64 KiB;
 *   <li>{@code json}: the same as JSON lines.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class DecodingBenchmark {
  static final int INPUT = 8 << 20;

  @Param({"request", "repeat", "logs", "json"})
  public String input;

  byte[] buf;
  DecodingReader reader;

  @Setup(Level.Trial)
  public void setup() {
    buf = switch (input) {
      case "request" -> BenchInputs.requests(1, INPUT, 0, 0);
      case "repeat" -> BenchInputs.requests(1, INPUT, 4600, 50);
      case "logs" -> BenchInputs.logs(1, INPUT, false, 64 << 10);
      case "json" -> BenchInputs.logs(1, INPUT, true, 64 << 10);
      default -> throw new IllegalArgumentException(input);
    };
    reader = new DecodingReader(new TextReader(1 << 20));
  }

  /** Bytes the sink was given, plain and decoded (so the JIT cannot drop the layers' work). */
  @Benchmark
  public long layers() throws IOException {
    long[] bytes = new long[1];
    reader.read(new ByteArrayInputStream(buf), "bench.log", new SegmentSink() {
      @Override
      public void segment(byte[] b, int from, int to, int ownFrom, int ownTo, Locator locator) {
        bytes[0] += ownTo - ownFrom;
      }

      @Override
      public int overlap() {
        return 512;
      }

      @Override
      public long effects() {
        return 0; // nothing found, ever: the layers' run memo works as in a scan that finds nothing there
      }

      @Override
      public void problem(Problem problem) {
        throw new IllegalStateException("a problem with the benchmark's input: " + problem.type());
      }
    });
    return bytes[0];
  }
}

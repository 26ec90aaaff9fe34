package dev.tokensweep.corpus.bench;

import dev.tokensweep.corpus.gen.BenchInputs;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.evidence.EvidenceCache;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Rules;
import java.time.Instant;
import java.util.List;
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
 * The per-finding path on the dense logs of issue 16, one 8 MiB chunk of a gateway request log
 * (the corpus generator's {@code --requests} lines, fixed seed) with a token on many lines:
 *
 * <ul>
 *   <li>{@code fresh}: one line in about 100 carries a token never seen before (~360 findings);
 *   <li>{@code repeat}: one line in about 20 carries one of 50 tokens that repeat (~1,800 findings),
 *       as a gateway log carries the same bearer token on thousands of lines.
 * </ul>
 *
 * <p>Each benchmark does one stage for every finding of the chunk (found once in the set-up):
 * {@code confirm} the detector over just the bytes around each finding's match (re2j or the fixed
 * shape, then the checks), {@code validate} the checks after the regex (placeholders, entropy
 * floor, the rule's validators: checksums, JWT), {@code fingerprint} the keyed HMAC, and
 * {@code evidence} everything a report says about it (JWT claims, preview, fingerprint, entropy,
 * severity), and {@code evidenceCached} the same through the scan's {@link EvidenceCache}, which
 * builds it once per secret. {@code detector} is the whole detector over the chunk, for scale. Scores are per
 * chunk; divide by the finding count the set-up prints for the cost of one finding.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class FindingBenchmark {
  static final int CHUNK = 8 << 20;
  /** Bytes of context the confirm windows keep on each side of a match, as a rule's window would. */
  static final int CONTEXT = 64;

  @Param({"fresh", "repeat"})
  public String input;

  byte[] buf;
  Detector detector;
  Fingerprinter fingerprinter;
  Match[] matches;
  final Instant now = Instant.parse("2026-11-03T00:00:00Z");

  @Setup(Level.Trial)
  public void setup() {
    buf = switch (input) {
      // the arguments of corpus/bench/cases.sh: a request line is ~230 bytes
      case "fresh" -> BenchInputs.requests(1, CHUNK, 23 << 10, 0);
      case "repeat" -> BenchInputs.requests(1, CHUNK, 4600, 50);
      default -> throw new IllegalArgumentException(input);
    };
    detector = Detector.of(Rules.builtin());
    fingerprinter = Fingerprinter.withDefaultKey();
    List<Match> found = detector.findAll(buf);
    matches = found.toArray(new Match[0]);
    System.out.println("\n" + input + ": " + matches.length + " findings in " + buf.length + " bytes");
  }

  /** The whole detector on the chunk, for scale. */
  @Benchmark
  public void detector(Blackhole bh) {
    detector.scan(buf, 0, buf.length, bh::consume);
  }

  /** Each finding's match confirmed again from its own bytes and a little context. */
  @Benchmark
  public void confirm(Blackhole bh) {
    for (Match m : matches) {
      int from = Math.max(0, m.matchStart() - CONTEXT);
      int to = Math.min(buf.length, m.matchEnd() + CONTEXT);
      detector.scan(buf, from, to, m.matchStart(), m.matchStart() + 1, bh::consume);
    }
  }

  /** The checks after the regex, as the detector runs them on every match. */
  @Benchmark
  public int validate() {
    int ok = 0;
    for (Match m : matches) {
      ok += Detector.accepts(m.rule(), m.secret()) ? 1 : 0;
    }
    return ok;
  }

  /** The keyed fingerprint of each finding's secret. */
  @Benchmark
  public void fingerprint(Blackhole bh) {
    for (Match m : matches) {
      bh.consume(fingerprinter.fingerprint(m.secret()));
    }
  }

  /** Everything a report says about each finding. */
  @Benchmark
  public void evidence(Blackhole bh) {
    for (Match m : matches) {
      bh.consume(Evidence.of(m, fingerprinter, now));
    }
  }

  /** Everything a report says about each finding, through a per-run cache: built once per secret. */
  @Benchmark
  public void evidenceCached(Blackhole bh) {
    EvidenceCache cache = new EvidenceCache(fingerprinter);
    for (Match m : matches) {
      bh.consume(cache.of(m, now, null));
    }
  }
}

package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.ScanStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Thread-safe accumulation of findings and problems. A collector {@link #forLane for a lane}
 * shares its parent's problems and counts and sends its findings into the lane.
 */
final class Collector {
  private final List<Finding> findings = new ArrayList<>();
  private final Collector parent;
  private final java.util.function.Consumer<Finding> lane;
  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, Long> suppressed = new HashMap<>();
  private final ScanListener listener;
  private final java.util.function.Consumer<Match> matches;
  private final java.util.function.UnaryOperator<String> scrub;
  /** What makes a path or JSON path printable ({@link Location#redacted}); identity under {@code --reveal}. */
  final java.util.function.UnaryOperator<String> shown;

  /**
   * With {@code matches} non-null, every confirmed match (raw secret included) also goes there;
   * {@code scrub} redacts the text of every problem, {@code shown} the paths of findings and
   * problems.
   */
  Collector(ScanListener listener, java.util.function.Consumer<Match> matches,
      java.util.function.UnaryOperator<String> scrub, java.util.function.UnaryOperator<String> shown) {
    this.listener = listener;
    this.matches = matches;
    this.scrub = scrub;
    this.shown = shown;
    this.parent = null;
    this.lane = null;
  }

  private Collector(Collector parent, java.util.function.Consumer<Finding> lane) {
    this.parent = parent;
    this.lane = lane;
    this.listener = parent.listener;
    this.matches = parent.matches;
    this.scrub = parent.scrub;
    this.shown = parent.shown;
  }

  /**
   * Whether names and keys are scanned into findings: not for the sanitizer (a {@code matches}
   * sink), whose report lists what it removed, and it renames nothing.
   */
  boolean scansNames() {
    return matches == null;
  }

  /** A collector whose findings go into {@code lane}; problems, suppressions and matches go here. */
  Collector forLane(java.util.function.Consumer<Finding> lane) {
    return new Collector(this, lane);
  }

  void match(Match m) {
    if (parent != null) {
      parent.match(m);
      return;
    }
    synchronized (this) {
      if (matches != null) {
        matches.accept(m);
      }
    }
  }

  /** A finding was confirmed (the listener counts it); it is {@link #finding settled} later. */
  void found(Finding f) {
    listener.found(f);
  }

  /** A settled finding: to the lane, else kept here. */
  void finding(Finding f) {
    if (lane != null) {
      lane.accept(f);
      return;
    }
    synchronized (this) {
      findings.add(f);
    }
  }

  void suppressed(String reason) {
    if (parent != null) {
      parent.suppressed(reason);
      return;
    }
    synchronized (this) {
      suppressed.merge(reason, 1L, Long::sum);
    }
  }

  void problem(Problem p) {
    if (parent != null) {
      parent.problem(p);
      return;
    }
    synchronized (this) {
      problems.add(new Problem(shown.apply(p.location()), p.type(), scrub.apply(p.message())));
    }
  }

  synchronized List<Finding> findingsSoFar() {
    return new ArrayList<>(findings);
  }

  /** The problems, sorted, counters and suppressions; the findings are the caller's ({@link #findingsSoFar}). */
  synchronized ScanResult result(ScanStats stats) {
    List<Problem> ps = new ArrayList<>(problems);
    ps.sort(Comparator.comparing(Problem::location).thenComparing(Problem::type));
    return new ScanResult(List.of(), ps, stats.files(), stats.leaves(), stats.bytes(), stats.seconds(), suppressed);
  }
}

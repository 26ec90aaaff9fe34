package dev.tokensweep.detectors;

/** Receives confirmed matches in ascending order of their start, per rule. */
@FunctionalInterface
public interface MatchSink {
  void accept(Match match);
}

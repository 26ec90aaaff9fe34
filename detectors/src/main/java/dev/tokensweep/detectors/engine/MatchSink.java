package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.evidence.Match;

/** Receives confirmed matches in ascending order of their start, per rule. */
@FunctionalInterface
public interface MatchSink {
  void accept(Match match);
}

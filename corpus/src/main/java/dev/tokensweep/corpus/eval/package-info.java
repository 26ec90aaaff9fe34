/**
 * The evaluator: reads a tokensweep report, matches its findings to the labels by location and
 * fingerprint, and reports precision and recall overall, per kind and per source type, with the
 * missed and spurious ones redacted to location, rule and fingerprint prefix.
 */
package dev.tokensweep.corpus.eval;

/**
 * Finding secrets in bytes: the {@link dev.tokensweep.detectors.engine.Detector} role (an
 * interface; the scanner and the corpus see nothing else of the engine but {@code MatchSink},
 * {@code RuleLinter} and {@code Prefilter}) and its implementation {@code KeywordDetector}: one
 * Aho-Corasick keyword pass ({@code Prefilter}), each rule's regex confirmed only in a bounded window
 * ({@code WindowFilter} DFAs, {@code FixedShape} for literal-prefix rules, re2j on a
 * {@code ByteWindow}), then the checks. {@code PrecompiledFilters} builds the built-in rules' window
 * DFAs at build time; {@code RuleLinter} lints rules by running them through the detector. The re2j
 * parse-tree workaround ({@code com.google.re2j.SyntaxTree}) is used from here only. Imports
 * {@code rule}, {@code check} and {@code evidence}; none of them imports this package.
 */
package dev.tokensweep.detectors.engine;

/**
 * Pure detection: rules as data, the byte-level keyword prefilter, the windowed regex confirm,
 * validators, JWT inspection, risk, redaction and keyed fingerprints. Knows bytes, rules and
 * matches; nothing here opens a file. Only {@link dev.tokensweep.detectors.Match} holds raw secret
 * bytes; everything that leaves this package for a report is a {@link dev.tokensweep.detectors.Evidence}.
 */
package dev.tokensweep.detectors;

/**
 * What a scan produces and is bounded by: {@link dev.tokensweep.scanner.model.Finding}s (redacted
 * evidence and a {@link dev.tokensweep.scanner.model.Location}), {@link dev.tokensweep.scanner.model.Problem}s,
 * {@link dev.tokensweep.scanner.model.ScanLimits} and the {@link dev.tokensweep.scanner.model.ScanResult}.
 * Plain values: this package imports nothing of the pipeline, readers or reporters.
 * {@link dev.tokensweep.scanner.model.SafeText} is the one place that makes input-derived strings
 * safe for a terminal or a spreadsheet, for every package that prints them.
 */
package dev.tokensweep.scanner.model;

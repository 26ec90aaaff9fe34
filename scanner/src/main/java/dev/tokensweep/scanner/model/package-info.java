/**
 * What a scan produces and is bounded by: {@link dev.tokensweep.scanner.model.Finding}s (redacted
 * evidence and a {@link dev.tokensweep.scanner.model.Location}), {@link dev.tokensweep.scanner.model.Problem}s,
 * {@link dev.tokensweep.scanner.model.ScanLimits} and the {@link dev.tokensweep.scanner.model.ScanResult}.
 * Plain values: this package imports nothing of the pipeline, readers or reporters.
 */
package dev.tokensweep.scanner.model;

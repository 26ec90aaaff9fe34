/**
 * The scan pipeline: inputs become leaves, readers turn leaves into byte segments with a way to
 * locate an offset, the detector runs over each segment, and matches become {@link
 * dev.tokensweep.scanner.model.Finding}s that carry only redacted evidence. Problems met on the way
 * become {@link dev.tokensweep.scanner.model.Problem}s and never stop the other inputs.
 */
package dev.tokensweep.scanner.pipeline;

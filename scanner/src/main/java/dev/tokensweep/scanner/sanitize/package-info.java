/**
 * The sanitizer: a redacted copy of a file, directory, archive or stream that keeps its form and is
 * byte-identical except for the secrets, and the {@code redact} stream filter. Besides the detector,
 * this is the only code that holds raw secrets, and only in memory.
 */
package dev.tokensweep.scanner.sanitize;

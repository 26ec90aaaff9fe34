/**
 * Sanitizers write redacted copies: the {@link dev.tokensweep.scanner.sanitize.Sanitizer} role
 * (one leaf or name; {@code LeafSanitizer}), driven over files, directories and, as a visitor of
 * the scan's own archive walker, archives ({@link dev.tokensweep.scanner.sanitize.PathSanitizer},
 * {@code ArchiveRewriter}), so a copy keeps its form and is byte-identical except for the secrets
 * (stages that decode and encode again: {@code CompressedRuns}, {@code MailParts});
 * and the {@code redact} stream filter. Besides the detector, this is the only code that holds raw
 * secrets, and only in memory.
 */
package dev.tokensweep.scanner.sanitize;

/**
 * Expanders turn one input into its leaves: the {@link dev.tokensweep.scanner.expand.Expander} role
 * and its one implementation, the archive walker that scan and sanitize both drive, with the
 * sniffer that tells archives and compressed streams from leaves by magic bytes (names second),
 * the bounded streams and budget that enforce {@link dev.tokensweep.scanner.model.ScanLimits}, and
 * the encrypted spool for formats that need random access. Every skip becomes a located problem.
 */
package dev.tokensweep.scanner.expand;

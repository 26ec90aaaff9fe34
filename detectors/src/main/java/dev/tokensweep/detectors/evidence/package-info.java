/**
 * What a detection yields: {@link dev.tokensweep.detectors.evidence.Match} (the only type that
 * holds raw secret bytes, for the sanitizer and the revoke path), and what may leave the detector
 * for a report: {@link dev.tokensweep.detectors.evidence.Evidence} with its safe
 * {@code Redaction} preview and keyed {@code Fingerprinter} HMAC, never the secret. Imports
 * {@code rule} and {@code check}; nothing of {@code engine}.
 */
package dev.tokensweep.detectors.evidence;

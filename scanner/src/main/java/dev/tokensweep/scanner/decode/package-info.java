/**
 * Decoding layers: base64, URL and rsyslog encodings found inside any reader's segments are
 * decoded and scanned too, each layer a {@link dev.tokensweep.scanner.decode.DecodingLayer} of its
 * own, composed around a reader by {@link dev.tokensweep.scanner.decode.DecodingReader}. Built on
 * the reader contract of {@code read/} (which imports nothing of this package); the pipeline puts
 * the two together.
 */
package dev.tokensweep.scanner.decode;

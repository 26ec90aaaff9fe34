/**
 * Readers turn one leaf's bytes into segments for the detector, each with a {@link
 * dev.tokensweep.scanner.read.Locator} that maps a segment offset back to a location in the leaf
 * (line and column, history entry, dump offset and encoding, JSON path).
 */
package dev.tokensweep.scanner.read;

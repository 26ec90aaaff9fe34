/**
 * Readers turn one leaf's bytes into segments for the detector: the {@link
 * dev.tokensweep.scanner.read.Reader} role, one {@code <Format>Reader} per leaf format (text,
 * JSON, shell histories, dumps, token caches, and the journal, SQLite and LevelDB stores), chosen
 * by {@link dev.tokensweep.scanner.read.ReaderSelector}. Each segment comes with a {@link
 * dev.tokensweep.scanner.read.Locator} that maps a segment offset back to a location in the leaf
 * (line and column, history entry, dump offset and encoding, JSON path), and may offer {@link
 * dev.tokensweep.scanner.read.LineCounting} so that a pass over every byte counts lines for it.
 */
package dev.tokensweep.scanner.read;

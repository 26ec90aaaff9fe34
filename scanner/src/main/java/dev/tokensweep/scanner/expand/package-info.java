/**
 * Archives and compressed streams: the sniffer that tells them from leaves by magic bytes (names
 * second), and the bounded, recursive expansion that hands every member to a leaf reader. All
 * limits come from {@link dev.tokensweep.scanner.model.ScanLimits}; every skip becomes a located problem.
 */
package dev.tokensweep.scanner.expand;

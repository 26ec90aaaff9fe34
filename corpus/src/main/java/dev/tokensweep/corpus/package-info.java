/**
 * The labelled corpus: what a label says about a planted secret ({@link dev.tokensweep.corpus.Label}),
 * the source types it is counted under, and the capabilities a scan needs to reach it.
 */
package dev.tokensweep.corpus;

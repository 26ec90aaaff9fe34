/**
 * The scan orchestration: {@link dev.tokensweep.scanner.pipeline.Scanner} asks each
 * {@link dev.tokensweep.scanner.source.Source} for its inputs and scans them on a pool of threads
 * ({@code ScanPool}); an {@link dev.tokensweep.scanner.expand.Expander} turns each into leaves, a
 * reader inside the decoding layers turns each leaf into segments ({@code LeafDispatcher}), the
 * detector runs over each segment ({@code LeafSink}), names are scanned as input
 * ({@code NameScanner}), and matches become {@link dev.tokensweep.scanner.model.Finding}s that
 * carry only redacted evidence, one per secret span ({@code FindingSettler}), collected or
 * streamed in walk order ({@code Collector}, {@code FindingOrder}). Problems met on the way become
 * {@link dev.tokensweep.scanner.model.Problem}s and never stop the other inputs.
 */
package dev.tokensweep.scanner.pipeline;

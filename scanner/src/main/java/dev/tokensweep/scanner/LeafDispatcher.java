package dev.tokensweep.scanner;

import dev.tokensweep.scanner.expand.Expansion;
import dev.tokensweep.scanner.read.ReaderSelector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Decides what one input is: archives and compressed streams are expanded (recursively, within
 * {@link ScanLimits}) by {@link Expansion}, and every leaf goes to the reader that
 * {@link ReaderSelector} picks for its name and first bytes. Thread-safe.
 */
final class LeafDispatcher {
  /** Bytes of a leaf's start that sniffing may look at. */
  static final int HEAD = Expansion.HEAD;

  private final ScanLimits limits;
  private final ReaderSelector selector;

  LeafDispatcher(ScanLimits limits) {
    this.limits = limits;
    this.selector = new ReaderSelector(limits.maxLineBytes());
  }

  /**
   * Scans one input and everything inside it.
   *
   * @param file the input on disk, or null for stdin; zip and 7z inputs are then read in place
   * @param rawBytes bytes read from {@code in} so far
   * @return bytes read from {@code file} by random-access readers, beyond those read through {@code in}
   */
  long dispatch(InputStream in, String path, Path file, LongSupplier rawBytes, Scanner scanner,
      Scanner.Collector collector, ScanStats stats) throws IOException {
    Expansion x = new Expansion(limits, rawBytes, collector::problem,
        (leaf, leafPath, head, n) -> scanner.readLeaf(selector.select(leafPath, head, n), leaf, leafPath, collector, stats));
    x.run(in, path, file);
    return x.randomAccessBytes();
  }
}

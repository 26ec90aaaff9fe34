package dev.tokensweep.scanner;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decides what one stream is and sends it to its reader. Today every leaf is text; the sniffer,
 * the archive expanders and the format readers hook in here.
 */
final class LeafDispatcher {
  /** Bytes of a leaf's start that sniffing may look at. */
  static final int HEAD = 8192;

  private final ScanLimits limits;
  private final dev.tokensweep.scanner.read.ReaderSelector selector;

  LeafDispatcher(ScanLimits limits) {
    this.limits = limits;
    this.selector = new dev.tokensweep.scanner.read.ReaderSelector(limits.maxLineBytes());
  }

  void dispatch(InputStream in, String path, int depth, Scanner scanner, Scanner.Collector collector, ScanStats stats)
      throws IOException {
    if (depth > limits.maxDepth()) {
      collector.problem(new Problem(path, "limit", "nesting deeper than " + limits.maxDepth() + "; branch skipped"));
      return;
    }
    java.io.BufferedInputStream b = new java.io.BufferedInputStream(in, 1 << 16);
    b.mark(HEAD);
    byte[] head = b.readNBytes(HEAD);
    b.reset();
    scanner.readLeaf(selector.select(path, head, head.length), b, path, collector, stats);
  }
}

package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanStats;

import dev.tokensweep.scanner.decode.DecodingReader;
import dev.tokensweep.scanner.expand.Expander;
import dev.tokensweep.scanner.expand.Names;
import dev.tokensweep.scanner.expand.Sniffer;
import dev.tokensweep.scanner.read.ReaderSelector;
import dev.tokensweep.scanner.read.PartReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Decides what one input is: archives and compressed streams are expanded (recursively, within
 * {@link ScanLimits}) by the {@link Expander}, and every leaf goes to the reader that
 * {@link ReaderSelector} picks for its name and first bytes, inside the decoding layers
 * ({@link DecodingReader}). Thread-safe.
 */
final class LeafDispatcher {
  /** Bytes of a leaf's start that sniffing may look at. */
  static final int HEAD = Expander.HEAD;

  private final ScanLimits limits;
  private final ReaderSelector selector;
  private final int decodeDepth;

  /** Within {@code limits}, each leaf read through {@code decodeDepth} decoding layers. */
  LeafDispatcher(ScanLimits limits, int decodeDepth) {
    this.limits = limits;
    this.selector = new ReaderSelector(limits.maxLineBytes(), limits);
    this.decodeDepth = decodeDepth;
  }

  /** The decoding layers each leaf is read through ({@link DecodingReader}). */
  int decodeDepth() {
    return decodeDepth;
  }

  /**
   * The reader for a file with this head when it is one leaf (no archive or compression, no
   * launcher that may have a zip behind it) that can be read in parts
   * ({@link ReaderSelector#partReader}); null otherwise.
   */
  PartReader partReader(String path, byte[] head, int n) {
    // a launcher may have a zip behind it, which only the expander opens
    return Sniffer.sniff(Names.baseName(path), head, n) == null && !Sniffer.launcher(head, n)
        ? selector.partReader(path, head, n) : null;
  }

  /**
   * Scans one input and everything inside it.
   *
   * @param file the input on disk, or null for stdin; zip and 7z inputs are then read in place
   * @param rawBytes bytes read from {@code in} so far
   * @return bytes read from {@code file} by random-access readers, beyond those read through {@code in}
   */
  long dispatch(InputStream in, String path, Path file, LongSupplier rawBytes, Scanner scanner,
      Collector collector, ScanStats stats) throws IOException {
    return dispatch(in, path, file, rawBytes, scanner, collector, stats, null);
  }

  /** As above; with {@code readAhead} non-null, the input's own compression is decoded on a thread of it. */
  long dispatch(InputStream in, String path, Path file, LongSupplier rawBytes, Scanner scanner,
      Collector collector, ScanStats stats, java.util.concurrent.Executor readAhead) throws IOException {
    java.util.Set<String> memberDirs = new java.util.HashSet<>(); // directories of members whose names were scanned
    Expander x = Expander.archives(limits, rawBytes, collector::problem, new Expander.Leaves() {
      @Override
      public void member(String archivePath, String storedName) {
        scanner.scanMemberName(archivePath, storedName, memberDirs, collector);
      }

      @Override
      public void read(InputStream leaf, String leafPath, byte[] head, int n) throws IOException {
        read(leaf, leafPath, head, n, null);
      }

      @Override
      public void read(InputStream leaf, String leafPath, byte[] head, int n, Path leafFile) throws IOException {
        scanner.readLeaf(new DecodingReader(selector.select(leafPath, head, n), decodeDepth), leaf, leafPath, leafFile, collector, stats);
      }
    }, readAhead);
    x.run(in, path, file);
    return x.randomAccessBytes();
  }
}

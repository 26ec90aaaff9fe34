package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.model.ScanLimits;
import picocli.CommandLine.Option;

/**
 * The archive and decompression limits as options, shared by {@code scan} and {@code sanitize},
 * applied over the configuration file's, so that a copy is made under exactly the guards a scan
 * of the same input runs under.
 */
final class LimitOptions {
  @Option(names = "--max-depth", paramLabel = "N", description = "Deepest archive nesting to open (default: 8).")
  Integer maxDepth;

  @Option(names = "--max-entries", paramLabel = "N", description = "Entries read from one archive (default: 100000).")
  Long maxEntries;

  @Option(names = "--max-total-bytes", paramLabel = "SIZE",
      description = "Decompressed bytes from one input and everything inside it, like 64G (default: 64G).")
  String maxTotalBytes;

  @Option(names = "--max-entry-bytes", paramLabel = "SIZE",
      description = "Decompressed bytes of one archive member or compressed stream (default: 16G).")
  String maxEntryBytes;

  @Option(names = "--max-ratio", paramLabel = "R",
      description = "Largest decompressed/compressed ratio, checked once --ratio-threshold bytes are out (default: 200).")
  Double maxRatio;

  @Option(names = "--ratio-threshold", paramLabel = "SIZE", description = "Bytes decompressed before the ratio is checked (default: 16M).")
  String ratioThreshold;

  @Option(names = "--max-spool-bytes", paramLabel = "SIZE",
      description = "Largest zip or 7z inside a stream that is copied to a private temp file to be opened (default: 4G).")
  String maxSpoolBytes;

  /** {@code base} (defaults, then the configuration file) with the options given on the command line. */
  ScanLimits limits(ScanLimits base) {
    if (maxDepth != null && maxDepth < 0) {
      throw new Main.UsageException("--max-depth must be 0 or more");
    }
    if (maxEntries != null && maxEntries < 1) {
      throw new Main.UsageException("--max-entries must be at least 1");
    }
    if (maxRatio != null && !(maxRatio >= 1)) {
      throw new Main.UsageException("--max-ratio must be at least 1");
    }
    return new ScanLimits(maxDepth != null ? maxDepth : base.maxDepth(),
        maxEntries != null ? maxEntries : base.maxEntries(),
        size("--max-total-bytes", maxTotalBytes, base.maxTotalBytes(), 1),
        size("--max-entry-bytes", maxEntryBytes, base.maxEntryBytes(), 1),
        maxRatio != null ? maxRatio : base.maxRatio(),
        size("--ratio-threshold", ratioThreshold, base.ratioThreshold(), 0),
        size("--max-spool-bytes", maxSpoolBytes, base.maxSpoolBytes(), 0),
        base.maxLineBytes());
  }

  private static long size(String option, String value, long dflt, long min) {
    if (value == null) {
      return dflt;
    }
    try {
      long v = ScanCommand.parseSize(value);
      if (v < min) {
        throw new Main.UsageException(option + " must be at least " + min);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new Main.UsageException(option + ": not a size (like 4096, 512K, 16M, 64G): " + value);
    }
  }
}

package dev.tokensweep.scanner.model;

/**
 * Every limit of a scan in one place. A limit that trips skips that branch, is reported as a
 * {@link Problem} with its location, and the rest of the input is scanned. Defaults can be raised
 * on the command line.
 *
 * @param maxDepth how deep archives and compressed streams nest (the file itself is depth 0)
 * @param maxEntries entries read from one archive
 * @param maxTotalBytes decompressed bytes across one input file and everything inside it
 * @param maxEntryBytes decompressed bytes of one archive entry or compressed stream
 * @param maxRatio decompressed/compressed ratio, checked once {@code ratioThreshold} bytes are out
 * @param ratioThreshold bytes decompressed before the ratio is checked
 * @param maxSpoolBytes bytes spooled to a temp file for a random-access format (zip in a tar, 7z)
 * @param maxLineBytes not a cut-off: lines of any length are scanned; this is the chunk size
 */
public record ScanLimits(int maxDepth, long maxEntries, long maxTotalBytes, long maxEntryBytes, double maxRatio,
    long ratioThreshold, long maxSpoolBytes, int maxLineBytes) {

  /**
   * Memory one decoder may allocate for its dictionary or window (xz, lzma, 7z, Z), in KiB: enough
   * for {@code xz -9}; a stream that asks for more is reported as a {@code limit} and skipped.
   * zstd keeps its library default (windows up to 128 MiB).
   */
  public static final int MAX_DECODER_MEMORY_KIB = 96 * 1024;

  public ScanLimits {
    if (maxDepth < 0 || maxEntries < 1 || maxTotalBytes < 1 || maxEntryBytes < 1 || !(maxRatio >= 1)
        || ratioThreshold < 0 || maxSpoolBytes < 0 || maxLineBytes < 16) {
      throw new IllegalArgumentException("scan limits out of range");
    }
  }

  public static ScanLimits defaults() {
    return new ScanLimits(8, 100_000, 64L << 30, 16L << 30, 200, 16L << 20, 4L << 30, 1 << 20);
  }
}

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

  /** Deeper than real bundles nest (a tar.gz holding a zip holding a jar is 3); a recursive archive stops here. */
  public static final int DEFAULT_MAX_DEPTH = 8;
  /** More members than a support bundle holds; bounds the time and the names one archive can cost. */
  public static final long DEFAULT_MAX_ENTRIES = 100_000;
  /** More than a sweep reads out of one input (disk images included); where a bomb's output stops at the latest. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 64L << 30;
  /** A large heap dump or disk image packed in a bundle still fits; a bomb's member stops here. */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 16L << 30;
  /** Past what logs and text compress to (about 10:1, repetitive logs up to about 100:1), far below a bomb's. */
  public static final double DEFAULT_MAX_RATIO = 200;
  /** Small members may compress far better (a run of zeros); the ratio is judged once this much is out, so a bomb costs at most this. */
  public static final long DEFAULT_RATIO_THRESHOLD = 16L << 20;
  /** A zip or 7z inside a stream is spooled to an encrypted temp file up to this size: bounds temp disk per branch. */
  public static final long DEFAULT_MAX_SPOOL_BYTES = 4L << 30;
  /** Text is scanned in chunks this large: memory per thread stays about a chunk, and per-call costs are noise. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

  public static ScanLimits defaults() {
    return new ScanLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_ENTRY_BYTES,
        DEFAULT_MAX_RATIO, DEFAULT_RATIO_THRESHOLD, DEFAULT_MAX_SPOOL_BYTES, DEFAULT_MAX_LINE_BYTES);
  }
}

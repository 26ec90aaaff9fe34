package dev.tokensweep.scanner.expand;

/** A container format the scanner opens instead of reading it as a leaf. */
public enum Format {
  ZIP("zip", Kind.RANDOM_ACCESS_ARCHIVE),
  SEVEN_Z("7z", Kind.RANDOM_ACCESS_ARCHIVE),
  TAR("tar", Kind.STREAM_ARCHIVE),
  AR("ar", Kind.STREAM_ARCHIVE),
  CPIO("cpio", Kind.STREAM_ARCHIVE),
  GZIP("gzip", Kind.COMPRESSED),
  BZIP2("bzip2", Kind.COMPRESSED),
  XZ("xz", Kind.COMPRESSED),
  LZMA("lzma", Kind.COMPRESSED),
  ZSTD("zstd", Kind.COMPRESSED),
  LZ4("lz4", Kind.COMPRESSED),
  SNAPPY("snappy", Kind.COMPRESSED),
  /** Firefox's {@code mozLz40\0}: a size, then one LZ4 block (session store, {@code .jsonlz4}, {@code .baklz4}). */
  MOZLZ4("mozlz4", Kind.COMPRESSED),
  DEFLATE("deflate", Kind.COMPRESSED),
  Z("Z", Kind.COMPRESSED),
  /** Brotli (RFC 7932): no magic, so only a {@code .br} whose head decodes ({@link Sniffer}); read only. */
  BROTLI("brotli", Kind.COMPRESSED);

  /** How a format is opened. */
  public enum Kind {
    /** Members are read in one pass (tar, ar, cpio). */
    STREAM_ARCHIVE,
    /** Needs a seekable file (zip's central directory, 7z's header at the end); spooled when inside a stream. */
    RANDOM_ACCESS_ARCHIVE,
    /** One compressed stream holding one member. */
    COMPRESSED
  }

  private final String id;
  private final Kind kind;

  Format(String id, Kind kind) {
    this.id = id;
    this.kind = kind;
  }

  /** Short name used in problem messages. */
  public String id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }
}

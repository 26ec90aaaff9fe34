package dev.tokensweep.scanner.expand;

import dev.tokensweep.scanner.model.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The stream of one member (archive entry or decompressed stream) as its reader sees it. It
 * enforces the per-entry, total and ratio limits, and it turns a read error into an early end:
 * the reader scans everything that came before, and the limit or the corruption is reported once,
 * located at this member. Closing it leaves the archive underneath open (a close shield).
 *
 * <p>The ratio check follows Tika's SecureContentHandler: it starts only after
 * {@code ratioThreshold} bytes have come out, so small, highly compressible members (a log of
 * repeated lines) are never flagged. It compares this member's output with the compressed bytes
 * that produced it and, for nested bombs whose every level looks modest, the whole input's decoded
 * bytes with the bytes read from the input as stored.
 */
final class BoundedStream extends InputStream {
  /** Most bytes asked of the decoder per read: the limits are checked at least this often, so a bomb overshoots by at most this much. */
  static final int STEP = 8192;

  private final InputStream in;
  private String path;
  private final Budget budget;
  private final LongSupplier compressed;
  private final boolean decodes;
  private long out;
  private long subtree; // decoded bytes at or below this member not yet charged to a stopped member inside it
  private boolean stopped;
  private boolean failed;

  /**
   * @param compressed compressed bytes consumed so far for this member; null when unknown
   * @param decodes whether this member's bytes are produced by a decoder (they count towards the
   *     total); members that are slices of their container (tar, ar, cpio, stored zip) do not
   */
  BoundedStream(InputStream in, String path, Budget budget, LongSupplier compressed, boolean decodes) {
    this.in = in;
    this.path = path;
    this.budget = budget;
    this.compressed = compressed;
    this.decodes = decodes;
  }

  String path() {
    return path;
  }

  /** Renames this member once it is known to be an archive under a compressed stream (see {@link Names}). */
  void relocate(String archivePath) {
    path = archivePath;
  }

  boolean stopped() {
    return stopped;
  }

  /** Whether the stream ended in a read failure (here or, unreported again, underneath). */
  boolean failed() {
    return failed;
  }

  long bytesOut() {
    return out;
  }

  long subtree() {
    return subtree;
  }

  void addSubtree(long n) {
    subtree += n;
  }

  /**
   * The bytes this member takes in its container: the compressed bytes consumed so far when it is
   * decoded, else the bytes it passed on (a tar member is a slice of its tar); -1 when unknown.
   */
  long storedBytes() {
    return decodes ? (compressed == null ? -1 : compressed.getAsLong()) : out;
  }

  /** Stops this member without a report of its own: a member holding it was stopped. */
  void halt() {
    stopped = true;
  }

  void tripRatio(long decodedBelow, long stored) {
    trip("max-ratio", String.format(Locale.ROOT,
        "expands more than %.0f times its stored size (%d bytes from %d; possible zip bomb); skipped, the rest of"
            + " the input goes on (raise --max-ratio)", budget.limits.maxRatio(), decodedBelow, stored));
  }

  void tripInputRatio() {
    trip("max-ratio", String.format(Locale.ROOT,
        "input expands more than %.0f times its stored size (possible nested or overlapping zip bomb); the rest of"
            + " the input skipped (raise --max-ratio)", budget.limits.maxRatio()));
  }

  @Override
  public int read() throws IOException {
    return Streams.readByte(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (stopped || budget.exhausted()) {
      return -1; // this member, one holding it, or the input was stopped
    }
    long entryLeft = budget.limits.maxEntryBytes() - out;
    long totalLeft = decodes ? budget.remaining() : Long.MAX_VALUE;
    long allow = Math.min(entryLeft, totalLeft);
    // ask for one byte more than allowed, so that a member of exactly the limit is not flagged; and
    // in small steps, because a decoder that fails mid-call (gzip fills the whole request) drops
    // what it decoded in that call: this bounds the loss before a damaged spot to one step
    int want = (int) Math.min(Math.min(len, STEP), allow + 1);
    int n;
    try {
      n = in.read(b, off, want);
    } catch (IOException | RuntimeException e) {
      fail(e);
      return -1;
    }
    if (n < 0) {
      return -1;
    }
    if (n > allow) {
      n = (int) allow;
      if (entryLeft <= totalLeft) {
        trip("max-entry-bytes", "member larger than " + budget.limits.maxEntryBytes()
            + " bytes; the rest of it skipped (raise --max-entry-bytes)");
      } else {
        trip("max-total-bytes", "input decompresses to more than " + budget.limits.maxTotalBytes()
            + " bytes; the rest of the input skipped (raise --max-total-bytes)");
        budget.exhaust();
      }
    }
    out += n;
    if (decodes) {
      budget.addDecoded(n);
      budget.checkRatios(this);
    }
    return n == 0 ? -1 : n;
  }

  private void trip(String limit, String message) {
    stopped = true;
    budget.problem(path, Problem.Type.LIMIT, limit + ": " + message);
  }

  private void fail(Exception e) {
    boolean reportedAbove = budget.branchStopped();
    stopped = true;
    failed = true;
    if (!reportedAbove) {
      budget.problem(path, ArchiveExpander.classify(e), ArchiveExpander.describe(e, out));
    }
  }

  @Override
  public int available() throws IOException {
    return 0;
  }

  @Override
  public void close() {
    // the container owns the stream underneath
  }
}

package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.read.ByteScan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The last stage of a text leaf's copy: base64 runs that hold gzip or zlib data are written back
 * with the secrets in their inflated text masked. Helm keeps each release (chart values, their
 * secrets) in a Kubernetes Secret as base64 of base64 of gzipped JSON, and payloads and bundle
 * fields carry compressed JSON in base64; the scan inflates such runs ({@code base64+gzip},
 * {@code base64+zlib}), but no mask of the plain secret can be found in their bytes, so the copy
 * kept them and its verification failed.
 *
 * <p>A run (the base64 alphabet of either kind, then at most two {@code =}) whose first four
 * characters decode to a gzip member, a zlib header, or the {@code H4s} that starts base64 of a
 * gzip member (Helm's second layer) is held, decoded and inflated; the inflated text goes through
 * the same forms as the leaf (and, for the second layer, through this stage again) when it is text
 * (no NUL byte: a tar or a zip inside is left alone, a mask of another length would break its
 * structure); when anything was replaced, it is deflated and encoded again in the run's alphabet, padded when the run was.
 * The new run has another length (no compressed form keeps it) and a gzip header of the JDK's (no
 * name, no time): what holds such a value (a YAML or JSON string) stays valid, and every other
 * byte of the leaf is copied unchanged. Other runs pass through as they come, four bytes held at
 * most. A run longer than {@link #MAX_RUN}, one that does not inflate whole within
 * {@link #MAX_INFLATED}, or damaged data is copied as it is: the verification scan then reports
 * whatever secret stays. Not thread-safe.
 */
final class CompressedRuns extends OutputStream {

  /** Base64 characters held for one run; the scan decodes runs of at most 1 MiB, so a longer one has no secret it found. */
  static final int MAX_RUN = 4 << 20;

  /** Inflated bytes rewritten at most; the scan reads 4 MiB of a run's inflated text. */
  static final int MAX_INFLATED = 16 << 20;

  /** Layers of base64 opened: a run, and base64 of it (Helm). */
  private static final int MAX_DEPTH = 2;

  /**
   * The characters a held run may start with: {@code H} (gzip's {@code 1F}), {@code S} (the
   * {@code H} of base64 of gzip), and those of a zlib header's first byte ({@code x8} with a window
   * of at most 32 KiB: {@code C G K O S W a e}).
   */
  private static final boolean[] FIRST = new boolean[256];

  static {
    for (char c : "HSCGKOWae".toCharArray()) {
      FIRST[c] = true;
    }
  }

  /**
   * The characters a held run may also start with when archives are rebuilt: those of bzip2's
   * {@code BZh} ({@code Q}), xz's {@code FD 37 7A} ({@code /} or {@code _}), 7z's {@code 7z}
   * ({@code N}), a zip's {@code PK} ({@code U}) and a tar's first name, printable ASCII
   * ({@code I} to {@code Z}, {@code a} to {@code f}).
   */
  private static final boolean[] FIRST_ARCHIVE = new boolean[256];

  static {
    for (char c : "HSCGKOWaeQN/_U".toCharArray()) {
      FIRST_ARCHIVE[c] = true;
    }
    for (char c = 'I'; c <= 'Z'; c++) {
      FIRST_ARCHIVE[c] = true;
    }
    for (char c = 'a'; c <= 'f'; c++) {
      FIRST_ARCHIVE[c] = true;
    }
  }

  /**
   * Characters held before a run is known for a tar: its first header, whole (683 characters are
   * 512 bytes and 2 bits), as the scan's test of a run's start ({@link ByteScan#startsCompressed})
   * takes it.
   */
  private static final int TAR_TEST = 683;

  /** A rebuilt payload larger than this is not written: the run stays as it was. */
  static final int MAX_REBUILT = 16 << 20;

  /**
   * Rebuilds a payload decoded from a run that is an archive (tar, zip, 7z) or compressed data the
   * text path does not rewrite (bzip2, xz, zstd; gzip that holds a tar): through the archive
   * walker, each member sanitized as a leaf.
   */
  @FunctionalInterface
  interface Containers {
    /** {@code raw} rebuilt with its secrets masked, or null when nothing changed or it cannot be rebuilt whole. */
    Rebuilt rebuild(byte[] raw) throws IOException;
  }

  /** A rebuilt payload, and the occurrences replaced in it. */
  record Rebuilt(byte[] bytes, long replaced) {}

  private final OutputStream out;
  /** The leaf's forms, built once: a copy with many compressed runs and many secrets must not build its table each time. */
  private final Replacer replacer;
  private final int depth;
  /** Null when only gzip and zlib text are rewritten. */
  private final Containers containers;
  private final boolean[] first;

  /** The run being held, and its length; {@code held} is -1 while no run is held. */
  private byte[] run = new byte[64];
  private int held = -1;
  /** {@code =} seen at the held run's end. */
  private int pad;
  /** Inside a run that is not held (it passes through): a run starts only after a byte outside the alphabet. */
  private boolean passing;
  /** The held run's start is a payload's: compressed data's magic, or a tar's header. */
  private boolean confirmed;

  private long replaced;

  CompressedRuns(OutputStream out, Replacer replacer) {
    this(out, replacer, 0, null);
  }

  /** A stage that also rebuilds archives and other compressed data through {@code containers}. */
  CompressedRuns(OutputStream out, Replacer replacer, Containers containers) {
    this(out, replacer, 0, containers);
  }

  private CompressedRuns(OutputStream out, Replacer replacer, int depth, Containers containers) {
    this.out = out;
    this.replacer = replacer;
    this.depth = depth;
    this.containers = containers;
    this.first = containers == null ? FIRST : FIRST_ARCHIVE;
  }

  /**
   * {@code in} read through a stage: the copy's first step, before the forms are replaced, so a
   * payload is rebuilt from its own bytes (a stored zip's or a tar's secret would otherwise have
   * been zeroed by a base64 core form, a zip's checksum then wrong). Its {@link Reading#replaced()}
   * counts once the stream is read to its end.
   */
  static Reading reading(InputStream in, Replacer replacer, Containers containers) {
    return new Reading(in, replacer, containers);
  }

  /** {@link #reading}'s stream. Not thread-safe. */
  static final class Reading extends InputStream {
    private final InputStream in;
    private final Pending pending = new Pending();
    private final CompressedRuns runs;
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private boolean done;

    private Reading(InputStream in, Replacer replacer, Containers containers) {
      this.in = in;
      this.runs = new CompressedRuns(pending, replacer, 0, containers);
    }

    /** Occurrences replaced inside the runs read so far. */
    long replaced() {
      return runs.replaced();
    }

    @Override
    public int read() throws IOException {
      return dev.tokensweep.scanner.expand.Streams.readByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos == pending.size()) {
        if (done) {
          return -1;
        }
        pending.reset();
        pos = 0;
        int n = in.read(chunk);
        if (n < 0) {
          runs.finish();
          done = true;
        } else {
          runs.write(chunk, 0, n);
        }
      }
      int k = Math.min(len, pending.size() - pos);
      System.arraycopy(pending.bytes(), pos, b, off, k);
      pos += k;
      return k;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** What the stage wrote and the reader has not taken yet. */
  private static final class Pending extends ByteArrayOutputStream {
    byte[] bytes() {
      return buf;
    }
  }

  /** Occurrences replaced inside compressed runs so far. */
  long replaced() {
    return replaced;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int from = off; // b[from, i) is still to be written
    for (int i = off; i < end; i++) {
      int c = b[i] & 0xFF;
      boolean alpha = ByteScan.base64Value((byte) c) >= 0;
      if (held >= 0) {
        if (alpha && pad == 0 || c == '=' && pad < 2) {
          pad += c == '=' ? 1 : 0;
          hold(c);
          from = i + 1;
          release();
          continue;
        }
        settle(); // the run ended before this byte
        from = i;
        if (!alpha) {
          continue;
        }
        if (first[c]) {
          start(c); // a value right after padding (`key==H4sI...`)
          from = i + 1;
        } else {
          passing = true;
        }
        continue;
      }
      if (passing) {
        passing = alpha;
        continue;
      }
      if (alpha) {
        if (first[c]) {
          out.write(b, from, i - from);
          start(c);
          from = i + 1;
        } else {
          passing = true; // most words: no compressed run starts with their letter
        }
      }
    }
    if (held < 0 && from < end) {
      out.write(b, from, end - from);
    }
  }

  private void start(int c) throws IOException {
    held = 0;
    pad = 0;
    confirmed = false;
    hold(c);
  }

  /**
   * Lets a held run pass through once its start shows it is no payload, or it grew past
   * {@link #MAX_RUN}. With archives, a run whose first bytes could be a tar's first name (printable,
   * then NUL padding) is held on to {@link #TAR_TEST} characters, where its header must say
   * {@code ustar} at byte 257; few words of text get past the twelfth byte.
   */
  private void release() throws IOException {
    if (held >= MAX_RUN) {
      pass();
      return;
    }
    if (pad != 0 || confirmed) {
      return;
    }
    if (held == 4) {
      confirmed = compressedStart(run);
      if (!confirmed && (containers == null || !nameStart(4))) {
        pass();
      }
    } else if (held == 16 && !nameStart(16)) {
      pass();
    } else if (held == TAR_TEST) {
      confirmed = ByteScan.startsCompressed(run, 0, held);
      if (!confirmed) {
        pass();
      }
    }
  }

  private void pass() throws IOException {
    out.write(run, 0, held);
    held = -1;
    passing = pad == 0;
    confirmed = false;
  }

  /** Whether the first {@code n} held characters decode to printable ASCII, then NUL bytes only: a tar's name field. */
  private boolean nameStart(int n) {
    boolean nul = false;
    for (int i = 0; i < n; i += 4) {
      int x = quantum(run, i);
      for (int shift = 16; shift >= 0; shift -= 8) {
        int c = x >>> shift & 0xFF;
        if (c == 0 && (i > 0 || shift != 16)) {
          nul = true; // the name's padding (never its first byte)
        } else if (nul || c < 0x20 || c > 0x7E) {
          return false;
        }
      }
    }
    return true;
  }

  /** The three bytes the four characters {@code r[i, i + 4)} decode to, as one int. */
  private static int quantum(byte[] r, int i) {
    return ByteScan.base64Value(r[i]) << 18 | ByteScan.base64Value(r[i + 1]) << 12
        | ByteScan.base64Value(r[i + 2]) << 6 | ByteScan.base64Value(r[i + 3]);
  }

  private void hold(int c) {
    if (held == run.length) {
      run = Arrays.copyOf(run, Math.min(MAX_RUN, run.length * 2));
    }
    run[held++] = (byte) c;
  }

  /** Writes the held run, rewritten when its inflated text held a secret. */
  private void settle() throws IOException {
    int n = held;
    held = -1;
    byte[] again = confirmed && n - pad >= 8 ? rewrite(run, n - pad, pad > 0) : null;
    confirmed = false;
    if (again == null) {
      out.write(run, 0, n);
    } else {
      out.write(again);
    }
    pad = 0;
  }

  /** Writes a run held at the end of the copy. Does not close the stream it writes to. */
  void finish() throws IOException {
    if (held >= 0) {
      settle();
    }
    out.flush();
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
  }

  /**
   * Whether the run's first four characters decode to gzip's magic, a zlib header or base64 of gzip
   * ({@code H4s}); with archives also to bzip2's, xz's, zstd's, 7z's or a zip's first local header.
   */
  private boolean compressedStart(byte[] r) {
    int x = quantum(r, 0);
    int b0 = x >>> 16 & 0xFF;
    int b1 = x >>> 8 & 0xFF;
    int b2 = x & 0xFF;
    if (b0 == 0x1F && b1 == 0x8B && b2 == 8) {
      return true;
    }
    if (b0 == 'H' && b1 == '4' && b2 == 's') {
      return depth + 1 < MAX_DEPTH;
    }
    if (containers != null) {
      return ByteScan.startsCompressed(r, 0, 4); // zlib, and archives and other compression
    }
    return ByteScan.zlibHeader(b0, b1);
  }

  /**
   * The run {@code r[0, n)} (padding left out) written again with the secrets masked, in its own
   * alphabet and padded when {@code padded}; null when nothing in it changed or it cannot be read.
   */
  private byte[] rewrite(byte[] r, int n, boolean padded) throws IOException {
    if (n % 4 == 1) {
      return null;
    }
    boolean url = false;
    boolean std = false;
    for (int i = 0; i < n; i++) {
      url |= r[i] == '-' || r[i] == '_';
      std |= r[i] == '+' || r[i] == '/';
    }
    if (url && std) {
      return null;
    }
    byte[] raw;
    try {
      raw = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(Arrays.copyOf(r, n));
    } catch (IllegalArgumentException e) {
      return null;
    }
    byte[] masked = masked(raw);
    if (masked == null) {
      return null;
    }
    Base64.Encoder enc = url ? Base64.getUrlEncoder() : Base64.getEncoder();
    return (padded ? enc : enc.withoutPadding()).encode(masked);
  }

  /** bzip2, xz, zstd, 7z or a zip's local header, by the first three bytes. */
  private static boolean archiveMagic(int b0, int b1, int b2) {
    return b0 == 'B' && b1 == 'Z' && b2 == 'h' || b0 == 0xFD && b1 == '7' && b2 == 'z'
        || b0 == 0x28 && b1 == 0xB5 && b2 == 0x2F || b0 == '7' && b1 == 'z' && b2 == 0xBC
        || b0 == 'P' && b1 == 'K' && b2 == 3;
  }

  /**
   * {@code raw} (gzip, zlib, base64 of gzip; with archives also the formats of {@link Containers})
   * with the secrets in it masked, or null when none was.
   */
  private byte[] masked(byte[] raw) throws IOException {
    boolean gzip = raw.length > 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B;
    if (!gzip && raw.length > 2 && raw[0] == 'H' && raw[1] == '4' && raw[2] == 's') {
      return text(raw); // base64 of gzip, one layer down
    }
    if (!gzip && (ustarAt257(raw) || archiveMagic(raw[0] & 0xFF, raw[1] & 0xFF, raw[2] & 0xFF))) {
      return rebuilt(raw); // an archive or other compression
    }
    byte[] text;
    try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw))
        : new InflaterInputStream(new ByteArrayInputStream(raw))) {
      text = in.readNBytes(MAX_INFLATED + 1);
    } catch (IOException | RuntimeException e) {
      return null; // damaged: copied as it is, and the verification says what stays
    }
    if (text.length > MAX_INFLATED) {
      return null; // too long: copied as it is
    }
    if (indexOfNul(text) >= 0) {
      // not text (a tar, a zip, an image): a mask of another length would break it, so it is
      // rebuilt by the archive walker, member by member: a gzip whole (its header kept), what a
      // bare zlib stream held (the walker reads no zlib) and deflated again
      if (gzip) {
        return rebuilt(raw);
      }
      byte[] inner = rebuilt(text);
      return inner == null ? null : deflated(inner, false);
    }
    byte[] masked = text(text);
    if (masked == null) {
      return null;
    }
    return deflated(masked, gzip);
  }

  /** {@code b} compressed again as a gzip member or a zlib stream. */
  private static byte[] deflated(byte[] b, boolean gzip) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream(Math.max(64, b.length / 4));
    try (OutputStream d = gzip ? new GZIPOutputStream(bo) : new DeflaterOutputStream(bo)) {
      d.write(b);
    }
    return bo.toByteArray();
  }

  /** A tar's first header: {@code ustar} at 257 (the archive walker checks its checksum). */
  private static boolean ustarAt257(byte[] raw) {
    return raw.length >= 262 && raw[257] == 'u' && raw[258] == 's' && raw[259] == 't' && raw[260] == 'a'
        && raw[261] == 'r';
  }

  /** {@code raw} rebuilt by {@link #containers}, or null when it was not or there are none. */
  private byte[] rebuilt(byte[] raw) throws IOException {
    if (containers == null) {
      return null;
    }
    Rebuilt r = containers.rebuild(raw);
    if (r == null) {
      return null;
    }
    replaced += r.replaced();
    return r.bytes();
  }

  private static int indexOfNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** {@code text} through the forms and, one layer down, this stage; null when nothing was replaced. */
  private byte[] text(byte[] text) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream(text.length);
    CompressedRuns inner = new CompressedRuns(bo, replacer, depth + 1, containers);
    long k = replacer.copy(new ByteArrayInputStream(text), inner);
    inner.finish();
    k += inner.replaced;
    if (k == 0) {
      return null;
    }
    replaced += k;
    return bo.toByteArray();
  }
}

package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.expand.Expander;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Plain text of any size and any line length, read as bytes in fixed chunks with an overlap on
 * both sides, so memory stays at one chunk whatever the input and a token across a chunk edge is
 * found exactly once. Lines are counted per chunk only to locate findings. A UTF-16 file with a
 * byte-order mark is transcoded to UTF-8 first ({@link Utf16Text}: blocks that are not UTF-16
 * stay as they are); its offsets are then those of the UTF-8 text. A mail message or mbox
 * ({@link #MAIL}) has its quoted-printable parts decoded ({@link QuotedPrintableText}); its
 * offsets are those of the decoded text.
 */
public final class TextReader implements PartReader {

  /** The format of a mail message or mbox, whose quoted-printable parts are decoded before they are read. */
  public static final String MAIL = "mail";

  private final int chunk;
  private final String format;

  public TextReader(int chunkBytes) {
    this(chunkBytes, "text");
  }

  /** A text reader whose locations name {@code format} (a token cache, an {@code hs_err} log). */
  public TextReader(int chunkBytes, String format) {
    if (chunkBytes < 16) {
      throw new IllegalArgumentException("chunk too small: " + chunkBytes);
    }
    this.chunk = chunkBytes;
    this.format = format;
  }

  @Override
  public String format() {
    return format;
  }

  @Override
  public void read(InputStream raw, String path, SegmentSink sink) throws IOException {
    Transcoded t = transcoded(raw);
    InputStream body = t.body();
    if (MAIL.equals(format) && t.encoding() == null) {
      body = new QuotedPrintableText(body);
    }
    readChunks(body, path, t.encoding(), format(), sink);
  }

  /** A text stream as a reader reads it, and the encoding its locations name (null: as stored). */
  record Transcoded(InputStream body, String encoding) {}

  /**
   * {@code raw} with a UTF-16 byte-order mark taken off and its text transcoded to UTF-8
   * ({@link Utf16Text}), named {@code utf-16le} or {@code utf-16be}; without one, as it is.
   */
  static Transcoded transcoded(InputStream raw) throws IOException {
    java.io.PushbackInputStream in = new java.io.PushbackInputStream(raw, 3);
    byte[] bom = new byte[3];
    int n = in.readNBytes(bom, 0, 3);
    if (n >= 2 && (bom[0] & 0xFF) == 0xFF && (bom[1] & 0xFF) == 0xFE) {
      in.unread(bom, 2, n - 2);
      return new Transcoded(new Utf16Text(in, false), "utf-16le");
    }
    if (n >= 2 && (bom[0] & 0xFF) == 0xFE && (bom[1] & 0xFF) == 0xFF) {
      in.unread(bom, 2, n - 2);
      return new Transcoded(new Utf16Text(in, true), "utf-16be");
    }
    if (n > 0) {
      in.unread(bom, 0, n);
    }
    return new Transcoded(in, null);
  }

  /** Reads {@code in} as text in chunks; {@code format} names the leaf in locations. */
  void readChunks(InputStream in, String path, String encoding, String format, SegmentSink sink) throws IOException {
    readChunks(in, path, encoding, format, sink, 0, 0, Long.MAX_VALUE, null);
  }

  /** Text is cut anywhere: each part reads the detector's overlap of context on either side. */
  @Override
  public boolean partsAtLineStarts() {
    return false;
  }

  /**
   * {@inheritDoc} Here {@code in} goes on past {@code ownLimit} as right context, read as far as a
   * match that starts in the part needs.
   */
  @Override
  public PartLines readPart(InputStream in, String path, SegmentSink sink, long base0, int context, long ownLimit)
      throws IOException {
    long[] out = new long[2];
    readChunks(in, path, null, format, sink, base0, context, ownLimit, out);
    return new PartLines(out[0], out[1]);
  }

  /** The buffer a leaf is read into first; one that fills it gets the whole chunk size. */
  static final int FIRST_BUFFER = 64 << 10;

  /** The smallest first buffer: a leaf that says it is smaller gets this much all the same. */
  static final int MIN_FIRST_BUFFER = 16 << 10;

  private void readChunks(InputStream in, String path, String encoding, String format, SegmentSink sink,
      long base0, int own0, long ownLimit, long[] lines) throws IOException {
    int ov = sink.overlap();
    // a small buffer first, the whole chunk only once the leaf fills it: a fresh 1 MiB array per
    // leaf (zeroed by the JVM) was 80% of the time of a tar of 50,000 small logs
    int full = chunk + 2 * ov;
    // a leaf that says it is smaller than the first buffer gets less: zeroing 64 KiB for each 10 KB
    // file was 4% of a directory scan
    byte[] buf = new byte[Math.min(full, Expander.bufferFor(in, MIN_FIRST_BUFFER, FIRST_BUFFER))];
    int len = 0;
    long base = base0;      // stream offset of buf[0]
    int own = own0;         // first owned byte in buf
    long lineAtOwn = 1;     // line number of buf[own]
    long lineStartBeforeBuf = base0; // stream offset where the line holding buf[0] starts, if it starts before buf
    long lastNewline = -1;
    boolean eof = false;
    while (!eof) {
      len += in.readNBytes(buf, len, buf.length - len);
      if (len == buf.length && buf.length < full) {
        buf = fullBuffer(buf, len, full); // a larger leaf: chunks of the full size from here on
        len += in.readNBytes(buf, len, buf.length - len);
      }
      eof = len < buf.length;
      int ownEnd = (int) Math.min(eof ? len : len - ov, ownLimit - base);
      if (!eof && ownEnd > own && sink.readOn(buf, 0, len, own, ownEnd)) {
        // a run the decoding layers would decode, owned here and cut by the buffer's end (a
        // base64 blob longer than the context): read on to its end as right context, so that
        // this segment decodes it whole; the buffer doubles as often as the run needs
        do {
          buf = Arrays.copyOf(buf, buf.length * 2);
          len += in.readNBytes(buf, len, buf.length - len);
          eof = len < buf.length;
        } while (!eof && sink.readOn(buf, 0, len, own, ownEnd));
        if (eof) {
          ownEnd = (int) Math.min(len, ownLimit - base); // nothing comes after to own the rest
        }
      }
      boolean last = eof || base + ownEnd >= ownLimit;
      ChunkLocator loc = new ChunkLocator(path, encoding, format, buf, base, own, lineAtOwn, lineStartBeforeBuf);
      if (eof && (ownEnd > own || len == 0 && base == 0)) {
        // the leaf ends here: a run that reaches the buffer's end is whole, not cut
        sink.lastSegment(buf, 0, len, own, Math.max(own, ownEnd), loc);
      } else if (ownEnd > own) {
        sink.segment(buf, 0, len, own, ownEnd, loc);
      }
      if (lines != null && ownEnd > own) {
        int nl = ByteScan.lastIndexOf(buf, own, ownEnd, (byte) '\n');
        if (nl >= 0) {
          lastNewline = base + nl;
        }
      }
      // count the lines of the owned range, then keep the overlap as left context
      lineAtOwn = ownEnd > own ? loc.lineAfter(ownEnd) : lineAtOwn;
      if (last) {
        break;
      }
      int keepFrom = Math.max(0, ownEnd - ov);
      int nl = ByteScan.lastIndexOf(buf, 0, keepFrom, (byte) '\n');
      if (nl >= 0) {
        lineStartBeforeBuf = base + nl + 1;
      }
      System.arraycopy(buf, keepFrom, buf, 0, len - keepFrom);
      base += keepFrom;
      len -= keepFrom;
      own = ownEnd - keepFrom;
    }
    if (lines != null) {
      lines[0] = lineAtOwn - 1;
      lines[1] = lastNewline;
    }
    if (buf.length == full) {
      SPARE.get()[0] = buf;
    }
  }

  /**
   * A full-size chunk buffer of this thread, handed back when a leaf's read ends, so that the
   * next large leaf on the thread reads into it: a fresh one per leaf allocated a chunk per file
   * (on run.sh's 64 files of 16 MB, 65 of the scan's 208 MB), which with the launcher's 256 MB
   * heap filled the young generation once more and cost a collection that stops every scan
   * thread. Only one read at a time holds it (a leaf read inside another's segment gets its own),
   * and nothing holds a chunk's bytes past its segment: a finding is located and its evidence
   * taken inside {@link SegmentSink#segment}.
   */
  private static final ThreadLocal<byte[][]> SPARE = ThreadLocal.withInitial(() -> new byte[1][]);

  /** A buffer of {@code full} bytes holding {@code buf[0, len)}: the thread's spare when it fits. */
  private static byte[] fullBuffer(byte[] buf, int len, int full) {
    byte[][] spare = SPARE.get();
    byte[] b = spare[0];
    if (b == null || b.length != full) {
      return Arrays.copyOf(buf, full);
    }
    spare[0] = null;
    System.arraycopy(buf, 0, b, 0, len);
    return b;
  }
}

package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.read.Reader;
import dev.tokensweep.scanner.read.SegmentSink;
import dev.tokensweep.scanner.read.PartReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Adds the decoding layers to any reader: in every segment, a base64 ({@link Base64Layer}) or
 * URL-encoded ({@link UrlLayer}) run of at least {@link DecodingLayer#MIN_RUN} characters that
 * decodes to mostly printable text, and a line holding rsyslog escapes ({@link RsyslogLayer}), is
 * decoded and scanned too, up to {@link #DEFAULT_DEPTH} layers deep unless told otherwise
 * ({@code scan --decode-depth}). Findings in decoded text carry
 * the layers in {@link Location#decodings()}, outermost first, and the location of the encoded
 * byte that encodes the secret's first byte. A run is decoded by the segment call that owns its
 * first byte, up to {@link DecodingLayer#MAX_RUN} bytes of it.
 */
public final class DecodingReader implements Reader {
  /**
   * Layers decoded inside each other at most, unless a scan asks for another depth: two find a
   * token in base64 of a URL-encoded form and the like; each further layer rescans every decoded
   * run again, for encodings no log uses.
   */
  public static final int DEFAULT_DEPTH = 2;

  /**
   * The deepest a scan may ask for: each layer scans every decoded run again, so the cost of a
   * hostile input grows with the depth.
   */
  public static final int MAX_DEPTH = 4;

  private final Reader inner;
  private final int depth;

  /** {@code inner} with the decoding layers around the segments it hands on, {@link #DEFAULT_DEPTH} deep. */
  public DecodingReader(Reader inner) {
    this(inner, DEFAULT_DEPTH);
  }

  /**
   * {@code inner} with {@code depth} decoding layers (0 to {@link #MAX_DEPTH}); with 0 the
   * segments go on as they are, and no pass looks for encoded runs.
   */
  public DecodingReader(Reader inner, int depth) {
    this.inner = inner;
    this.depth = requireDepth(depth);
  }

  /** {@code depth} when it is one a scan may ask for (0 to {@link #MAX_DEPTH}). */
  public static int requireDepth(int depth) {
    if (depth < 0 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException("decoding depth must be 0 to " + MAX_DEPTH + ": " + depth);
    }
    return depth;
  }

  @Override
  public String format() {
    return inner.format();
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    inner.read(in, path, new LayeredSink(sink, depth));
  }

  @Override
  public void read(InputStream in, String path, Path file, SegmentSink sink) throws IOException {
    inner.read(in, path, file, new LayeredSink(sink, depth));
  }

  /**
   * Hands {@code sink} each run of {@code buf[from, to)} that the layers decode, decoded and whole
   * (and the runs decoded inside those), as a scan of those bytes would; never the bytes as they
   * are. For a filter that matches the plain bytes itself and needs what is encoded in them
   * ({@code redact}). {@code locator} places {@code buf}'s bytes in the stream (a decoded offset
   * at the encoded bytes that encode it, to within a base64 quantum), and may count lines
   * ({@link dev.tokensweep.scanner.read.Locator#lineCounting}); {@code last} when the stream ends
   * at {@code to}, so that a run reaching it ends there. Every decoding problem goes to {@code
   * sink}, each payload's once.
   */
  public static void eachDecoded(byte[] buf, int from, int to, boolean last, dev.tokensweep.scanner.read.Locator locator,
      SegmentSink sink) {
    SegmentSink decodedOnly = new SegmentSink.Forwarding(sink) {
      @Override
      public void segment(byte[] b, int f, int t, int ownFrom, int ownTo, dev.tokensweep.scanner.read.Locator locator) {
        if (b != buf) {
          out.segment(b, f, t, ownFrom, ownTo, locator);
        }
      }
    };
    // every problem handed on, to be counted: a scan's leaf lists a few, then says there were more
    LayeredSink layers = new LayeredSink(decodedOnly, DEFAULT_DEPTH, Integer.MAX_VALUE);
    if (last) {
      layers.lastSegment(buf, from, to, from, to, locator);
    } else {
      layers.segment(buf, from, to, from, to, locator);
    }
  }

  /**
   * Whether {@code buf[from, to)} ends inside a run that the layers would decode and that starts
   * at or after {@code ownFrom}, no longer than {@link DecodingLayer#MAX_RUN} so far: one that a
   * reader holding more bytes would decode whole, or tell to be longer ({@link SegmentSink#readOn}).
   */
  public static boolean endsInRun(byte[] buf, int from, int to, int ownFrom) {
    return LayeredSink.endsInRun(buf, from, to, ownFrom, to);
  }

  /**
   * Reads a part of a large leaf through {@code depth} layers, as {@link PartReader#readPart}
   * describes.
   */
  public static PartReader.PartLines readPart(PartReader reader, InputStream in, String path, SegmentSink sink, long base,
      int context, long ownLimit, int depth) throws IOException {
    return reader.readPart(in, path, new LayeredSink(sink, depth), base, context, ownLimit);
  }
}

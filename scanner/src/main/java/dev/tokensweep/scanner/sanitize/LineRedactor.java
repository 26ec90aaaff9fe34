package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.scanner.decode.DecodingReader;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.ChunkLocator;
import dev.tokensweep.scanner.read.Locator;
import dev.tokensweep.scanner.read.SegmentSink;
import dev.tokensweep.scanner.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code redact} stream filter: reads lines and writes each one, redacted, as soon as it is
 * complete, so a log pipeline sees no added latency beyond a line. All the lines that one read
 * completes are redacted in one detector pass. Memory is bounded: a line longer
 * than the chunk size is written in pieces, keeping the detector's overlap as context. The previous
 * line or two (at most {@link #CONTEXT} bytes) stay as left context, so a secret printed on the
 * line after its prompt (AWS CLI's {@code Then enter the code:}) is still found.
 */
public final class LineRedactor {

  /** Left context kept from earlier lines. */
  static final int CONTEXT = 512;

  private final Detector detector;
  private final Fingerprinter fingerprinter;
  private final MaskStyle mask;
  private final int chunk;
  private long redacted;
  /** Encoded payloads that could not be examined whole (a cap, encryption, damage), and the first one's problem. */
  private long unexamined;
  private Problem firstUnexamined;

  public LineRedactor(Detector detector, Fingerprinter fingerprinter, MaskStyle mask, int chunkBytes) {
    this.detector = detector;
    this.fingerprinter = fingerprinter;
    this.mask = mask;
    this.chunk = Math.max(chunkBytes, 4 * detector.overlap());
  }

  /** Secrets replaced so far. */
  public long redacted() {
    return redacted;
  }

  /**
   * Encoded payloads (base64 of compressed data or an archive) that the filter could not examine
   * whole so far: past a cap, encrypted or damaged. A token in their unexamined part passed
   * through as it was.
   */
  public long unexamined() {
    return unexamined;
  }

  /** The first of {@link #unexamined}'s problems, or null: it names the cause, never content. */
  public Problem firstUnexamined() {
    return firstUnexamined;
  }

  public void filter(InputStream in, OutputStream out) throws IOException {
    int ov = detector.overlap();
    byte[] buf = new byte[CONTEXT + chunk + ov];
    // the buffer may grow past its size to hold one encoded run whole (DecodingLayer.MAX_RUN)
    int maxBuffer = buf.length + (2 << 20);
    int ctx = 0;      // start of left context in buf
    int start = 0;    // first byte not yet written
    int len = 0;
    carry = -1;
    base = 0;
    lineAtStart = 1;
    lineStartBeforeBuf = 0;
    countedBefore.clear();
    counted.clear();
    List<Match> matches = new ArrayList<>();
    while (true) {
      int r = in.read(buf, len, buf.length - len);
      boolean eof = r < 0;
      if (!eof) {
        len += r;
      }
      // every line completed by this read goes out now, in one detector pass
      int nl = lastIndexOf(buf, (byte) '\n', start, len);
      if (nl >= 0) {
        emit(buf, ctx, start, nl + 1, nl + 1, false, out, matches);
        start = nl + 1;
        ctx = Math.max(ctx, start - CONTEXT);
      }
      if (eof) {
        if (start < len) {
          emit(buf, ctx, start, len, len, true, out, matches);
        }
        out.flush();
        return;
      }
      int shift = ctx;
      drop(buf, shift);
      System.arraycopy(buf, ctx, buf, 0, len - ctx);
      len -= shift;
      start -= shift;
      carry = carry < 0 ? -1 : carry - shift;
      ctx = 0;
      if (len == buf.length && buf.length < maxBuffer && DecodingReader.endsInRun(buf, ctx, len, start)) {
        // a line longer than the chunk that ends, so far, in an encoded run none of which is
        // written yet (a long base64 blob): hold on to it, up to the longest run the layers
        // decode, so that a token late in it is found and destroyed
        buf = Arrays.copyOf(buf, (int) Math.min(maxBuffer, 2L * buf.length));
        continue;
      }
      if (len == buf.length) {
        // a line longer than the chunk: write what no later match can start in, keep the overlap
        int upTo = len - ov;
        emit(buf, ctx, start, upTo, len, false, out, matches);
        start = upTo;
        ctx = start - CONTEXT;
        drop(buf, ctx);
        System.arraycopy(buf, ctx, buf, 0, len - ctx);
        len -= ctx;
        start -= ctx;
        carry = carry < 0 ? -1 : carry - ctx;
        ctx = 0;
      }
      out.flush();
    }
  }

  /** End (in buf) of a secret whose mask was already written but whose bytes run past the last piece. */
  private int carry = -1;

  // where the buffer stands in stdin, for the places a problem names: the offset of buf[0], the
  // line of the first byte not yet written, and the offset where the line holding buf[0] starts
  private long base;
  private long lineAtStart;
  private long lineStartBeforeBuf;

  /**
   * The problems the last piece counted, and this one's: a payload in the left context is decoded
   * again by the next piece (the one before may have decoded it cut, at the end of a long line),
   * and was counted again; the message names its place, so an equal one is the same payload.
   */
  private List<String> countedBefore = new ArrayList<>();
  private List<String> counted = new ArrayList<>();

  /** Where the buffer stands once its first {@code by} bytes are dropped (before they are). */
  private void drop(byte[] buf, int by) {
    int nl = lastIndexOf(buf, (byte) '\n', 0, by);
    if (nl >= 0) {
      lineStartBeforeBuf = base + nl + 1;
    }
    base += by;
  }

  /**
   * Writes {@code buf[from, to)} with every secret that overlaps it replaced; {@code ctx..from} is
   * left context and {@code to..scanEnd} right context, which holds no newline; {@code last} when
   * stdin ends at scanEnd.
   */
  private void emit(byte[] buf, int ctx, int from, int to, int scanEnd, boolean last, OutputStream out,
      List<Match> matches) throws IOException {
    int w = from;
    if (carry > from) {
      int skip = Math.min(carry, to);
      if (mask == MaskStyle.SAME_LENGTH) {
        out.write(MaskStyle.stars(skip - from));
      }
      w = skip;
    }
    carry = -1;
    matches.clear();
    detector.scan(buf, ctx, scanEnd, ctx, scanEnd, matches::add);
    matches.sort((a, b) -> Integer.compare(a.start(), b.start()));
    long lineAtCtx = lineAtStart - ByteScan.count(buf, ctx, from, (byte) '\n');
    ChunkLocator stream = new ChunkLocator(Source.STDIN, null, "text", buf, base, ctx, lineAtCtx, lineStartBeforeBuf);
    List<String> c = countedBefore;
    countedBefore = counted;
    counted = c;
    counted.clear();
    destroyEncoded(buf, ctx, scanEnd, last, stream, matches);
    // the decoding pass told the locator the newlines from ctx to scanEnd, none of them past `to`
    lineAtStart = stream.lineAfter(scanEnd);
    for (Match m : matches) {
      if (m.end() <= w || m.start() >= to) {
        continue;
      }
      int s = Math.max(m.start(), w);
      out.write(buf, w, s - w);
      int e = Math.min(m.end(), to);
      if (mask == MaskStyle.SAME_LENGTH) {
        out.write(MaskStyle.stars(e - s));
      } else if (s == m.start()) {
        out.write(mask.mask(m.rule().kind(), fingerprinter.fingerprint(m.secret()), m.end() - m.start()));
        redacted++;
      }
      if (mask == MaskStyle.SAME_LENGTH && s == m.start()) {
        redacted++;
      }
      if (m.end() > to) {
        carry = m.end();
      }
      w = e;
    }
    out.write(buf, w, to - w);
  }

  /**
   * Secrets that only decoding finds in {@code buf[ctx, scanEnd)} (base64 of a header or of JSON,
   * a URL-encoded form; two layers deep, as a scan decodes) are destroyed where they stand, in the
   * buffer, before it is written, as sanitize destroys them: the base64 characters that encode
   * only the secret become {@code A} (the value stays valid base64 and the secret decodes to
   * zeros), its URL-encoded or plain bytes become {@code *}. Each is looked for only around where
   * its encoded bytes start: looking through the whole piece for each secret made a log with a
   * base64 token on every line quadratic (2 MB, 14,286 tokens: 38.6 s). The plain matches the
   * detector found in the bytes as they are ({@code plain}) keep their masks. Bytes past
   * {@code to} that a form reaches into are destroyed too, for the piece that writes them.
   * {@code stream} places the bytes in stdin, for the problems; {@code last} when stdin ends at
   * {@code scanEnd}.
   */
  private void destroyEncoded(byte[] buf, int ctx, int scanEnd, boolean last, Locator stream, List<Match> plain) {
    List<byte[]> secrets = new ArrayList<>();
    List<int[]> near = new ArrayList<>(); // per secret, the bytes of buf its encoded forms may stand in
    List<Integer> payloads = new ArrayList<>(); // where a base64 payload that held a secret starts
    DecodingReader.eachDecoded(buf, ctx, scanEnd, last, stream, new SegmentSink() {
      @Override
      public void segment(byte[] b, int from, int to, int ownFrom, int ownTo, Locator locator) {
        detector.scan(b, from, to, ownFrom, ownTo, m -> {
          Location l = locator.locate(m.start());
          int at = l == null ? ctx : (int) (l.offset() - base);
          if (l != null && isPayload(l)) {
            payloads.add(at); // compressed: no form of the secret stands in its bytes
          }
          secrets.add(m.secret());
          // from a base64 quantum before; at most four bytes a secret byte (URL-encoded base64)
          near.add(new int[] {Math.max(ctx, at - 4),
              (int) Math.min(scanEnd, l == null ? scanEnd : at + 4L * m.secret().length + 8)});
        });
      }

      @Override
      public int overlap() {
        return detector.overlap();
      }

      @Override
      public void problem(Problem problem) {
        // a base64 payload past a cap, encrypted or damaged: what was not examined is not
        // redacted, and the command says so when stdin ends
        boolean again = countedBefore.contains(problem.message());
        counted.add(problem.message());
        if (!again && unexamined++ == 0) {
          firstUnexamined = problem;
        }
      }
    });
    for (int at : payloads) {
      destroyRun(buf, at, scanEnd, plain);
    }
    for (int k = 0; k < secrets.size(); k++) {
      byte[] s = secrets.get(k);
      int from = near.get(k)[0];
      int to = near.get(k)[1];
      for (byte[] core : LeafSanitizer.base64Cores(s)) {
        overwrite(buf, from, to, core, (byte) 'A', plain);
      }
      byte[] pct = LeafSanitizer.percentEncode(s);
      if (pct != null) {
        overwrite(buf, from, to, pct, (byte) '*', plain);
      }
      overwrite(buf, from, to, s, (byte) '*', plain);
      Arrays.fill(s, (byte) 0);
    }
  }

  /**
   * Whether a finding's last decoding step unpacked compressed data or an archive
   * ({@code base64+gzip}, {@code base64+zip+gzip}): it is located at its run's start.
   */
  private static boolean isPayload(Location l) {
    List<String> ds = l.decodings();
    return ds != null && !ds.isEmpty() && ds.get(ds.size() - 1).indexOf('+') >= 0;
  }

  /**
   * The base64 run that starts at {@code at} (a payload that held a secret) destroyed: every base64
   * character becomes {@code A}, so the value stays valid base64 of its length, and decodes to
   * zeros (the compressed data, and the secret in it, gone); plain matches keep their masks.
   */
  private static void destroyRun(byte[] buf, int at, int to, List<Match> plain) {
    int e = at;
    while (e < to && ByteScan.base64Value(buf[e]) >= 0) {
      e++;
    }
    for (int i = at; i < e; i++) {
      boolean masked = false;
      for (Match m : plain) {
        masked |= m.start() <= i && m.end() > i;
      }
      if (!masked) {
        buf[i] = 'A';
      }
    }
  }

  /** Every occurrence of {@code form} in {@code buf[from, to)} outside the {@code plain} matches, filled with {@code fill}. */
  private static void overwrite(byte[] buf, int from, int to, byte[] form, byte fill, List<Match> plain) {
    for (int i = from; i + form.length <= to; i++) {
      if (buf[i] != form[0] || !Arrays.equals(buf, i, i + form.length, form, 0, form.length)) {
        continue;
      }
      boolean masked = false;
      for (Match m : plain) {
        masked |= m.start() < i + form.length && m.end() > i;
      }
      if (!masked) {
        Arrays.fill(buf, i, i + form.length, fill);
      }
      i += form.length - 1;
    }
  }

  private static int lastIndexOf(byte[] b, byte c, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}

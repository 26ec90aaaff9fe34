package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds decoding layers to any reader: in every segment, a base64 or URL-encoded run of at least
 * {@link #MIN_RUN} characters that decodes to mostly printable text is decoded and scanned too,
 * up to {@link #MAX_DEPTH} layers deep ({@code Authorization: Basic}, base64 of JSON holding a
 * token, a URL-encoded form inside a query string). Findings in decoded text carry the layers in
 * {@link Location#decodings()}, outermost first, and the location of the encoded run's byte that
 * encodes the secret's first byte (exact for URL encoding, to within a base64 quantum).
 *
 * <p>rsyslog's {@code #012}-style control-character escapes are a layer too ({@code rsyslog}): a
 * line holding them is decoded whole, so a token glued to {@code #012} and a JSON body logged on
 * one line are found.
 *
 * <p>A run is decoded by the segment call that owns its first byte. A run longer than
 * {@link #MAX_RUN} is decoded only up to that length.
 */
final class DecodingReader implements Reader {
  static final int MIN_RUN = 16;
  static final int MAX_RUN = 1 << 20;
  static final int MAX_DEPTH = 2;
  /** How often, in bytes, the base64 pass tells a line-counting locator its newline count so far. */
  static final int CHECKPOINT = 8192;

  private static final byte[] B64 = new byte[256];
  private static final boolean[] URLISH = new boolean[256];

  static {
    java.util.Arrays.fill(B64, (byte) -1);
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < a.length(); i++) {
      B64[a.charAt(i)] = (byte) i;
    }
    B64['+'] = 62;
    B64['-'] = 62;
    B64['/'] = 63;
    B64['_'] = 63;
    for (int c = 0x21; c < 0x7F; c++) {
      URLISH[c] = true;
    }
    for (char c : "\"'<>`\\{}|^[]".toCharArray()) {
      URLISH[c] = false;
    }
  }

  private final Reader inner;

  DecodingReader(Reader inner) {
    this.inner = inner;
  }

  Reader inner() {
    return inner;
  }

  @Override
  public String format() {
    return inner.format();
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    inner.read(in, path, new Layer(sink, MAX_DEPTH));
  }

  @Override
  public void read(InputStream in, String path, java.nio.file.Path file, SegmentSink sink) throws IOException {
    inner.read(in, path, file, new Layer(sink, MAX_DEPTH));
  }

  /** Reads a part of a plain-text leaf through the layers ({@link TextReader#readPart}). */
  TextReader.PartLines readPart(InputStream in, String path, SegmentSink sink, long base, int context, long ownLimit)
      throws IOException {
    return ((TextReader) inner).readPart(in, path, new Layer(sink, MAX_DEPTH), base, context, ownLimit);
  }

  /** Passes segments on, then scans their encoded runs, decoded, through the next layer. */
  private static final class Layer implements SegmentSink {
    private final SegmentSink out;
    private final int depthLeft;

    Layer(SegmentSink out, int depthLeft) {
      this.out = out;
      this.depthLeft = depthLeft;
    }

    @Override
    public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
      if (depthLeft == 0) {
        out.segment(buf, from, to, ownFrom, ownTo, locator);
        return;
      }
      // the pass over every byte goes first: it tells a line-counting locator where the
      // newlines are, so the plain segment's findings are located without counting of their own
      base64Runs(buf, from, to, ownFrom, ownTo, locator);
      out.segment(buf, from, to, ownFrom, ownTo, locator);
      for (int k = 0; k < nRuns; k += 2) {
        decodeBase64(buf, runs[k], runs[k + 1], locator);
      }
      urlRuns(buf, from, to, ownFrom, ownTo, locator);
      rsyslogLines(buf, from, to, ownFrom, ownTo, locator);
    }

    // the base64 runs this call decodes, as start and end pairs, noted by base64Runs
    private int[] runs = new int[16];
    private int nRuns;

    // positions of '%' and '#' in the segment, noted by base64Runs for urlRuns and rsyslogLines
    private int[] percents = new int[16];
    private int nPercents;
    private int[] hashes = new int[16];
    private int nHashes;

    @Override
    public int overlap() {
      return out.overlap();
    }

    @Override
    public void problem(Problem problem) {
      out.problem(problem);
    }

    /**
     * Notes every maximal run of at least MIN_RUN base64 bytes, and where '%' and '#' are, in one
     * pass over the segment: a block at a time, the bytes are classified into flags
     * ({@link ByteScan#classify}, vectorized by the JIT), then the flags are read eight at a time.
     * A run ends at a word's first non-base64 byte and the next one starts after its last, so
     * the run-length test is needed only after a whole base64 word: log text breaks runs every
     * few bytes, and a byte-at-a-time walk paid a mispredicted branch at each break.
     *
     * <p>The newlines are counted on the way, and at the end of each block (every
     * {@value #CHECKPOINT} bytes) the count so far is told to a line-counting locator, so that a
     * finding is located by counting from near it, not from the chunk's start.
     */
    private void base64Runs(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
      nPercents = 0;
      nHashes = 0;
      nRuns = 0;
      LineCounting counting = locator instanceof LineCounting lc ? lc : null;
      // newlines in [from, i); those before ownFrom are not the owned range's
      int lines = counting == null ? 0 : -ByteScan.count(buf, from, Math.min(ownFrom, to), (byte) '\n');
      // flags at the bytes' own indexes (which keeps the classifying loop vectorized), or, for a
      // buffer larger than a text chunk (a long JSON string), a block at a time copied to index 0
      boolean atIndex = to <= Flags.MAX_AT_INDEX;
      byte[] flags = atIndex ? Flags.atLeast(to) : Flags.atLeast(CHECKPOINT);
      byte[] copy = atIndex ? null : Flags.block();
      // The current run starts after the last non-base64 byte of the last word that held one:
      // that word (lastNon, at lastNonAt; a virtual one ending at from - 1 to begin with). A run
      // can reach MIN_RUN (16) at a word only if a whole base64 word lies between: with the word
      // before holding a break, at most 7 + 7 bytes do. So most words skip the run arithmetic.
      scanLines = lines;
      lastNonAt = from - 8;
      lastNon = Long.MIN_VALUE;
      int i = from;
      while (i + 8 <= to) {
        int end = i + (Math.min(CHECKPOINT, to - i) & ~7);
        int base = 0; // flags[k - base] is the flag of buf[k]
        if (atIndex) {
          ByteScan.classify(buf, i, end, flags);
        } else {
          System.arraycopy(buf, i, copy, 0, end - i);
          ByteScan.classify(copy, 0, end - i, flags);
          base = i;
        }
        scanFlags(buf, flags, base, i, end, from, ownFrom, ownTo);
        i = end;
        if (counting != null && i > ownFrom && i <= ownTo) {
          counting.newlinesBefore(i, scanLines);
        }
      }
      lines = scanLines;
      int runStart = lastNonAt + ((63 - Long.numberOfLeadingZeros(lastNon)) >>> 3) + 1;
      for (; i < to; i++) {
        if (B64[buf[i] & 0xFF] < 0) {
          lines += buf[i] == '\n' ? 1 : 0;
          special(buf, i);
          if (i - runStart >= MIN_RUN) {
            run(runStart, i, from, ownFrom, ownTo);
          }
          runStart = i + 1;
        }
      }
      if (to - runStart >= MIN_RUN) {
        run(runStart, to, from, ownFrom, ownTo);
      }
      if (counting != null) {
        // the owned range's newlines, from this pass over every byte: the reader needs no pass of its own
        counting.ownedNewlines(lines - ByteScan.count(buf, Math.max(ownTo, from), to, (byte) '\n'));
      }
    }

    // the pass's state between blocks (scanFlags)
    private int scanLines;
    private int lastNonAt;
    private long lastNon;

    /**
     * The flags of {@code [i, end)} eight at a time: newlines counted, '%' and '#' noted, runs
     * ended. A method of its own, apart from the vectorized loop that fills the flags, so that
     * each is compiled on its own.
     */
    private void scanFlags(byte[] buf, byte[] flags, int base, int i, int end, int from, int ownFrom, int ownTo) {
      int lines = scanLines;
      int lastAt = lastNonAt;
      long last = lastNon;
      for (; i < end; i += 8) {
        long w = ByteScan.word(flags, i - base);
        long nonb = ByteScan.nonBase64(w);
        if (nonb == 0) {
          continue;
        }
        lines += Long.bitCount(ByteScan.newlines(w)); // a newline is no base64 byte
        long special = ByteScan.specials(w); // specials() looks at the bytes themselves
        if (special != 0) {
          specials(buf, i, special);
        }
        if (i - lastAt > 8) {
          int runStart = lastAt + ((63 - Long.numberOfLeadingZeros(last)) >>> 3) + 1;
          int first = i + (Long.numberOfTrailingZeros(nonb) >>> 3);
          if (first - runStart >= MIN_RUN) {
            run(runStart, first, from, ownFrom, ownTo);
          }
        }
        lastAt = i;
        last = nonb;
      }
      scanLines = lines;
      lastNonAt = lastAt;
      lastNon = last;
    }

    /** Notes the '%' and '#' among the bytes at {@code i} that {@code special} marks (high bit a byte). */
    private void specials(byte[] buf, int i, long special) {
      while (special != 0) {
        special(buf, i + (Long.numberOfTrailingZeros(special) >>> 3));
        special &= special - 1;
      }
    }

    private void special(byte[] buf, int p) {
      if (buf[p] == '%') {
        if (nPercents == percents.length) {
          percents = java.util.Arrays.copyOf(percents, nPercents * 2);
        }
        percents[nPercents++] = p;
      } else if (buf[p] == '#') {
        if (nHashes == hashes.length) {
          hashes = java.util.Arrays.copyOf(hashes, nHashes * 2);
        }
        hashes[nHashes++] = p;
      }
    }

    /** The maximal base64 run {@code [s, e)}, to decode when this call owns its first byte. */
    private void run(int s, int e, int from, int ownFrom, int ownTo) {
      if (s >= ownFrom && s < ownTo && (s > from || from == ownFrom)) {
        if (nRuns == runs.length) {
          runs = java.util.Arrays.copyOf(runs, nRuns * 2);
        }
        runs[nRuns++] = s;
        runs[nRuns++] = Math.min(e, s + MAX_RUN);
      }
    }

    private void decodeBase64(byte[] buf, int s, int e, Locator locator) {
      int n = e - s;
      if (n % 4 == 1) {
        n--;
      }
      // Most runs are identifiers, UUIDs and hex ids that decode to binary: decide without
      // allocating first, by the same rules as below, and stop as soon as the final 90% rule
      // can no longer hold (the decoded length is known in advance).
      if (!mostlyText(buf, s, n)) {
        return;
      }
      byte[] out = new byte[n * 3 / 4];
      int o = 0;
      int acc = 0;
      int bits = 0;
      int printable = 0;
      for (int i = s; i < s + n; i++) {
        acc = (acc << 6) | B64[buf[i] & 0xFF];
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          byte b = (byte) (acc >> bits);
          out[o++] = b;
          if (isText(b)) {
            printable++;
          } else if (o - printable > o / 10 + 1 && o >= 32) {
            return; // not text: give up early on binary blobs
          }
        }
      }
      if (o < 8 || printable * 10 < o * 9) {
        return;
      }
      final int fs = s;
      pass(out, o, "base64", p -> locator.locate(fs + (int) ((long) p * 4 / 3)));
    }

    private void urlRuns(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
      int i = from;
      int k = 0; // the next '%' base64Runs noted
      while (i + 2 < to) {
        if (buf[i] != '%') {
          while (k < nPercents && percents[k] < i) {
            k++;
          }
          if (k == nPercents || percents[k] >= to - 2) {
            break;
          }
          i = percents[k];
        }
        if (hex(buf[i + 1]) < 0 || hex(buf[i + 2]) < 0) {
          i++;
          continue;
        }
        int s = i;
        while (s > from && URLISH[buf[s - 1] & 0xFF]) {
          s--;
        }
        int e = i;
        while (e < to && URLISH[buf[e] & 0xFF] && e - s < MAX_RUN) {
          e++;
        }
        i = e;
        if (e - s >= MIN_RUN && s >= ownFrom && s < ownTo && (s > from || from == ownFrom)) {
          decodeUrl(buf, s, e, locator);
        }
      }
    }

    private void decodeUrl(byte[] buf, int s, int e, Locator locator) {
      byte[] out = new byte[e - s];
      int[] map = new int[e - s];
      int o = 0;
      int printable = 0;
      for (int i = s; i < e; ) {
        int h1;
        int h2;
        if (buf[i] == '%' && i + 2 < e && (h1 = hex(buf[i + 1])) >= 0 && (h2 = hex(buf[i + 2])) >= 0) {
          out[o] = (byte) (h1 << 4 | h2);
          map[o] = i;
          i += 3;
        } else {
          out[o] = buf[i];
          map[o] = i;
          i++;
        }
        if (isText(out[o])) {
          printable++;
        }
        o++;
      }
      if (printable * 10 < o * 9) {
        return;
      }
      pass(out, o, "url", p -> locator.locate(map[Math.min(p, map.length - 1)]));
    }

    /**
     * rsyslog writes control characters as {@code #} and three octal digits ({@code #012} for a
     * newline, {@code #011} for a tab), which glues a multi-line message into one line: a token
     * right after {@code #012} has no word boundary before it, and a logged JSON body loses its
     * layout. Each line piece in the buffer that holds such an escape is decoded and scanned; a
     * piece that reaches into the range this call owns is decoded here (neighbouring chunks may
     * decode the same bytes: the scanner reports a decoded finding at the same offset once).
     */
    private void rsyslogLines(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
      // lines split at '\n' from `from`; a line with an escape is decoded once. Most lines hold no
      // '#': base64Runs noted those, and a line's bounds are looked for only around an escape
      int i = from;
      int k = 0; // the next '#' base64Runs noted
      while (i < to) {
        while (k < nHashes && hashes[k] < i) {
          k++;
        }
        if (k == nHashes) {
          return;
        }
        int h = hashes[k];
        if (rsyslogEscape(buf, h, to) < 0) {
          i = h + 1;
          continue;
        }
        int nl = ByteScan.lastIndexOf(buf, from, h, (byte) '\n');
        int s = nl < 0 ? from : nl + 1;
        int e = ByteScan.indexOf(buf, h, to, (byte) '\n');
        if (e < 0) {
          e = to;
        }
        if (s < ownTo && e > ownFrom) {
          decodeRsyslog(buf, s, e, locator);
        }
        i = e + 1;
      }
    }

    private void decodeRsyslog(byte[] buf, int s, int e, Locator locator) {
      int n = Math.min(e - s, MAX_RUN);
      byte[] out = new byte[n];
      int[] map = new int[n];
      int o = 0;
      for (int i = s; i < s + n; ) {
        int c = rsyslogEscape(buf, i, e);
        map[o] = i;
        if (c >= 0) {
          out[o++] = (byte) c;
          i += 4;
        } else {
          out[o++] = buf[i++];
        }
      }
      final int len = o;
      pass(out, len, "rsyslog", p -> locator.locate(map[Math.min(p, len - 1)]));
    }

    /** Scans decoded bytes through the next layer, with locations that name this decoding. */
    private void pass(byte[] decoded, int n, String layer, Locator toEncoded) {
      Layer next = new Layer(out, depthLeft - 1);
      next.segment(decoded, 0, n, 0, n, p -> {
        Location l = toEncoded.locate(p);
        if (l == null) {
          return null;
        }
        List<String> ds = new ArrayList<>();
        if (l.decodings() != null) {
          ds.addAll(l.decodings());
        }
        ds.add(layer);
        return l.withDecodings(ds);
      });
    }
  }

  /**
   * The flag array {@link ByteScan#classify} fills, one per thread, as long as the largest buffer
   * seen up to {@link #MAX_AT_INDEX} (a flag sits at its byte's own index, which keeps the loop
   * vectorized), and a block-sized copy buffer for larger ones. A layer is done with them before
   * it decodes anything, so the nested layers share them.
   */
  private static final class Flags {
    /** Buffers up to this size get flags at their own indexes: text chunks, decoded runs. */
    static final int MAX_AT_INDEX = 4 << 20;
    private static final ThreadLocal<byte[]> PER_THREAD = new ThreadLocal<>();
    private static final ThreadLocal<byte[]> BLOCK = ThreadLocal.withInitial(() -> new byte[CHECKPOINT]);

    static byte[] atLeast(int n) {
      byte[] f = PER_THREAD.get();
      if (f == null || f.length < n) {
        f = new byte[n];
        PER_THREAD.set(f);
      }
      return f;
    }

    static byte[] block() {
      return BLOCK.get();
    }
  }

  /** The control character that {@code #ooo} at {@code i} stands for, or -1 when it is no rsyslog escape. */
  static int rsyslogEscape(byte[] b, int i, int end) {
    if (i + 3 >= end || b[i] != '#') {
      return -1;
    }
    int d0 = b[i + 1] - '0';
    int d1 = b[i + 2] - '0';
    int d2 = b[i + 3] - '0';
    if (d0 < 0 || d0 > 1 || d1 < 0 || d1 > 7 || d2 < 0 || d2 > 7) {
      return -1;
    }
    int c = d0 * 64 + d1 * 8 + d2;
    return c < 0x20 || c == 0x7F ? c : -1; // rsyslog escapes control characters only
  }

  /**
   * Whether the {@code n} base64 characters at {@code s} pass decodeBase64's text rules; no
   * allocation. Four characters at a time (three bytes, one table test each), with the rules
   * checked at each non-text byte as the byte-at-a-time loop did; the 1-3 characters after the
   * last whole quantum go through that loop.
   */
  static boolean mostlyText(byte[] buf, int s, int n) {
    int total = n * 6 / 8; // bytes the run decodes to
    if (total < 8) {
      return false;
    }
    int maxBad = total / 10; // printable * 10 >= total * 9 holds while bad <= total / 10
    int o = 0;
    int bad = 0;
    int i = s;
    int end = s + n;
    for (; i + 4 <= end; i += 4) {
      int x = B64[buf[i] & 0xFF] << 18 | B64[buf[i + 1] & 0xFF] << 12 | B64[buf[i + 2] & 0xFF] << 6 | B64[buf[i + 3] & 0xFF];
      int not = NOT_TEXT[x >>> 16 & 0xFF] | NOT_TEXT[x >>> 8 & 0xFF] << 1 | NOT_TEXT[x & 0xFF] << 2;
      while (not != 0) {
        int at = o + Integer.numberOfTrailingZeros(not) + 1; // bytes decoded up to this one
        bad++;
        if (bad > maxBad || (bad > at / 10 + 1 && at >= 32)) {
          return false;
        }
        not &= not - 1;
      }
      o += 3;
    }
    int acc = 0;
    int bits = 0;
    for (; i < end; i++) {
      acc = (acc << 6) | B64[buf[i] & 0xFF];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        o++;
        if (!isText((byte) (acc >> bits))) {
          bad++;
          if (bad > maxBad || (bad > o / 10 + 1 && o >= 32)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static final int[] NOT_TEXT = new int[256];

  static {
    for (int c = 0; c < 256; c++) {
      NOT_TEXT[c] = isText((byte) c) ? 0 : 1;
    }
  }

  private static boolean isText(byte b) {
    int c = b & 0xFF;
    return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t';
  }

  private static int hex(byte b) {
    int c = b & 0xFF;
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}

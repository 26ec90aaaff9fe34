package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.MimeWalker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The first stage of a mail leaf's copy (a message or mbox the scan reads as {@code mail}): the
 * bodies of quoted-printable and base64 parts are decoded, their secrets masked, and encoded again.
 * The scan decodes such parts ({@code read/QuotedPrintableText}), so it finds a token that a soft
 * line break or a base64 line end cut, or whose {@code =} QP wrote {@code =3D}; no form of that
 * token appears whole in the raw bytes, so the copy kept it and its verification failed.
 *
 * <p>The parts are those of the scan: both follow the message with a {@link MimeWalker}, line by
 * line, with the same line limit. A part's body is held (at most {@link #MAX_PART} bytes) up to the
 * delimiter or the end that closes it, then decoded as the scan decodes it and put through the
 * leaf's forms. When nothing was replaced, the body passes on as it came. Otherwise a
 * quoted-printable body is encoded again (RFC 2045 section 6.7: lines of at most 76 characters,
 * soft line breaks, {@code =}, controls, non-ASCII and whitespace before a line's end encoded, its
 * hard line ends kept, soft breaks in the part's line ending), and a base64 body whose decoded
 * bytes are text (no NUL) is encoded again with its first line's length and line ending. Binary
 * bodies (an image, a zip), bodies that are not clean base64, longer bodies and those with a line
 * longer than {@link MimeWalker#MAX_LINE} pass on as they came: the leaf's forms still apply to
 * them afterwards, and the verification scan names whatever secret stays. Headers, delimiters,
 * preambles and every byte outside a changed body are passed on unchanged. Not thread-safe.
 */
final class MailParts extends InputStream {

  /** The longest part body held to be decoded; a longer one passes on as it came. */
  static final int MAX_PART = 16 << 20;

  /** Characters of a quoted-printable line at most (RFC 2045 section 6.7, rule 5), its soft break's {@code =} included. */
  static final int QP_LINE = 76;

  private static final int FIRST_BUFFER = 8 << 10;
  private static final int LINE_LIMIT = MimeWalker.MAX_LINE;
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Bytes a part's decoded text is replaced in at a time. The leaf's replacer takes the leaf's
   * chunk (a MiB), allocated at each copy: for each of ten thousand small parts that cost more than
   * the rest of the copy.
   */
  static final int PART_CHUNK = 16 << 10;

  private final InputStream in;
  private final Replacer replacer;
  private final MimeWalker walker = new MimeWalker();

  // the input: buf[start, end) read and not yet taken; grown to LINE_LIMIT at most, as the scan's
  private byte[] buf = new byte[FIRST_BUFFER];
  private int start;
  private int end;
  private long base; // the input offset of buf[0]
  private boolean eof;
  private boolean overlong; // inside a line longer than LINE_LIMIT

  // the output: whole pieces queued, then the bytes being gathered
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private byte[] head; // the piece being read out
  private int headPos;
  private Bytes tail = new Bytes(FIRST_BUFFER);

  // the encoded body held, and how it passes
  private Bytes body;
  private long bodyAt; // its input offset
  private boolean bodyQp;
  private boolean passing; // the rest of this body passes on as it is (too long, or a long line)
  private boolean crlf; // the last line end seen was CR LF

  private long replaced;
  private int longParts;
  private long firstLongPart = -1;

  /**
   * The copy of the mail {@code in} with the forms of the leaf's {@code replacer} masked in its
   * decoded parts: its table, not one more of the same forms (a mail with many secrets held two).
   */
  MailParts(InputStream in, Replacer replacer) {
    this.in = in;
    this.replacer = replacer.withChunk(PART_CHUNK);
  }

  /** As above, the forms given one by one. */
  MailParts(InputStream in, List<Replacer.Form> forms) {
    this(in, new Replacer(forms, PART_CHUNK));
  }

  /** {@code text[0, n)} through the forms into {@code out}; the occurrences replaced. */
  private long replace(byte[] text, int n, OutputStream out) throws IOException {
    return replacer.copy(new ByteArrayInputStream(text, 0, n), out);
  }

  /** Occurrences replaced inside decoded parts so far. */
  long replaced() {
    return replaced;
  }

  /** Encoded part bodies longer than {@link #MAX_PART} (or with an overlong line) passed on without being decoded. */
  int longParts() {
    return longParts;
  }

  /** The input offset of the first of {@link #longParts()}, or -1. */
  long firstLongPart() {
    return firstLongPart;
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
    while (head == null || headPos == head.length) {
      head = queue.poll();
      headPos = 0;
      if (head == null && !fill()) {
        return -1;
      }
    }
    int n = Math.min(len, head.length - headPos);
    System.arraycopy(head, headPos, b, off, n);
    headPos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Reads lines until some output is queued; false at the end of the input with nothing queued. */
  private boolean fill() throws IOException {
    while (queue.isEmpty() && tail.len < FIRST_BUFFER) {
      int nl = ByteScan.indexOf(buf, start, end, (byte) '\n');
      if (nl < 0 && !eof) {
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          base += start;
          end -= start;
          start = 0;
        }
        if (end < buf.length) {
          int n = in.readNBytes(buf, end, buf.length - end);
          end += n;
          eof = end < buf.length;
          continue;
        }
        if (buf.length < LINE_LIMIT) {
          buf = Arrays.copyOf(buf, buf.length * 2);
          continue;
        }
        // a line that fills the scan's longest buffer: passed on as it is, to its end
        if (!overlong) {
          walker.longLine();
          pass(base + start);
        }
        overlong = true;
        tail.add(buf, start, end - start);
        start = end;
        continue;
      }
      if (overlong) {
        int to = nl < 0 ? end : nl + 1;
        tail.add(buf, start, to - start);
        start = to;
        overlong = nl < 0 && !eof; // a long line that the input's end ends is over too
        continue;
      }
      if (nl < 0) { // the end of the input
        if (start < end) {
          line(start, end, end);
          start = end;
          continue;
        }
        endBody();
        flushTail();
        return !queue.isEmpty();
      }
      int ce = nl;
      if (ce > start && buf[ce - 1] == '\r') {
        ce--;
      }
      crlf = ce < nl;
      line(start, nl + 1, ce);
      start = nl + 1;
    }
    flushTail();
    return true;
  }

  private void flushTail() {
    if (tail.len > 0) {
      queue.add(tail.toArray());
      tail.len = 0;
    }
  }

  /** One line {@code buf[s, e)}, its content ending at {@code ce}. */
  private void line(int s, int e, int ce) throws IOException {
    int kind = walker.line(buf, s, ce);
    if (kind != MimeWalker.BODY) {
      endBody();
      tail.add(buf, s, e - s);
      return;
    }
    if (passing || !walker.quotedPrintable() && !walker.base64()) {
      tail.add(buf, s, e - s);
      return;
    }
    if (body == null) {
      body = new Bytes(256);
      bodyAt = base + s;
      bodyQp = walker.quotedPrintable();
    }
    if (body.len + (e - s) > MAX_PART) {
      pass(bodyAt);
      tail.add(buf, s, e - s);
      return;
    }
    body.add(buf, s, e - s);
  }

  /** The body held so far (or starting at {@code at}) passes on as it came, and so does the rest of it. */
  private void pass(long at) {
    if (body != null) {
      tail.add(body.b, 0, body.len);
      at = bodyAt;
      body = null;
    } else if (!walker.quotedPrintable() && !walker.base64() || passing) {
      return; // not in an encoded body, or in one passing already
    }
    passing = true;
    longParts++;
    if (firstLongPart < 0) {
      firstLongPart = at;
    }
  }

  /** A body ends (a delimiter, the end of the input): it passes on, rewritten when a secret was in it. */
  private void endBody() throws IOException {
    passing = false;
    if (body == null) {
      return;
    }
    Bytes raw = body;
    body = null;
    byte[] again = bodyQp ? quotedPrintable(raw) : base64(raw);
    flushTail();
    if (again == null) {
      queue.add(raw.toArray());
    } else {
      queue.add(again);
    }
  }

  /** The quoted-printable body {@code raw} with its secrets masked, or null when it holds none. */
  private byte[] quotedPrintable(Bytes raw) throws IOException {
    if (ByteScan.indexOf(raw.b, 0, raw.len, (byte) '=') < 0) {
      return null; // its text is its bytes: the leaf's forms mask them where they are, and nothing else changes
    }
    Bytes decoded = decodeQuotedPrintable(raw.b, 0, raw.len);
    Bytes masked = new Bytes(decoded.len + 64);
    long k = replace(decoded.b, decoded.len, masked);
    if (k == 0) {
      return null;
    }
    replaced += k;
    boolean partCrlf = crlf;
    int nl = ByteScan.indexOf(raw.b, 0, raw.len, (byte) '\n');
    if (nl >= 0) {
      partCrlf = nl > 0 && raw.b[nl - 1] == '\r';
    }
    boolean endsInLineEnd = raw.len > 0 && raw.b[raw.len - 1] == '\n';
    return encodeQuotedPrintable(masked.b, 0, masked.len, partCrlf, endsInLineEnd);
  }

  /**
   * {@code b[from, to)} decoded as the scan decodes a quoted-printable body line by line: a soft
   * line break ({@code =}, then spaces or tabs, then the line end) is removed, {@code =XX} (two hex
   * digits of either case) becomes its byte, any other byte stays, hard line ends stay as they are.
   */
  static Bytes decodeQuotedPrintable(byte[] b, int from, int to) {
    Bytes out = new Bytes(Math.max(16, to - from));
    int s = from;
    while (s < to) {
      int nl = ByteScan.indexOf(b, s, to, (byte) '\n');
      int e = nl < 0 ? to : nl + 1;
      int ce = nl < 0 ? to : nl > s && b[nl - 1] == '\r' ? nl - 1 : nl;
      out.len = MimeWalker.decodeQuotedPrintableLine(b, s, ce, e, out.b, out.len);
      s = e;
    }
    return out;
  }

  /**
   * {@code b[from, to)} encoded as quoted-printable: hard line ends ({@code CR LF} in a part whose
   * line ending is that, else {@code LF}) kept, every other line end byte encoded; lines of at most
   * {@value #QP_LINE} characters with soft breaks in the part's line ending; {@code =}, controls
   * other than tab, bytes from {@code 0x7F}, whitespace before a line's end, a {@code -} starting a
   * line (it must never look like a boundary) and the {@code F} of {@code From } starting one (an
   * mbox would start a message there) encoded. {@code softEnd}: the body ended in a soft line
   * break, and so must the copy when the text does not end in a hard one.
   */
  static byte[] encodeQuotedPrintable(byte[] b, int from, int to, boolean crlf, boolean softEnd) {
    Bytes out = new Bytes((to - from) + (to - from) / 8 + 16);
    int col = 0;
    int i = from;
    boolean endsHard = false;
    while (i < to) {
      int hard = hardBreak(b, i, to, crlf);
      if (hard > 0) {
        out.add(b, i, hard);
        i += hard;
        col = 0;
        endsHard = true;
        continue;
      }
      endsHard = false;
      int c = b[i] & 0xFF;
      // the hard line's last byte (at the text's end only when no soft break follows it)
      boolean last = i + 1 == to ? !softEnd : hardBreak(b, i + 1, to, crlf) > 0;
      boolean literal = c >= 33 && c <= 126 && c != '=' || (c == ' ' || c == '\t') && !last;
      if (literal && col == 0 && (c == '-' || c == 'F' && startsWithFrom(b, i, to))) {
        literal = false;
      }
      int unit = literal ? 1 : 3;
      // a line that goes on keeps room for its soft break's '='; the hard line's last may take the 76th
      if (col + unit > QP_LINE - 1 && !(last && col + unit <= QP_LINE)) {
        out.add((byte) '=');
        addLineEnd(out, crlf);
        col = 0;
        continue; // the byte again, at a line's start
      }
      if (literal) {
        out.add((byte) c);
      } else {
        out.add((byte) '=');
        out.add(HEX[c >>> 4]);
        out.add(HEX[c & 0x0F]);
      }
      col += unit;
      i++;
    }
    if (softEnd && !endsHard) {
      out.add((byte) '=');
      addLineEnd(out, crlf);
    }
    return out.toArray();
  }

  /** The length of the hard line end at {@code b[i]} (2 for CR LF, 1 for LF), or 0. */
  private static int hardBreak(byte[] b, int i, int to, boolean crlf) {
    if (crlf) {
      return b[i] == '\r' && i + 1 < to && b[i + 1] == '\n' ? 2 : 0;
    }
    return b[i] == '\n' ? 1 : 0;
  }

  private static boolean startsWithFrom(byte[] b, int i, int to) {
    return to - i >= 5 && b[i + 1] == 'r' && b[i + 2] == 'o' && b[i + 3] == 'm' && b[i + 4] == ' ';
  }

  private static void addLineEnd(Bytes out, boolean crlf) {
    if (crlf) {
      out.add((byte) '\r');
    }
    out.add((byte) '\n');
  }

  /**
   * The base64 body {@code raw} with the secrets in its decoded text masked, encoded again with its
   * first line's length and line ending; null when it holds none, is not clean base64 (blank lines
   * around it aside) or decodes to bytes that are not text.
   */
  private byte[] base64(Bytes raw) throws IOException {
    byte[] b = raw.b;
    int n = raw.len;
    // the base64 lines: from the first line that is not blank to the last one
    int first = -1; // where the first base64 line starts
    int firstLen = 0; // its characters
    byte[] eol = null; // its line end
    int lastCe = -1; // where the last base64 line's content ends
    int lines = 0;
    Bytes chars = new Bytes(n);
    boolean padded = false;
    boolean gap = false; // a blank line came after a base64 line
    for (int s = 0; s < n; ) {
      int nl = ByteScan.indexOf(b, s, n, (byte) '\n');
      int e = nl < 0 ? n : nl + 1;
      int ce = nl < 0 ? n : nl > s && b[nl - 1] == '\r' ? nl - 1 : nl;
      if (blank(b, s, ce)) {
        gap = first >= 0;
        s = e;
        continue;
      }
      if (padded || gap) {
        return null; // base64 after the padding or after a blank line: not one run
      }
      for (int i = s; i < ce; i++) {
        byte c = b[i];
        if (c == '=') {
          padded = true;
        } else if (padded || ByteScan.base64Value(c) < 0 || c == '-' || c == '_') {
          return null;
        }
      }
      if (first < 0) {
        first = s;
        firstLen = ce - s;
        eol = Arrays.copyOfRange(b, ce, e);
      }
      chars.add(b, s, ce - s);
      lastCe = ce;
      lines++;
      s = e;
    }
    if (first < 0) {
      return null;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(chars.toArray());
    } catch (IllegalArgumentException ex) {
      return null;
    }
    for (byte x : decoded) {
      if (x == 0) {
        return null; // not text: a mask of another length would break its structure
      }
    }
    Bytes masked = new Bytes(decoded.length + 64);
    long k = replace(decoded, decoded.length, masked);
    if (k == 0) {
      return null;
    }
    replaced += k;
    boolean pad = padded || chars.len % 4 == 0;
    byte[] enc = (pad ? Base64.getEncoder() : Base64.getEncoder().withoutPadding())
        .encode(Arrays.copyOf(masked.b, masked.len));
    int width = lines > 1 ? Math.max(4, firstLen) : Math.max(enc.length, 1);
    Bytes out = new Bytes(first + enc.length + enc.length / width * 2 + (n - lastCe) + 8);
    out.add(b, 0, first);
    for (int p = 0; p < enc.length; p += width) {
      int q = Math.min(enc.length, p + width);
      out.add(enc, p, q - p);
      if (q < enc.length) {
        out.add(eol, 0, eol.length);
      }
    }
    out.add(b, lastCe, n - lastCe); // the last line's end and the blank lines after it
    return out.toArray();
  }

  private static boolean blank(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
        return false;
      }
    }
    return true;
  }


  /** A growable byte array that a {@link Replacer} can write into. */
  static final class Bytes extends OutputStream {
    byte[] b;
    int len;

    Bytes(int capacity) {
      b = new byte[Math.max(16, capacity)];
    }

    private void room(int n) {
      if (b.length - len < n) {
        long want = Math.max((long) len + n, (long) b.length * 2);
        b = Arrays.copyOf(b, (int) Math.min(Integer.MAX_VALUE - 16, want));
      }
    }

    void add(byte x) {
      room(1);
      b[len++] = x;
    }

    void add(byte[] src, int off, int n) {
      room(n);
      System.arraycopy(src, off, b, len, n);
      len += n;
    }

    byte[] toArray() {
      return Arrays.copyOf(b, len);
    }

    @Override
    public void write(int x) {
      add((byte) x);
    }

    @Override
    public void write(byte[] src, int off, int n) {
      add(src, off, n);
    }
  }
}

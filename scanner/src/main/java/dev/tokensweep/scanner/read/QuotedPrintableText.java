package dev.tokensweep.scanner.read;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The text of an e-mail message or mbox with the bodies of its quoted-printable MIME parts decoded
 * and every other byte passed on as it is: a token cut by QP's soft line breaks ({@code =} at a
 * line's end) or written with {@code =3D} for its {@code =} is then whole again for the
 * detectors. The lines of a base64 part are joined (a full line's end dropped, up to the line
 * that ends in padding or is shorter), so that the decoding layers see the part as one run and a
 * token that a line break cut decodes whole.
 *
 * <p>The message's structure is followed a line at a time by a {@link MimeWalker} (the same walk
 * as sanitize's copy of a mail). Decoding removes soft line
 * breaks ({@code =} and the line's end, with spaces or tabs between them) and turns {@code =XX}
 * (two hex digits) into its byte; any other {@code =} stays.
 *
 * <p>Memory is two buffers of at most {@value #MAX_LINE} bytes: a longer line is passed on undecoded, and
 * a header field longer than that is ignored. The output is never longer than the input, so
 * locations (offsets of this text, as for UTF-16 in {@link TextReader}) stay within it; line
 * numbers inside a quoted-printable part count decoded lines, fewer by the soft breaks joined
 * before them.
 */
final class QuotedPrintableText extends InputStream {
  /** The longest line or unfolded header field held and understood (a power of two times {@link #FIRST_BUFFER}). */
  static final int MAX_LINE = MimeWalker.MAX_LINE;

  /** The deepest nesting of multiparts whose boundaries are followed. */
  static final int MAX_DEPTH = MimeWalker.MAX_DEPTH;

  /** The buffer a message is read with first: most lines are short, most messages small. */
  private static final int FIRST_BUFFER = 8 << 10;

  private final InputStream in;
  // grown (to MAX_LINE at most) only for a line that does not fit: zeroing 128 KiB for each small
  // message of a maildir would cost more than reading it
  private byte[] buf = new byte[FIRST_BUFFER];
  private int start; // buf[start, end): bytes read and not yet passed on
  private int end;
  private boolean eof;
  private byte[] out = new byte[FIRST_BUFFER]; // as long as buf: one fill's output is at most its input
  private int outPos;
  private int outLen;

  private boolean overlong; // inside a line longer than the buffer, passed on as it is
  private final MimeWalker walker = new MimeWalker();
  private boolean joined; // a base64 line was passed on without its line end

  QuotedPrintableText(InputStream in) {
    this.in = in;
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
    while (outPos >= outLen) {
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, outLen - outPos);
    System.arraycopy(out, outPos, b, off, n);
    outPos += n;
    return n;
  }

  /**
   * Reads more input and turns what lines it completes into output; false at the end. Output may
   * be empty when the buffer grew for a long line: the next call reads on.
   */
  private boolean fill() throws IOException {
    outPos = 0;
    outLen = 0;
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (!eof && end < buf.length) {
      int n = in.readNBytes(buf, end, buf.length - end);
      end += n;
      eof = end < buf.length;
    }
    if (start == end) {
      return false;
    }
    // every pass below moves start on, or passes the whole full buffer on: no pass is empty
    while (start < end) {
      int nl = ByteScan.indexOf(buf, start, end, (byte) '\n');
      if (overlong) {
        int to = nl < 0 ? end : nl + 1;
        emit(start, to);
        start = to;
        if (nl >= 0) {
          overlong = false;
        }
        continue;
      }
      if (nl < 0) {
        if (eof) {
          line(start, end, end);
          start = end;
        } else if (start == 0 && end == buf.length) {
          if (buf.length < MAX_LINE) {
            buf = Arrays.copyOf(buf, buf.length * 2);
            out = Arrays.copyOf(out, buf.length);
          } else {
            longLine();
          }
        }
        break;
      }
      line(start, nl + 1, contentEnd(start, nl + 1));
      start = nl + 1;
    }
    return true;
  }

  /** A line that fills the buffer without ending: passed on as it is, to its end. */
  private void longLine() {
    walker.longLine();
    emit(start, end);
    start = end;
    overlong = true;
  }

  /** Where the line {@code buf[s, e)} ends without its CR LF or LF. */
  private int contentEnd(int s, int e) {
    int c = e;
    if (c > s && buf[c - 1] == '\n') {
      c--;
      if (c > s && buf[c - 1] == '\r') {
        c--;
      }
    }
    return c;
  }

  /** One line {@code buf[s, e)}, its content ending at {@code ce}. */
  private void line(int s, int e, int ce) {
    int kind = walker.line(buf, s, ce);
    if (kind == MimeWalker.BODY && walker.quotedPrintable()) {
      decode(s, e, ce);
    } else if (kind == MimeWalker.BODY && walker.base64() && e > ce && fullBase64Line(s, ce)) {
      emit(s, ce); // its line end dropped: the next line goes on the same run
      joined = true;
    } else if (kind == MimeWalker.BODY && walker.base64() && joined && lastBase64Line(s, ce)) {
      emit(s, e); // the run's last line (padded, or shorter): it keeps its line end
      joined = false;
    } else {
      if (joined) {
        newline(); // a delimiter, or a line that is not base64, ends the run
      }
      emit(s, e);
    }
  }

  /** Header fields a message's first line may be (besides {@code X-...:}), lower case. */
  private static final String[] FIRST_FIELDS = {"return-path:", "received:", "delivered-to:", "from:", "date:",
      "message-id:", "mime-version:", "subject:", "to:"};

  /**
   * Whether a text's first bytes {@code h[0, n)} look like a message or an mbox whose parts may be
   * quoted-printable: its first line is an mbox {@code From } line or a header field a message
   * starts with, and a {@code MIME-Version:} or {@code Content-Type:} field comes in the head.
   */
  static boolean looksLikeMail(byte[] h, int n) {
    int s = n >= 3 && (h[0] & 0xFF) == 0xEF && (h[1] & 0xFF) == 0xBB && (h[2] & 0xFF) == 0xBF ? 3 : 0;
    boolean fromLine = n - s > 5 && h[s] == 'F' && startsWithIgnoreCase(h, s, n, "from ");
    if (!fromLine) {
      boolean field = false;
      for (String f : FIRST_FIELDS) {
        if (startsWithIgnoreCase(h, s, n, f)) {
          field = true;
          break;
        }
      }
      if (!field && !xField(h, s, n)) {
        return false;
      }
    }
    for (int i = s; i < n; i++) {
      if ((i == s || h[i - 1] == '\n')
          && (startsWithIgnoreCase(h, i, n, "mime-version:") || startsWithIgnoreCase(h, i, n, "content-type:"))) {
        return true;
      }
    }
    return false;
  }

  /** An {@code X-Name:} field at {@code h[s]}. */
  private static boolean xField(byte[] h, int s, int n) {
    if (n - s < 4 || (h[s] != 'X' && h[s] != 'x') || h[s + 1] != '-') {
      return false;
    }
    for (int i = s + 2; i < n && i < s + 80; i++) {
      byte c = h[i];
      if (c == ':') {
        return i > s + 2;
      }
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return false;
  }

  private static boolean startsWithIgnoreCase(byte[] h, int at, int n, String lower) {
    if (n - at < lower.length()) {
      return false;
    }
    for (int k = 0; k < lower.length(); k++) {
      int c = h[at + k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Decodes the quoted-printable line {@code buf[s, e)}, its content ending at {@code ce}, into the output. */
  private void decode(int s, int e, int ce) {
    outLen = MimeWalker.decodeQuotedPrintableLine(buf, s, ce, e, out, outLen);
  }

  /**
   * Whether {@code buf[s, ce)} is a base64 line that another follows: base64 characters only, a
   * whole number of quanta, no padding (the part's last line ends in it or is shorter).
   */
  private boolean fullBase64Line(int s, int ce) {
    return ce - s >= 4 && (ce - s) % 4 == 0 && base64Chars(s, ce);
  }

  /** Whether {@code buf[s, e)} holds only characters of MIME's base64 alphabet (no padding). */
  private boolean base64Chars(int s, int e) {
    for (int i = s; i < e; i++) {
      byte c = buf[i];
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code buf[s, ce)} can end a base64 run: base64 characters, then at most two {@code =}. */
  private boolean lastBase64Line(int s, int ce) {
    int t = ce;
    while (t > s && ce - t < 2 && buf[t - 1] == '=') {
      t--;
    }
    return t > s && base64Chars(s, t);
  }

  /** One line end after a joined base64 run (the bytes of the line ends dropped before it make room). */
  private void newline() {
    joined = false;
    if (outLen == out.length) {
      out = Arrays.copyOf(out, out.length + 1);
    }
    out[outLen++] = '\n';
  }


  private void emit(int from, int to) {
    System.arraycopy(buf, from, out, outLen, to - from);
    outLen += to - from;
  }
}

package dev.tokensweep.scanner.read;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The MIME structure of an e-mail message or mbox, followed a line at a time (RFC 5322, RFC
 * 2045/2046): a header block (continuation lines unfolded) up to the first empty line, the part's
 * {@code Content-Transfer-Encoding}, a {@code multipart/*} type's boundary (pushed on a stack of
 * at most {@value #MAX_DEPTH}), {@code --boundary} opening the next part and {@code --boundary--}
 * closing its level, {@code message/rfc822} bodies read as messages, and in an mbox a line
 * starting {@code From } after an empty line starting the next message.
 *
 * <p>The scan ({@link QuotedPrintableText}) and sanitize (its mail stage) both walk a message
 * with it, so the copy's parts are the parts the scan decoded. Memory: one header field of at most
 * {@value #MAX_LINE} bytes (a longer one is ignored) and the boundaries. Not thread-safe.
 */
public final class MimeWalker {
  /** The longest line or unfolded header field held and understood. */
  public static final int MAX_LINE = 64 << 10;

  /** The deepest nesting of multiparts whose boundaries are followed. */
  public static final int MAX_DEPTH = 32;

  /** A header line, or the empty line that ends a header. */
  public static final int HEADER = 0;
  /** A delimiter (a boundary of an open multipart, or an mbox {@code From } line): the body before it ended. */
  public static final int DELIMITER = 1;
  /** A line of a body (a part's, a preamble or an epilogue): {@link #quotedPrintable()} and {@link #base64()} say its encoding. */
  public static final int BODY = 2;

  /** The longest boundary kept (RFC 2046 allows 70 characters). */
  private static final int MAX_BOUNDARY = 256;

  private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

  private boolean mbox; // the first line starts with From: an mbox
  private boolean afterEmpty = true; // the last line was empty (or nothing came yet)
  private boolean firstLine = true;

  private final byte[][] boundaries = new byte[MAX_DEPTH][];
  private int depth;
  private boolean inHeader = true;
  private boolean qp; // inside a quoted-printable body
  private boolean b64; // inside a base64 body

  // the header field being unfolded, and what the part's fields said so far
  private byte[] field = new byte[256];
  private int fieldLen = -1; // -1: none; a field too long is dropped (fieldLen -1, fieldIgnored)
  private boolean fieldIgnored;
  private boolean partQp;
  private boolean partB64;
  private byte[] partBoundary;
  private boolean partMessage;

  /** Whether the body lines now are quoted-printable. */
  public boolean quotedPrintable() {
    return qp;
  }

  /** Whether the body lines now are base64. */
  public boolean base64() {
    return b64;
  }

  /**
   * Takes the line {@code b[s, ce)} (without its line end) and says what it is: {@link #HEADER},
   * {@link #DELIMITER} or {@link #BODY}.
   */
  public int line(byte[] b, int s, int ce) {
    boolean empty = ce == s;
    if (firstLine) {
      firstLine = false;
      mbox = startsWith(b, s, ce, FROM);
    }
    if (mbox && afterEmpty && startsWith(b, s, ce, FROM)) {
      depth = 0;
      inHeader = true;
      leaveBody();
      resetPart();
      afterEmpty = false;
      return DELIMITER;
    }
    if (depth > 0 && ce - s >= 2 && b[s] == '-' && b[s + 1] == '-' && boundary(b, s, ce)) {
      afterEmpty = false;
      return DELIMITER;
    }
    afterEmpty = empty;
    if (inHeader) {
      if (empty) {
        field();
        headerEnd();
      } else if (b[s] == ' ' || b[s] == '\t') {
        unfold(b, s, ce);
      } else {
        field();
        fieldIgnored = false;
        fieldLen = 0;
        unfold(b, s, ce);
      }
      return HEADER;
    }
    return BODY;
  }

  /**
   * A line longer than {@link #MAX_LINE} starts: it is passed on as it is, a header field it
   * belongs to is dropped, and it is not empty.
   */
  public void longLine() {
    firstLine = false;
    if (inHeader) {
      field(); // and the long field itself, with its continuation lines, is not one
    }
    afterEmpty = false;
  }

  private static boolean startsWith(byte[] b, int s, int ce, byte[] prefix) {
    return ce - s >= prefix.length && Arrays.equals(b, s, s + prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Whether {@code b[s, ce)} (starting {@code --}) is the delimiter of an open multipart: the
   * levels inside it are closed, and a part's header follows, or the level closes.
   */
  private boolean boundary(byte[] buf, int s, int ce) {
    for (int k = depth - 1; k >= 0; k--) {
      byte[] b = boundaries[k];
      int p = s + 2;
      if (ce - p < b.length || !Arrays.equals(buf, p, p + b.length, b, 0, b.length)) {
        continue;
      }
      p += b.length;
      boolean close = ce - p >= 2 && buf[p] == '-' && buf[p + 1] == '-';
      int q = close ? p + 2 : p;
      while (q < ce && (buf[q] == ' ' || buf[q] == '\t')) {
        q++;
      }
      if (q < ce) {
        continue; // a longer boundary that starts with this one
      }
      leaveBody();
      resetPart();
      if (close) {
        depth = k; // the epilogue: neither a header nor a part's body
        inHeader = false;
      } else {
        depth = k + 1;
        inHeader = true;
      }
      return true;
    }
    return false;
  }

  /** Adds {@code b[s, ce)} to the header field being unfolded. */
  private void unfold(byte[] b, int s, int ce) {
    if (fieldLen < 0 || fieldIgnored) {
      return;
    }
    int n = ce - s;
    if (n > MAX_LINE - fieldLen) {
      fieldIgnored = true;
      return;
    }
    if (fieldLen + n > field.length) {
      field = Arrays.copyOf(field, Math.min(MAX_LINE, Math.max(fieldLen + n, field.length * 2)));
    }
    System.arraycopy(b, s, field, fieldLen, n);
    fieldLen += n;
  }

  /** The header's end: the body that follows is a multipart's, a message, or the part's own. */
  private void headerEnd() {
    if (partBoundary != null) {
      if (depth < MAX_DEPTH) {
        boundaries[depth++] = partBoundary;
      }
      inHeader = false;
      leaveBody();
    } else if (partMessage) {
      inHeader = true; // the enclosed message's header
    } else {
      inHeader = false;
      qp = partQp;
      b64 = partB64;
    }
    resetPart();
  }

  private void leaveBody() {
    qp = false;
    b64 = false;
  }

  private void resetPart() {
    partQp = false;
    partB64 = false;
    partBoundary = null;
    partMessage = false;
    fieldLen = -1;
    fieldIgnored = false;
  }

  /** Takes in the field unfolded so far, if any. */
  private void field() {
    if (fieldLen < 0 || fieldIgnored) {
      fieldLen = -1;
      return;
    }
    int colon = -1;
    for (int i = 0; i < fieldLen; i++) {
      if (field[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon > 0) {
      String name = new String(field, 0, colon, StandardCharsets.ISO_8859_1).strip().toLowerCase(Locale.ROOT);
      if (name.equals("content-transfer-encoding")) {
        String v = new String(field, colon + 1, fieldLen - colon - 1, StandardCharsets.ISO_8859_1).strip();
        partQp = v.regionMatches(true, 0, "quoted-printable", 0, 16)
            && (v.length() == 16 || !isTokenChar(v.charAt(16)));
        partB64 = v.regionMatches(true, 0, "base64", 0, 6) && (v.length() == 6 || !isTokenChar(v.charAt(6)));
      } else if (name.equals("content-type")) {
        contentType(new String(field, colon + 1, fieldLen - colon - 1, StandardCharsets.ISO_8859_1));
      }
    }
    fieldLen = -1;
  }

  private void contentType(String v) {
    int semi = v.indexOf(';');
    String type = (semi < 0 ? v : v.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    partBoundary = null;
    partMessage = type.equals("message/rfc822") || type.equals("message/global");
    if (!type.startsWith("multipart/") || semi < 0) {
      return;
    }
    // parameters: name=token or name="quoted\"string", separated by ';'
    int i = semi;
    int n = v.length();
    while (i < n) {
      i++; // past ';'
      while (i < n && isSpace(v.charAt(i))) {
        i++;
      }
      int nameStart = i;
      while (i < n && v.charAt(i) != '=' && v.charAt(i) != ';') {
        i++;
      }
      String param = v.substring(nameStart, i).strip();
      if (i >= n || v.charAt(i) == ';') {
        continue;
      }
      i++; // past '='
      while (i < n && isSpace(v.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < n && v.charAt(i) == '"') {
        i++;
        while (i < n && v.charAt(i) != '"') {
          if (v.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          value.append(v.charAt(i++));
        }
        while (i < n && v.charAt(i) != ';') {
          i++;
        }
      } else {
        while (i < n && v.charAt(i) != ';' && !isSpace(v.charAt(i))) {
          value.append(v.charAt(i++));
        }
        while (i < n && v.charAt(i) != ';') {
          i++;
        }
      }
      if (param.equalsIgnoreCase("boundary") && value.length() > 0 && value.length() <= MAX_BOUNDARY) {
        partBoundary = value.toString().getBytes(StandardCharsets.ISO_8859_1);
        return;
      }
    }
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isTokenChar(char c) {
    return c > ' ' && c < 0x7F && c != ';' && c != '(';
  }

  /**
   * Decodes the quoted-printable line {@code in[s, e)}, its content ending at {@code ce} (before its
   * line end), into {@code out} from {@code n}, as the scan and sanitize both read a body: a soft
   * line break ({@code =}, then spaces or tabs, then the line end) is removed with its line end,
   * {@code =XX} (two hex digits of either case) becomes its byte, any other byte stays, a hard
   * line end is copied. Returns the end of what was written; {@code out} needs {@code e - s} bytes
   * of room (the output is never longer than the line).
   */
  public static int decodeQuotedPrintableLine(byte[] in, int s, int ce, int e, byte[] out, int n) {
    int t = ce;
    while (t > s && (in[t - 1] == ' ' || in[t - 1] == '\t')) {
      t--;
    }
    boolean soft = e > ce && t > s && in[t - 1] == '=';
    int limit = soft ? t - 1 : ce;
    for (int i = s; i < limit; i++) {
      byte c = in[i];
      if (c == '=' && i + 2 < limit) {
        int hi = hex(in[i + 1]);
        int lo = hex(in[i + 2]);
        if (hi >= 0 && lo >= 0) {
          out[n++] = (byte) (hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      out[n++] = c;
    }
    if (!soft) {
      System.arraycopy(in, ce, out, n, e - ce);
      n += e - ce;
    }
    return n;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    return -1;
  }
}

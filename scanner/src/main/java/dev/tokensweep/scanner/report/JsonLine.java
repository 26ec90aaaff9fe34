package dev.tokensweep.scanner.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * JSON written straight into a byte buffer, for the lines of the streamed reports (JSON lines,
 * ECS): a report with a million findings otherwise builds a map per finding and walks it through
 * Jackson's databind. The bytes are those Jackson's {@code ObjectMapper} writes for the same
 * values with its defaults (the earlier reports' output, which {@code LineJsonTest} compares
 * against): UTF-8, quote and backslash escaped, control characters by their short escape
 * (backslash and {@code b t n f r}) or backslash-{@code u00XX} (upper-case hex), each surrogate
 * {@code char} as an escape of its own (backslash-{@code uXXXX}, even the two halves of a pair),
 * doubles as {@link Double#toString}, non-finite doubles as strings, null as {@code null}.
 *
 * <p>Commas are put in by the writer: a member or element after the first in its object or array
 * gets one. Not thread-safe.
 */
final class JsonLine {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  // for each ASCII char: 0 written as is, else the letter after the backslash ('u' for backslash-u00XX)
  private static final byte[] ESCAPE = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 'u';
    }
    ESCAPE['\b'] = 'b';
    ESCAPE['\t'] = 't';
    ESCAPE['\n'] = 'n';
    ESCAPE['\f'] = 'f';
    ESCAPE['\r'] = 'r';
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
  }

  private byte[] buf;
  private int len;

  JsonLine(int capacity) {
    buf = new byte[Math.max(64, capacity)];
  }

  /** Bytes written since the last {@link #clear}. */
  int size() {
    return len;
  }

  JsonLine clear() {
    len = 0;
    return this;
  }

  /** A copy of the bytes held from {@code from} on. */
  byte[] copy(int from) {
    return java.util.Arrays.copyOfRange(buf, from, len);
  }

  /**
   * Members written earlier ({@link #copy} of an object's members, without its braces), after a
   * comma unless they are the object's first.
   */
  JsonLine members(byte[] members) {
    int n = members.length;
    if (n == 0) {
      return this;
    }
    ensure(n + 1);
    if (buf[len - 1] != '{') {
      buf[len++] = ',';
    }
    System.arraycopy(members, 0, buf, len, n);
    len += n;
    return this;
  }

  /** Writes the bytes held to {@code out} and clears. */
  void writeTo(OutputStream out) throws IOException {
    if (len > 0) {
      out.write(buf, 0, len);
      len = 0;
    }
  }

  JsonLine open() {
    comma();
    ensure(1);
    buf[len++] = '{';
    return this;
  }

  JsonLine close() {
    ensure(1);
    buf[len++] = '}';
    return this;
  }

  JsonLine closeArray() {
    ensure(1);
    buf[len++] = ']';
    return this;
  }

  /** Ends a line. */
  void newline() {
    ensure(1);
    buf[len++] = '\n';
  }

  /**
   * A member's name: {@code "name":}, after a comma unless it is the object's first. Names here
   * are the report schema's, plain ASCII with nothing to escape.
   */
  JsonLine name(String name) {
    int n = name.length();
    ensure(n + 4);
    byte[] b = buf;
    int p = len;
    if (b[p - 1] != '{') {
      b[p++] = ',';
    }
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      b[p++] = (byte) name.charAt(i);
    }
    b[p++] = '"';
    b[p++] = ':';
    len = p;
    return this;
  }

  /** A member's name that may need escaping (a map's key): {@code "name":}. */
  JsonLine key(String name) {
    ensure(1);
    if (buf[len - 1] != '{') {
      buf[len++] = ',';
    }
    stringValue(name);
    ensure(1);
    buf[len++] = ':';
    return this;
  }

  /** A comma unless this value is the first in its array (or the line's first object). */
  private void comma() {
    if (len > 0) {
      byte last = buf[len - 1];
      if (last != '[' && last != ':' && last != '{' && last != '\n') {
        ensure(1);
        buf[len++] = ',';
      }
    }
  }

  JsonLine string(String name, String value) {
    return name(name).stringValue(value);
  }

  /** The member only when {@code value} is not null. */
  JsonLine stringIf(String name, String value) {
    return value == null ? this : name(name).stringValue(value);
  }

  JsonLine number(String name, long value) {
    return name(name).longValue(value);
  }

  /** The member only when {@code value} is not null. */
  JsonLine numberIf(String name, Long value) {
    return value == null ? this : name(name).longValue(value);
  }

  JsonLine number(String name, double value) {
    return name(name).doubleValue(value);
  }

  JsonLine bool(String name, boolean value) {
    return name(name).raw(value ? "true" : "false");
  }

  /** A list of strings (null elements as {@code null}). */
  JsonLine strings(String name, List<String> values) {
    name(name);
    ensure(1);
    buf[len++] = '[';
    for (int i = 0, n = values.size(); i < n; i++) {
      if (i > 0) {
        ensure(1);
        buf[len++] = ',';
      }
      stringValue(values.get(i));
    }
    return closeArray();
  }

  /** A string value (or {@code null}) where a value is due: after a name, or in an array. */
  JsonLine stringValue(String s) {
    if (s == null) {
      return raw("null");
    }
    int n = s.length();
    // at most 6 bytes a char (backslash-u00XX, or backslash-uXXXX for a surrogate), and the two quotes
    ensure(6 * n + 2);
    byte[] b = buf;
    int p = len;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        byte e = ESCAPE[c];
        if (e == 0) {
          b[p++] = (byte) c;
        } else {
          b[p++] = '\\';
          b[p++] = e;
          if (e == 'u') {
            b[p++] = '0';
            b[p++] = '0';
            b[p++] = HEX[c >> 4];
            b[p++] = HEX[c & 0xF];
          }
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // Jackson 2.17 writes each half of a pair (and a lone half) as an escape of its own
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[c >> 12];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[p++] = '"';
    len = p;
    return this;
  }

  JsonLine longValue(long v) {
    ensure(20);
    if (v >= 0 && v < 10) {
      buf[len++] = (byte) ('0' + v);
      return this;
    }
    if (v == Long.MIN_VALUE) {
      return raw("-9223372036854775808");
    }
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int p = len + digits;
    len = p;
    do {
      buf[--p] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v != 0);
    return this;
  }

  /** As Jackson writes a double: {@link Double#toString}, and a non-finite one as a string. */
  JsonLine doubleValue(double v) {
    String s = Double.toString(v);
    return Double.isFinite(v) ? raw(s) : stringValue(s);
  }

  /** ASCII written as it is. */
  JsonLine raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}

package dev.tokensweep.scanner.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Redaction of names that hold a secret encoded: a JSON key that is a token in base64 or URL
 * encoding is found by the decoding layers (a finding with part {@code key}), and its name must be
 * shown as redacted as a key that held the token plainly. Only where names are made printable
 * (once per finding's names, for messages and progress), never per byte of the scan.
 */
final class EncodedNames {
  private EncodedNames() {}

  /** Base64 runs shorter than this decode to less than any secret worth a rule (18 bytes). */
  static final int MIN_RUN = 24;

  /**
   * {@code text} through {@code scrub}, and then each base64 run in it (of {@link #MIN_RUN} or
   * more characters) and its URL encoding decoded: where {@code scrub} finds a secret in the
   * decoded text, the encoded text is replaced by the decoded one, scrubbed.
   */
  static String scrub(String text, UnaryOperator<String> scrub) {
    String s = scrub.apply(text);
    if (s == null || s.length() < MIN_RUN / 2) {
      return s;
    }
    if (s.indexOf('%') >= 0) {
      String decoded = urlDecoded(s);
      if (decoded != null) {
        String r = scrub.apply(decoded);
        if (!r.equals(decoded)) {
          s = r;
        }
      }
    }
    StringBuilder b = null;
    int copied = 0;
    for (Decoded d : base64Runs(s)) {
      String r = scrub.apply(d.text());
      if (!r.equals(d.text())) {
        b = b == null ? new StringBuilder(s.length()) : b;
        b.append(s, copied, d.start()).append(r);
        copied = d.end();
      }
    }
    return b == null ? s : b.append(s, copied, s.length()).toString();
  }

  /** A part {@code [start, end)} of a name that decodes to printable text, what it says, and the layer ({@code base64}, {@code url}). */
  record Decoded(int start, int end, String text, String layer) {}

  /**
   * The parts of {@code name} that decode to printable text: the whole name with its {@code %XX}
   * escapes decoded, and each base64 run of {@link #MIN_RUN} or more characters. For the name scan,
   * which finds a secret written into a name encoded as it finds one written plainly.
   */
  static java.util.List<Decoded> decoded(String name) {
    java.util.List<Decoded> out = new java.util.ArrayList<>(1);
    if (name.indexOf('%') >= 0) {
      String d = urlDecoded(name);
      if (d != null) {
        out.add(new Decoded(0, name.length(), d, "url"));
      }
    }
    out.addAll(base64Runs(name));
    return out;
  }

  /** The base64 runs of {@code s} of {@link #MIN_RUN} or more characters (from where text can start) that decode to printable text. */
  private static java.util.List<Decoded> base64Runs(String s) {
    java.util.List<Decoded> out = new java.util.ArrayList<>(1);
    for (int i = 0; i + MIN_RUN <= s.length(); ) {
      if (!base64(s.charAt(i))) {
        i++;
        continue;
      }
      int j = i;
      while (j < s.length() && base64(s.charAt(j))) {
        j++;
      }
      int from = textStart(s, i, j);
      String d = j - from >= MIN_RUN ? base64Decoded(s, from, j) : null;
      if (d != null) {
        out.add(new Decoded(from, j, d, "base64"));
      }
      i = j;
    }
    return out;
  }

  /**
   * Where base64 of text can start in the run {@code s[i, j)}: past any {@code -}, {@code _},
   * {@code +} or {@code /}, which encode 62 and 63 and so begin only bytes of 0xF8 and above, never
   * text, and which in a name are mostly separators ({@code cache-<base64>}).
   */
  private static int textStart(String s, int i, int j) {
    while (i < j && "-_+/".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static boolean base64(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-'
        || c == '_' || c == '=';
  }

  /** The text {@code s[from, to)} encodes in base64 or base64url, when it is printable text; else null. */
  private static String base64Decoded(String s, int from, int to) {
    int end = to;
    while (end > from && s.charAt(end - 1) == '=') {
      end--;
    }
    String run = s.substring(from, end);
    if (run.indexOf('=') >= 0 || run.length() % 4 == 1) {
      return null;
    }
    boolean url = run.indexOf('-') >= 0 || run.indexOf('_') >= 0;
    if (url && (run.indexOf('+') >= 0 || run.indexOf('/') >= 0)) {
      return null;
    }
    byte[] raw;
    try {
      raw = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(run);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return printable(raw) ? new String(raw, StandardCharsets.US_ASCII) : null;
  }

  /** {@code s} with its {@code %XX} escapes decoded, when what they decode to is printable text; else null. */
  private static String urlDecoded(String s) {
    byte[] out = new byte[s.length()];
    int n = 0;
    boolean any = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int hi;
      int lo;
      if (c == '%' && i + 2 < s.length() && (hi = Character.digit(s.charAt(i + 1), 16)) >= 0
          && (lo = Character.digit(s.charAt(i + 2), 16)) >= 0) {
        out[n++] = (byte) (hi << 4 | lo);
        i += 2;
        any = true;
      } else if (c < 0x80) {
        out[n++] = (byte) c;
      } else {
        return null;
      }
    }
    byte[] raw = java.util.Arrays.copyOf(out, n);
    return any && printable(raw) ? new String(raw, StandardCharsets.US_ASCII) : null;
  }

  private static boolean printable(byte[] raw) {
    for (byte x : raw) {
      if (x < 0x20 || x == 0x7F) {
        return false;
      }
    }
    return raw.length > 0;
  }
}

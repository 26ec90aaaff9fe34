package dev.tokensweep.scanner.model;

/**
 * The one place that makes input-derived strings (paths, member names, JSON paths, rule names
 * from custom files, previews, problem messages) safe to print. A file named
 * {@code a\e]0;title\a\e[2Jb.txt} must not retitle or clear the terminal of whoever reads the
 * report, and a CSV cell must not run as a formula when the report is opened in a spreadsheet.
 *
 * <p>Escapes are {@code \xNN} below U+0100 and a backslash, {@code u} and four hex digits above, so an escaped string is plain
 * ASCII wherever it was unsafe and unchanged wherever it was not. Backslashes themselves are kept
 * as they are, so Windows paths read as usual.
 */
public final class SafeText {
  private SafeText() {}

  /**
   * For a terminal: C0 controls (ESC, BEL, CR, LF, TAB, backspace ...), DEL, the C1 controls
   * (U+0080-U+009F; U+009B is a one-byte CSI on some terminals), Unicode format characters (bidi
   * overrides and isolates, zero-width characters) that reorder or hide text, line and paragraph
   * separators, and unpaired surrogates are escaped.
   */
  public static String terminal(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean escape;
      if (c < 0x20 || c == 0x7F) {
        escape = true;
      } else if (c < 0x80) {
        escape = false;
      } else if (c <= 0x9F) {
        escape = true;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = s.codePointAt(i);
        if (unsafe(Character.getType(cp))) {
          b = start(b, s, i);
          escapeChar(b, c);
          escapeChar(b, s.charAt(i + 1));
        } else if (b != null) {
          b.append(c).append(s.charAt(i + 1));
        }
        i++;
        continue;
      } else {
        escape = Character.isSurrogate(c) || unsafe(Character.getType(c));
      }
      if (escape) {
        b = start(b, s, i);
        escapeChar(b, c);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * For a CSV cell that holds input: escaped as for a terminal, and with a {@code '} in front when
   * it starts with {@code = + - @} (OWASP's CSV injection advice), so a spreadsheet shows the text
   * instead of evaluating it. Tab and CR, the other two starters OWASP names, are already escaped.
   */
  public static String csv(String s) {
    if (s == null) {
      return null;
    }
    String t = terminal(s);
    if (!t.isEmpty()) {
      char c = t.charAt(0);
      if (c == '=' || c == '+' || c == '-' || c == '@') {
        return "'" + t;
      }
    }
    return t;
  }

  /** Only C0 controls and DEL, as {@code \xNN}: what archive member names get inside location chains. */
  public static String controls(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        b = start(b, s, i);
        escapeChar(b, c);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  private static boolean unsafe(int type) {
    return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.CONTROL || type == Character.SURROGATE;
  }

  private static StringBuilder start(StringBuilder b, String s, int i) {
    return b != null ? b : new StringBuilder(s.length() + 16).append(s, 0, i);
  }

  /**
   * {@code scrub} of {@code text} that sees a secret right after one of the escapes written here:
   * a control character shown as one ("\x01") leaves word characters ("01") before what follows,
   * and a rule that needs a boundary there would no longer see the secret. The text between
   * escapes is scrubbed on its own first (as it read before it was escaped), then the whole.
   */
  public static String scrubAroundEscapes(String text, java.util.function.UnaryOperator<String> scrub) {
    if (text == null || text.indexOf('\\') < 0) {
      return scrub.apply(text);
    }
    StringBuilder b = new StringBuilder(text.length());
    int from = 0;
    for (int i = 0; i < text.length(); i++) {
      int n = escapeLength(text, i);
      if (n > 0) {
        b.append(scrub.apply(text.substring(from, i))).append(text, i, i + n);
        from = i + n;
        i += n - 1;
      }
    }
    return scrub.apply(b.append(scrub.apply(text.substring(from))).toString());
  }

  /**
   * {@code path} with every secret in its names replaced by {@code scrub}: each name (between
   * {@code /}, {@code \\} and the {@code !} of chains) on its own first, as it was scanned, so a
   * directory's or member's name reads the same in every path under it and a generic rule's match
   * ends where the name does; then the whole, for a secret that spans names (a JSON key holding
   * {@code /}, a secret whose base64 holds one written into a path).
   */
  public static String scrubNames(String path, java.util.function.UnaryOperator<String> scrub) {
    if (path == null || path.isEmpty()) {
      return path;
    }
    StringBuilder b = null;
    int from = 0;
    for (int i = 0; i <= path.length(); i++) {
      char c = i < path.length() ? path.charAt(i) : '/';
      if (c == '/' || c == '\\' || c == '!') {
        if (i > from) {
          String name = path.substring(from, i);
          String r = scrub.apply(name);
          if (b == null && !r.equals(name)) {
            b = new StringBuilder(path.length()).append(path, 0, from);
          }
          if (b != null) {
            b.append(r);
          }
        }
        // an escape ("\x01") is a separator whole: the name after it starts after its digits
        int sep = c == '\\' && i < path.length() ? Math.max(1, escapeLength(path, i)) : 1;
        if (b != null && i < path.length()) {
          b.append(path, i, i + sep);
        }
        from = i + sep;
        i += sep - 1;
      }
    }
    return scrub.apply(b == null ? path : b.toString());
  }

  /** The length of the escape at {@code i} as written here (a backslash, then x and two hex digits or u and four), else 0. */
  public static int escapeLength(String s, int i) {
    if (s.charAt(i) != '\\' || i + 1 >= s.length()) {
      return 0;
    }
    int digits = s.charAt(i + 1) == 'x' ? 2 : s.charAt(i + 1) == 'u' ? 4 : 0;
    if (digits == 0 || i + 2 + digits > s.length()) {
      return 0;
    }
    for (int k = i + 2; k < i + 2 + digits; k++) {
      if (Character.digit(s.charAt(k), 16) < 0) {
        return 0;
      }
    }
    return 2 + digits;
  }

  private static void escapeChar(StringBuilder b, char c) {
    String hex = Integer.toHexString(c);
    if (c < 0x100) {
      b.append("\\x").append(hex.length() < 2 ? "0" : "").append(hex);
    } else {
      b.append("\\u").append("0000", 0, 4 - hex.length()).append(hex);
    }
  }
}

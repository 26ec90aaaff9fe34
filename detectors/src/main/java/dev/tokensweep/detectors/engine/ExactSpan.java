package dev.tokensweep.detectors.engine;

import java.util.Arrays;

/**
 * Hand-written matchers for patterns whose leftmost-first match at a start is made of maximal
 * runs, so that it is decided byte by byte without re2j. The JWT and {@code Bearer} rules confirm
 * ~0.9 KB tokens that re2j's NFA walks at 100-250 ns a byte (the largest re2j cost on dense
 * gateway logs whose tokens do not repeat); here a match is one pass over its bytes.
 *
 * <p>Each matcher is chosen by the rule's exact pattern text, so an edited pattern falls back to
 * re2j. Why the maximal runs are re2j's match: every run's class excludes the byte that must
 * follow it ({@code .} after a JWT part, a token byte after {@code [ \t]+}), so a shorter run can
 * never be followed by what comes next; and the last run is followed by nothing but another
 * optional run, which greedy matching takes whole. {@code \b} is ASCII, as in re2j. The window's
 * edges are the text's edges, as for re2j. {@code ExactSpanTest} compares every matcher with re2j.
 */
abstract class ExactSpan {

  /** The built-in JSON Web Token rule's pattern ({@code ts.oauth.6}). */
  static final String JWT = "\\b(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*)";
  /** The built-in bearer-header rule's pattern ({@code ts.oauth.1}). */
  static final String BEARER = "(?i:\\bbearer)[ \\t]+([A-Za-z0-9._~+/-]{20,}=*)";

  /** The matcher for {@code pattern}, or null when it has none. */
  static ExactSpan of(String pattern) {
    if (JWT.equals(pattern)) {
      return new Jwt();
    }
    if (BEARER.equals(pattern)) {
      return new Bearer();
    }
    return null;
  }

  /**
   * What {@code KeywordDetector.run} gets from re2j over {@code buf[ws, we)} searching from
   * {@code from} (re2j's {@code find(from - ws)}, the bytes before it context): every match, left
   * to right, as start, end, secret start, secret end, -1, -1, relative to ws; {@code none} when
   * there is none.
   */
  final int[] find(byte[] buf, int ws, int we, int from, int[] none) {
    int[] out = null;
    int k = 0;
    int i = from;
    while (i < we) {
      long m = matchAt(buf, ws, i, we);
      if (m < 0) {
        i++;
        continue;
      }
      int end = (int) (m >>> 32);
      int secretStart = (int) m;
      if (out == null) {
        out = new int[6];
      } else if (k + 6 > out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      out[k++] = i - ws;
      out[k++] = end - ws;
      out[k++] = secretStart - ws;
      out[k++] = end - ws;
      out[k++] = -1;
      out[k++] = -1;
      i = end; // every match is non-empty: the next search starts where it ended
    }
    return out == null ? none : k == out.length ? out : Arrays.copyOf(out, k);
  }

  /** The match starting at {@code i} in the text {@code buf[ws, we)}: end << 32 | secret start, or -1. */
  abstract long matchAt(byte[] buf, int ws, int i, int we);

  static boolean word(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
  }

  /** {@code \b} before {@code buf[i]}, a word byte, in the text that starts at ws. */
  static boolean boundaryBefore(byte[] buf, int ws, int i) {
    return i == ws || !word(buf[i - 1]);
  }

  /** {@code [A-Za-z0-9_-]}: base64url. */
  static boolean b64url(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-';
  }

  /** {@code \b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)}. */
  static final class Jwt extends ExactSpan {
    @Override
    long matchAt(byte[] buf, int ws, int i, int we) {
      if (i + 3 > we || buf[i] != 'e' || buf[i + 1] != 'y' || buf[i + 2] != 'J' || !boundaryBefore(buf, ws, i)) {
        return -1;
      }
      int j = run(buf, i + 3, we);
      if (j - (i + 3) < 8 || j >= we || buf[j] != '.') {
        return -1;
      }
      int p = j + 1;
      if (p + 3 > we || buf[p] != 'e' || buf[p + 1] != 'y' || buf[p + 2] != 'J') {
        return -1;
      }
      j = run(buf, p + 3, we);
      if (j - (p + 3) < 8 || j >= we || buf[j] != '.') {
        return -1;
      }
      int end = run(buf, j + 1, we);
      return ((long) end << 32) | i;
    }

    private static int run(byte[] buf, int from, int to) {
      int j = from;
      while (j < to && b64url(buf[j])) {
        j++;
      }
      return j;
    }
  }

  /** {@code (?i:\bbearer)[ \t]+([A-Za-z0-9._~+/-]{20,}=*)}. */
  static final class Bearer extends ExactSpan {
    private static final byte[] WORD = {'b', 'e', 'a', 'r', 'e', 'r'};

    @Override
    long matchAt(byte[] buf, int ws, int i, int we) {
      if (i + 6 > we || (buf[i] | 0x20) != 'b' || !boundaryBefore(buf, ws, i)) {
        return -1;
      }
      for (int k = 1; k < 6; k++) {
        if ((buf[i + k] | 0x20) != WORD[k]) {
          return -1;
        }
      }
      int j = i + 6;
      while (j < we && (buf[j] == ' ' || buf[j] == '\t')) {
        j++;
      }
      if (j == i + 6) {
        return -1;
      }
      int s = j;
      while (j < we && token(buf[j])) {
        j++;
      }
      if (j - s < 20) {
        return -1;
      }
      while (j < we && buf[j] == '=') {
        j++;
      }
      return ((long) j << 32) | s;
    }

    /** {@code [A-Za-z0-9._~+/-]}. */
    private static boolean token(byte b) {
      return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
          || b == '.' || b == '_' || b == '~' || b == '+' || b == '/' || b == '-';
    }
  }
}

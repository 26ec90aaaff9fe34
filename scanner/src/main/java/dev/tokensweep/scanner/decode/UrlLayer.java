package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.Locator;

/**
 * URL encoding ({@code %XX}): a run of URL characters around a valid escape, at least
 * {@link DecodingLayer#MIN_RUN} long, decoded when nine in ten of its decoded bytes are text (a
 * URL-encoded form inside a query string). Findings in it are located exactly, byte for byte.
 */
final class UrlLayer implements DecodingLayer {

  /** Bytes that may stand in a URL run: printable ASCII but quotes, brackets and the like that end one in logs. */
  private static final boolean[] URLISH = new boolean[256];

  static {
    for (int c = 0x21; c < 0x7F; c++) {
      URLISH[c] = true;
    }
    for (char c : "\"'<>`\\{}|^[]".toCharArray()) {
      URLISH[c] = false;
    }
  }

  /** Whether {@code b} may stand in a URL run (base64's alphabet is among these). */
  static boolean isUrlByte(byte b) {
    return URLISH[b & 0xFF];
  }

  @Override
  public String name() {
    return "url";
  }

  @Override
  public void decode(byte[] buf, int from, int to, int ownFrom, int ownTo, SegmentPass pass, Locator locator, Next next) {
    int i = from;
    int k = 0; // the next '%' the pass noted
    while (i + 2 < to) {
      if (buf[i] != '%') {
        while (k < pass.nPercents && pass.percents[k] < i) {
          k++;
        }
        if (k == pass.nPercents || pass.percents[k] >= to - 2) {
          break;
        }
        i = pass.percents[k];
      }
      if (hex(buf[i + 1]) < 0 || hex(buf[i + 2]) < 0) {
        i++;
        continue;
      }
      int s = i;
      while (s > from && URLISH[buf[s - 1] & 0xFF]) {
        s--;
      }
      // the run's end, and the walk goes on from there: a run longer than MAX_RUN is decoded up
      // to MAX_RUN, and its escapes after that start no run of their own (stopping the walk at
      // MAX_RUN went back to the same start at the next escape, for ever)
      int end = i;
      while (end < to && URLISH[buf[end] & 0xFF]) {
        end++;
      }
      int e = Math.min(end, s + MAX_RUN);
      i = end;
      if (e - s >= MIN_RUN && s >= ownFrom && s < ownTo && (s > from || from == ownFrom)) {
        decodeRun(buf, s, e, locator, next);
      }
    }
  }

  private void decodeRun(byte[] buf, int s, int e, Locator locator, Next next) {
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
      if (DecodingLayer.isText(out[o])) {
        printable++;
      }
      o++;
    }
    if (printable * 10 < o * 9) {
      return;
    }
    final int len = o;
    // a decoded end maps to where the next decoded byte's encoding starts; past the last, a %XX on
    next.pass(out, o, name(), Locator.decoded(locator, p -> map[Math.min(p, map.length - 1)],
        q -> q < len ? map[q] : map[len - 1] + 3));
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

package dev.tokensweep.detectors.check;

/**
 * Shannon entropy of a secret, and charset-aware thresholds for the generic rules: a random hex
 * string cannot reach the entropy of random base64 of the same length, so one threshold for all
 * would either miss hex secrets or flag English words in base64 alphabets.
 */
public final class Entropy {
  private Entropy() {}

  /** Bits per character, over the bytes of {@code s}. */
  public static double shannon(byte[] s) {
    if (s.length == 0) {
      return 0;
    }
    int[] counts = new int[256];
    for (byte b : s) {
      counts[b & 0xFF]++;
    }
    double h = 0;
    double n = s.length;
    for (int c : counts) {
      if (c != 0) {
        double p = c / n;
        h -= p * (Math.log(p) / Math.log(2));
      }
    }
    return h;
  }

  /** The alphabet a secret is drawn from, narrowest first. */
  public enum Charset { DIGITS, HEX, ALNUM, BASE64, ANY }

  public static Charset charset(byte[] s) {
    boolean digits = true;
    boolean hex = true;
    boolean alnum = true;
    boolean b64 = true;
    boolean lower = false;
    boolean upper = false;
    for (byte b : s) {
      int c = b & 0xFF;
      boolean isDigit = c >= '0' && c <= '9';
      boolean isLower = c >= 'a' && c <= 'z';
      boolean isUpper = c >= 'A' && c <= 'Z';
      lower |= isLower;
      upper |= isUpper;
      digits &= isDigit;
      hex &= isDigit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      alnum &= isDigit || isLower || isUpper;
      b64 &= isDigit || isLower || isUpper || c == '+' || c == '/' || c == '-' || c == '_' || c == '=' || c == '.';
    }
    if (digits) {
      return Charset.DIGITS;
    }
    if (hex && !(lower && upper)) {
      return Charset.HEX;
    }
    if (alnum) {
      return Charset.ALNUM;
    }
    return b64 ? Charset.BASE64 : Charset.ANY;
  }

  /**
   * The entropy a secret of this alphabet and length must reach to count as random. The per-charset
   * figure is about 85% of what a uniformly random string of 32 characters reaches; short strings
   * cannot exceed log2(length), so the floor scales down with it.
   */
  public static double threshold(Charset cs, int length) {
    double full = switch (cs) {
      case DIGITS -> 2.9;
      case HEX -> 3.3;
      case ALNUM -> 4.0;
      case BASE64, ANY -> 4.1;
    };
    double cap = Math.log(Math.max(length, 2)) / Math.log(2);
    return Math.min(full, cap * 0.82);
  }

  /** Whether {@code s} looks random for its alphabet and length. */
  public static boolean looksRandom(byte[] s) {
    return shannon(s) >= threshold(charset(s), s.length);
  }
}

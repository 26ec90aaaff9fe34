package dev.tokensweep.detectors;

import java.nio.charset.StandardCharsets;

/**
 * Values that are already masked or are documentation placeholders: never findings. Covers the
 * masks that CLIs and log pipelines print (kubectl {@code <masked>}, Azure CLI {@code *****}, git
 * {@code <redacted>}, {@code [REDACTED]}, Sentry {@code [Filtered]}, {@code ***HIDDEN***}) and the
 * placeholders of docs and templates ({@code ${GITHUB_TOKEN}}, {@code <token>}, {@code xxxx}).
 */
public final class Placeholders {
  private Placeholders() {}

  private static final String[] MARKERS = {
    "<masked>", "<redacted>", "[redacted]", "[filtered]", "***hidden***", "redacted", "masked",
    "example", "placeholder", "your_", "your-", "yourtoken", "changeme", "insert", "dummy", "sample",
    "${", "{{", "<", ">", "%s", "$(", "…", "...", "xxxx", "****", "████",
  };

  // the markers as UTF-8 bytes, lower case: matched on the secret's bytes with ASCII case folding,
  // so the non-ASCII ones ("…", "████") match a UTF-8 secret too (decoded as ISO-8859-1 they never did)
  private static final byte[][] MARKER_BYTES = new byte[MARKERS.length][];

  static {
    for (int i = 0; i < MARKERS.length; i++) {
      MARKER_BYTES[i] = MARKERS[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * Whether the secret (as extracted by a rule) is a mask or a placeholder rather than a value.
   * On bytes, with no allocation: fixed-shape rules call it for every shape match at a keyword,
   * decoys included (as a String with a stream it cost ~0.4 s of a one-thread scan of 1 GB).
   */
  public static boolean isPlaceholder(byte[] secret) {
    if (secret.length == 0) {
      return true;
    }
    for (byte[] m : MARKER_BYTES) {
      if (containsFolded(secret, m)) {
        return true;
      }
    }
    if (secret.length >= 6 && longestRun(secret) * 2 >= secret.length) {
      return true; // aaaaaaaa, 0000000000, ---- and the like
    }
    for (byte b : secret) {
      // mask characters only: * x # - _ and the bytes of a UTF-8 bullet (E2 80 A2)
      if (b != '*' && b != 'x' && b != 'X' && b != '#' && b != '-' && b != '_'
          && b != (byte) 0xE2 && b != (byte) 0x80 && b != (byte) 0xA2) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} holds {@code m} (lower case), ASCII letters of s compared in lower case. */
  private static boolean containsFolded(byte[] s, byte[] m) {
    byte first = m[0];
    outer:
    for (int i = 0; i + m.length <= s.length; i++) {
      if (lower(s[i]) != first) {
        continue;
      }
      for (int j = 1; j < m.length; j++) {
        if (lower(s[i + j]) != m[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  private static int longestRun(byte[] s) {
    int best = 1;
    int run = 1;
    for (int i = 1; i < s.length; i++) {
      run = s[i] == s[i - 1] ? run + 1 : 1;
      best = Math.max(best, run);
    }
    return best;
  }
}

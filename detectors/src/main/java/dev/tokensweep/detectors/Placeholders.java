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

  // the markers as one automaton over UTF-8 bytes, ASCII case-insensitive, so the non-ASCII ones
  // ("…", "████") match a UTF-8 secret too (decoded as ISO-8859-1 they never did)
  private static final Prefilter MARKER_SEARCH = new Prefilter(java.util.List.of(MARKERS));

  /**
   * Whether the secret (as extracted by a rule) is a mask or a placeholder rather than a value.
   * On bytes, one automaton pass, no allocation: fixed-shape rules call it for every shape match
   * at a keyword, decoys included (as a String with a stream it cost ~0.4 s of a one-thread scan
   * of 1 GB; 27 searches on bytes still ~0.27 s).
   */
  public static boolean isPlaceholder(byte[] secret) {
    if (secret.length == 0) {
      return true;
    }
    if (MARKER_SEARCH.containsAny(secret, 0, secret.length)) {
      return true;
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

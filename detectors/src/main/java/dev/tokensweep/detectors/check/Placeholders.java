package dev.tokensweep.detectors.check;

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

  // the markers' UTF-8 bytes, lower case, by first byte: one pass over the secret, each position
  // trying only the markers that start with its byte, ASCII case-insensitive, so the non-ASCII ones
  // ("…", "████") match a UTF-8 secret too (decoded as ISO-8859-1 they never did); a check needs
  // no automaton from the engine for 27 short markers
  private static final byte[][][] MARKERS_BY_FIRST_BYTE = byFirstByte();

  private static byte[][][] byFirstByte() {
    java.util.List<java.util.List<byte[]>> lists = new java.util.ArrayList<>();
    for (int b = 0; b < 256; b++) {
      lists.add(new java.util.ArrayList<>());
    }
    for (String m : MARKERS) {
      byte[] bytes = m.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      lists.get(bytes[0] & 0xFF).add(bytes);
    }
    byte[][][] out = new byte[256][][];
    for (int b = 0; b < 256; b++) {
      out[b] = lists.get(b).isEmpty() ? null : lists.get(b).toArray(new byte[0][]);
    }
    return out;
  }

  /** The markers, for tests. */
  static java.util.List<String> markers() {
    return java.util.List.of(MARKERS);
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xFF;
  }

  /** Whether {@code s} holds one of the markers, ASCII case-insensitive; no allocation. */
  static boolean containsMarker(byte[] s) {
    for (int i = 0; i < s.length; i++) {
      byte[][] candidates = MARKERS_BY_FIRST_BYTE[lower(s[i])];
      if (candidates == null) {
        continue;
      }
      next:
      for (byte[] m : candidates) {
        if (m.length > s.length - i) {
          continue;
        }
        for (int j = 1; j < m.length; j++) {
          if (lower(s[i + j]) != (m[j] & 0xFF)) {
            continue next;
          }
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the secret (as extracted by a rule) is a mask or a placeholder rather than a value.
   * On bytes, one pass, no allocation: fixed-shape rules call it for every shape match
   * at a keyword, decoys included (as a String with a stream it cost ~0.4 s of a one-thread scan
   * of 1 GB; 27 searches on bytes still ~0.27 s).
   */
  public static boolean isPlaceholder(byte[] secret) {
    if (secret.length == 0) {
      return true;
    }
    if (containsMarker(secret)) {
      return true;
    }
    if (secret.length >= MIN_RUN_CHECK_LENGTH && longestRun(secret) * 2 >= secret.length) {
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

  /** Shorter secrets are not judged by their longest run: in five characters two equal ones are common. */
  static final int MIN_RUN_CHECK_LENGTH = 6;

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

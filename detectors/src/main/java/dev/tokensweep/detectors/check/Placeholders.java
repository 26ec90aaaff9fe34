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

  /**
   * Whether {@code s} holds one of the markers as people write them; no allocation. A marker's
   * letters match in lower case, in upper case, or with a capital first letter and at most one more
   * ({@code Example}, {@code ChangeMe}, {@code YourToken}), and {@code xxxx} only as a mask: see
   * {@link #isMaskRun}. Matched in any mix of cases, a random token's body held one now and then: a
   * JWT's 342-character signature holds a case-insensitive {@code xxxx} about once in 3,000 tokens
   * ({@code ...FnGxXXxbfj...}), and the finding was dropped as a placeholder (5 of 20,000 distinct
   * bearer JWTs in one log, none reported).
   */
  static boolean containsMarker(byte[] s) {
    for (int i = 0; i < s.length; i++) {
      byte[][] candidates = MARKERS_BY_FIRST_BYTE[lower(s[i])];
      if (candidates == null) {
        continue;
      }
      for (byte[] m : candidates) {
        if (m.length <= s.length - i && matchesAt(s, i, m) && (m != X_RUN || isMaskRun(s, i))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The {@code xxxx} marker, which {@link #isMaskRun} judges further. */
  private static final byte[] X_RUN = byFirstByteEntry("xxxx");

  private static byte[] byFirstByteEntry(String marker) {
    for (byte[] m : MARKERS_BY_FIRST_BYTE[marker.charAt(0)]) {
      if (new String(m, StandardCharsets.UTF_8).equals(marker)) {
        return m;
      }
    }
    throw new IllegalStateException("no marker " + marker);
  }

  /** Whether marker {@code m} (lower case) stands at {@code s[i]} in one of the cases people write. */
  private static boolean matchesAt(byte[] s, int i, byte[] m) {
    int letters = 0;
    int uppers = 0;
    boolean firstUpper = false;
    for (int j = 0; j < m.length; j++) {
      int c = s[i + j] & 0xFF;
      if (lower(s[i + j]) != (m[j] & 0xFF)) {
        return false;
      }
      if (m[j] >= 'a' && m[j] <= 'z') {
        letters++;
        if (c != (m[j] & 0xFF)) {
          uppers++;
          firstUpper |= letters == 1;
        }
      }
    }
    return uppers == 0 || uppers == letters || (firstUpper && uppers <= 2);
  }

  /**
   * Whether the {@code xxxx} at {@code s[i]} masks something: its run of x is 8 or longer, stands
   * between separators (or the secret's ends) as in {@code XXXX-XXXX} or {@code akab-xxxx.luna}, or
   * is a quarter of the secret. Four x inside random letters ({@code ...bfjRgxxxxJFp9...}) are
   * 64^-4 likely at each place of a base64 body, about once in 14,000 JWTs.
   */
  private static boolean isMaskRun(byte[] s, int i) {
    int from = i;
    while (from > 0 && (s[from - 1] == 'x' || s[from - 1] == 'X')) {
      from--;
    }
    int to = i + 4;
    while (to < s.length && (s[to] == 'x' || s[to] == 'X')) {
      to++;
    }
    int run = to - from;
    return run >= 8 || 4 * run >= s.length || (separatorAt(s, from - 1) && separatorAt(s, to));
  }

  /** Whether {@code s[i]} is outside {@code s} or not a letter or digit. */
  private static boolean separatorAt(byte[] s, int i) {
    if (i < 0 || i >= s.length) {
      return true;
    }
    int c = lower(s[i]);
    return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9');
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

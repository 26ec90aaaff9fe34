package dev.tokensweep.detectors;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

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

  /** Whether the secret (as extracted by a rule) is a mask or a placeholder rather than a value. */
  public static boolean isPlaceholder(byte[] secret) {
    if (secret.length == 0) {
      return true;
    }
    String s = new String(secret, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    for (String m : MARKERS) {
      if (s.contains(m)) {
        return true;
      }
    }
    if (secret.length >= 6 && longestRun(secret) * 2 >= secret.length) {
      return true; // aaaaaaaa, 0000000000, ---- and the like
    }
    return s.chars().allMatch(c -> c == '*' || c == 'x' || c == '#' || c == '•' || c == '-' || c == '_');
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

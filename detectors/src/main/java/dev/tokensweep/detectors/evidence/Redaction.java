package dev.tokensweep.detectors.evidence;

import dev.tokensweep.detectors.rule.Rule;

import java.nio.charset.StandardCharsets;

/**
 * Previews that are safe to print: at most a public fixed prefix (such as {@code ghp_} or
 * {@code eyJ}) and the last four characters; nothing at all of a secret shorter than 16
 * characters, whose last four would be a quarter of it (a user code, a short password).
 */
public final class Redaction {
  private Redaction() {}

  /** Secrets shorter than this show no character at all: below 16, the last four are a quarter of it or more. */
  public static final int MIN_LENGTH_FOR_SUFFIX = 16;
  /** Characters of the end a preview shows: enough to tell two tokens of one provider apart. */
  static final int SUFFIX_CHARS = 4;
  /** Bytes of the secret searched for a public prefix: keywords and declared prefixes are far shorter. */
  static final int PREFIX_SEARCH_BYTES = 64;

  /** The preview of {@code secret} for {@code rule}. */
  public static String preview(Rule rule, byte[] secret) {
    int n = secret.length;
    if (n < MIN_LENGTH_FOR_SUFFIX) {
      return "[" + n + " chars hidden]";
    }
    String prefix = publicPrefix(rule, secret);
    String tail = new String(secret, n - SUFFIX_CHARS, SUFFIX_CHARS, StandardCharsets.ISO_8859_1);
    return prefix + "…" + tail;
  }

  /**
   * The rule's declared prefix when the secret starts with it; otherwise the longest keyword the
   * secret starts with (keywords are public literals such as {@code gho_}); otherwise {@code eyJ}
   * for a JWT; otherwise nothing. Never more than a quarter of the secret.
   */
  static String publicPrefix(Rule rule, byte[] secret) {
    String s = new String(secret, 0, Math.min(secret.length, PREFIX_SEARCH_BYTES), StandardCharsets.ISO_8859_1);
    String best = "";
    if (rule.prefix() != null && s.startsWith(rule.prefix())) {
      best = rule.prefix();
    } else {
      for (String k : rule.keywords()) {
        if (k.length() > best.length() && s.startsWith(k)) {
          best = k;
        }
      }
      if (best.isEmpty() && s.startsWith("eyJ")) {
        best = "eyJ";
      }
    }
    return best.length() * 4 <= secret.length ? best : "";
  }
}

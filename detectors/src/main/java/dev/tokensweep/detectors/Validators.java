package dev.tokensweep.detectors;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * Offline checks a rule can name in its {@code validate} list. Each takes the secret bytes (capture
 * group 1) and says whether it is well-formed; none contacts a provider.
 */
public final class Validators {
  private Validators() {}

  static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private static final Map<String, Predicate<byte[]>> BY_NAME = Map.of(
      "github-crc32", Validators::base62Crc32,
      "npm-crc32", Validators::base62Crc32,
      "gitlab-routable-crc32", Validators::gitlabRoutable,
      "jwt", Jwt::usable,
      "entropy", Entropy::looksRandom,
      "not-hex-only", s -> Entropy.charset(s) != Entropy.Charset.HEX && Entropy.charset(s) != Entropy.Charset.DIGITS,
      "mixed-case-or-digits", Validators::mixed,
      "basic-auth", Validators::basicAuth);

  public static Set<String> names() {
    return BY_NAME.keySet();
  }

  public static boolean exists(String name) {
    return BY_NAME.containsKey(name);
  }

  public static boolean check(String name, byte[] secret) {
    Predicate<byte[]> p = BY_NAME.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown validator '" + name + "'; known: " + BY_NAME.keySet());
    }
    return p.test(secret);
  }

  /**
   * GitHub and npm tokens: prefix, 30 random base62 characters, then the CRC32 (zlib) of those 30
   * characters in base62, left-padded with '0' to 6 characters.
   */
  static boolean base62Crc32(byte[] s) {
    int us = lastIndexOf(s, (byte) '_');
    if (us < 0 || s.length - us - 1 != 36) {
      return false;
    }
    int body = us + 1;
    CRC32 crc = new CRC32();
    crc.update(s, body, 30);
    byte[] want = base62(crc.getValue(), 6);
    for (int i = 0; i < 6; i++) {
      if (s[body + 30 + i] != want[i]) {
        return false;
      }
    }
    return true;
  }

  /** Encodes {@code v} in base62 ({@code 0-9A-Za-z}), left-padded with '0' to {@code width}. */
  public static byte[] base62(long v, int width) {
    byte[] out = new byte[width];
    for (int i = width - 1; i >= 0; i--) {
      out[i] = (byte) BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return out;
  }

  /**
   * GitLab routable tokens end in {@code .01.} then 2 base36 characters (the payload length) and 7
   * base36 characters of CRC32 over everything before the checksum, prefix included.
   */
  static boolean gitlabRoutable(byte[] s) {
    if (s.length < 4 + 2 + 7 + 8) {
      return false;
    }
    int crcAt = s.length - 7;
    String dot = new String(s, crcAt - 6, 4, StandardCharsets.ISO_8859_1);
    if (!dot.equals(".01.")) {
      return false;
    }
    CRC32 crc = new CRC32();
    crc.update(s, 0, crcAt);
    String want = base36(crc.getValue(), 7);
    return want.equals(new String(s, crcAt, 7, StandardCharsets.ISO_8859_1));
  }

  /** Lower-case base36, left-padded with '0'. */
  public static String base36(long v, int width) {
    StringBuilder b = new StringBuilder(Long.toString(v, 36));
    while (b.length() < width) {
      b.insert(0, '0');
    }
    return b.toString();
  }

  /** Passwords that documentation and templates use; a Basic credential with one of them is not a finding. */
  private static final Set<String> PLACEHOLDER_PASSWORDS = Set.of("password", "passwd", "pass", "secret", "pwd");

  /**
   * HTTP Basic credentials: standard base64 (padding optional) of printable ASCII {@code user:password}
   * with a non-empty password that is neither a mask nor a placeholder.
   */
  static boolean basicAuth(byte[] s) {
    byte[] raw;
    try {
      String t = new String(s, StandardCharsets.ISO_8859_1);
      while (t.endsWith("=")) {
        t = t.substring(0, t.length() - 1);
      }
      if (t.length() % 4 == 1) {
        return false; // no base64 text has this length; "==".substring would throw
      }
      raw = java.util.Base64.getDecoder().decode(t + "==".substring(0, (4 - t.length() % 4) % 4));
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = -1;
    for (int i = 0; i < raw.length; i++) {
      int c = raw[i] & 0xFF;
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
      if (c == ':' && colon < 0) {
        colon = i;
      }
    }
    if (colon < 0 || colon == raw.length - 1) {
      return false;
    }
    byte[] pw = java.util.Arrays.copyOfRange(raw, colon + 1, raw.length);
    boolean placeholder = Placeholders.isPlaceholder(pw)
        || PLACEHOLDER_PASSWORDS.contains(new String(pw, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT));
    java.util.Arrays.fill(raw, (byte) 0);
    java.util.Arrays.fill(pw, (byte) 0);
    return !placeholder;
  }

  private static boolean mixed(byte[] s) {
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (byte b : s) {
      upper |= b >= 'A' && b <= 'Z';
      lower |= b >= 'a' && b <= 'z';
      digit |= b >= '0' && b <= '9';
    }
    return (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) >= 2;
  }

  private static int lastIndexOf(byte[] s, byte c) {
    for (int i = s.length - 1; i >= 0; i--) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }
}

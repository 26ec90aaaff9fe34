package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.detectors.rule.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a secret is replaced. {@code TAG} writes {@code [REDACTED:<kind>:<8 hex of the keyed
 * fingerprint>]}, so the same token gets the same tag everywhere and a reader can still follow it;
 * {@code SAME_LENGTH} writes as many {@code *} as the secret had bytes (offsets hold); {@code DROP}
 * removes it. Binary leaves always get {@code SAME_LENGTH}, whatever is asked, so their structure holds.
 */
public enum MaskStyle {
  TAG, SAME_LENGTH, DROP;

  public static MaskStyle of(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "tag" -> TAG;
      case "same-length" -> SAME_LENGTH;
      case "drop" -> DROP;
      default -> throw new IllegalArgumentException("unknown mask '" + s + "' (tag, same-length, drop)");
    };
  }

  /** The replacement text (ASCII) for a secret of {@code length} characters. */
  public byte[] mask(Kind kind, String fingerprint, int length) {
    return switch (this) {
      case TAG -> tag(kind, fingerprint).getBytes(StandardCharsets.US_ASCII);
      case SAME_LENGTH -> stars(length);
      case DROP -> new byte[0];
    };
  }

  public static String tag(Kind kind, String fingerprint) {
    return "[REDACTED:" + kind.id() + ":" + fingerprint.substring(0, 8) + "]";
  }

  static byte[] stars(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) '*');
    return b;
  }
}

package dev.tokensweep.scanner.pipeline;

/**
 * Sanitize's own masks read back: a tag {@code [REDACTED:<kind>:<8 hex>]} (see
 * {@code sanitize.MaskStyle}) is not a secret, but a rule whose values may be eight digits reads
 * {@code user_code:41869759]} as a user code (about one tag in 43: eight hex digits that happen to
 * be decimal). Sanitize's verification then said FAILED for a copy it had masked (2 of the 45,745
 * secrets of the benchmark's fresh log), and a scan of a shared copy reported its masks. A match
 * whose secret is a tag's hex part, inside a whole tag, is dropped before it is reported or masked.
 */
public final class OwnTags {
  private OwnTags() {}

  private static final byte[] OPEN = "[REDACTED:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Longest kind id a tag names ({@code refresh_token}, {@code access_token}, ...), with room. */
  private static final int MAX_KIND = 32;

  /** Whether {@code buf[s, e)}, inside {@code buf[from, to)}, is the hex part of a whole tag. */
  public static boolean isTagHex(byte[] buf, int from, int to, int s, int e) {
    if (e - s != 8 || e >= to || buf[e] != ']' || s - 1 <= from || buf[s - 1] != ':') {
      return false;
    }
    for (int i = s; i < e; i++) {
      byte c = buf[i];
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    int k = s - 2; // the kind's last byte
    int kindEnd = k;
    while (k >= from && kindEnd - k < MAX_KIND && (buf[k] >= 'a' && buf[k] <= 'z' || buf[k] == '_')) {
      k--;
    }
    if (k == kindEnd || k < from || buf[k] != ':') {
      return false;
    }
    int open = k - (OPEN.length - 1);
    return open >= from && java.util.Arrays.equals(buf, open, k + 1, OPEN, 0, OPEN.length);
  }
}

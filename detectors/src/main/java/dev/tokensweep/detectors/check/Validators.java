package dev.tokensweep.detectors.check;

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

  /** The base-62 alphabet of checksummed tokens; public for TokenForge, which forges such tokens. */
  public static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** The validator that checks an AWS key id's account id; its rules' findings show the account. */
  public static final String AWS_ACCOUNT_ID = "aws-account-id";

  private static final Map<String, Predicate<byte[]>> BY_NAME = Map.ofEntries(
      Map.entry("github-crc32", Validators::base62Crc32),
      Map.entry("npm-crc32", Validators::base62Crc32),
      Map.entry("gitlab-routable-crc32", Validators::gitlabRoutable),
      Map.entry("jwt", Jwt::usable),
      Map.entry("pypi-macaroon", Validators::pypiMacaroon),
      Map.entry("warehouse-macaroon", Validators::warehouseMacaroon),
      Map.entry(AWS_ACCOUNT_ID, Validators::awsKeyId),
      Map.entry("grafana-crc32", Validators::grafanaCrc32),
      Map.entry("basic-auth", Validators::basicAuth),
      Map.entry("entropy", Entropy::looksRandom),
      Map.entry("not-hex-only", s -> Entropy.charset(s) != Entropy.Charset.HEX && Entropy.charset(s) != Entropy.Charset.DIGITS),
      Map.entry("mixed-case-or-digits", Validators::mixed));

  /** Validators that judge how random a value looks, rather than checking a structure the provider defines. */
  private static final Set<String> HEURISTICS = Set.of("entropy", "not-hex-only", "mixed-case-or-digits");

  public static Set<String> names() {
    return BY_NAME.keySet();
  }

  public static boolean exists(String name) {
    return BY_NAME.containsKey(name);
  }

  /**
   * Whether {@code name} is an offline check of a structure the provider defines (a checksum, a
   * macaroon, a JWT, a decodable account id), as opposed to a randomness heuristic: a match that
   * passes one is very unlikely to be anything but a real token of that kind.
   */
  public static boolean isOfflineCheck(String name) {
    return BY_NAME.containsKey(name) && !HEURISTICS.contains(name);
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

  /**
   * PyPI API tokens: {@code pypi-} then a macaroon in the version 2 binary format (libmacaroons'
   * {@code doc/format.txt}), base64url without padding, as PyPI documents
   * (https://docs.pypi.org/api/secrets/): version byte 2; a header section with location
   * {@code pypi.org} or {@code test.pypi.org} and a non-empty identifier; caveat sections, each
   * with an identifier; an empty section; then a 32-byte signature that ends the token. Fields are
   * varint type, varint length, data; a section ends with a 0 byte. Random base64 after the
   * documented prefix fails, and so does a token cut short.
   */
  static boolean pypiMacaroon(byte[] s) {
    return macaroon(s, l -> l.equals("pypi.org") || l.equals("test.pypi.org"));
  }

  /** A macaroon of another Warehouse index (self-hosted, mirrors): as {@link #pypiMacaroon}, any other location. */
  static boolean warehouseMacaroon(byte[] s) {
    return macaroon(s, l -> !l.isEmpty() && !l.equals("pypi.org") && !l.equals("test.pypi.org"));
  }

  /**
   * Caveats read from one macaroon before it is refused: PyPI's tokens carry a handful, and each
   * caveat costs a parse, so a thousand bounds the walk over a forged token of tiny caveats.
   */
  static final int MAX_MACAROON_CAVEATS = 1000;

  private static boolean macaroon(byte[] s, java.util.function.Predicate<String> locations) {
    if (s.length < 6 || !new String(s, 0, 5, StandardCharsets.ISO_8859_1).equals("pypi-")) {
      return false;
    }
    byte[] m = base64Url(s, 5);
    if (m == null || m.length < 4 || m[0] != 2) {
      return false;
    }
    int[] at = {1};
    // header: location then identifier, in that order (types increase within a section)
    long[] fields = new long[8];
    int[] starts = new int[8];
    int[] lens = new int[8];
    int n = section(m, at, fields, starts, lens);
    if (n != 2 || fields[0] != 1 || fields[1] != 2 || lens[1] == 0) {
      return false;
    }
    String location = new String(m, starts[0], lens[0], StandardCharsets.ISO_8859_1);
    if (!locations.test(location)) {
      return false;
    }
    for (int caveats = 0; ; caveats++) {
      if (caveats > MAX_MACAROON_CAVEATS) {
        return false;
      }
      n = section(m, at, fields, starts, lens);
      if (n < 0) {
        return false;
      }
      if (n == 0) {
        break;
      }
      // a first-party caveat is an identifier; a third-party one adds location and verification id
      int id = fields[0] == 1 ? 1 : 0;
      if (id >= n || fields[id] != 2) {
        return false;
      }
    }
    long type = varint(m, at);
    long len = type == 6 ? varint(m, at) : -1;
    return len == 32 && at[0] + 32 == m.length;
  }

  /**
   * Reads one section of {@code m} from {@code at[0]}: packets until a 0 byte, types strictly
   * increasing; returns how many, or -1 when malformed (or more than {@code fields} holds).
   */
  private static int section(byte[] m, int[] at, long[] fields, int[] starts, int[] lens) {
    int n = 0;
    long prev = 0;
    while (true) {
      long type = varint(m, at);
      if (type < 0) {
        return -1;
      }
      if (type == 0) {
        return n;
      }
      long len = varint(m, at);
      if (type <= prev || n == fields.length || len < 0 || len > m.length - at[0]) {
        return -1;
      }
      fields[n] = type;
      starts[n] = at[0];
      lens[n] = (int) len;
      at[0] += (int) len;
      prev = type;
      n++;
    }
  }

  /** An unsigned LEB128 varint at {@code at[0]}, advancing it; -1 past the end or above 2^31. */
  private static long varint(byte[] m, int[] at) {
    long v = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      if (at[0] >= m.length) {
        return -1;
      }
      int b = m[at[0]++] & 0xFF;
      v |= (long) (b & 0x7F) << shift;
      if (b < 0x80) {
        return v <= Integer.MAX_VALUE ? v : -1;
      }
    }
    return -1;
  }

  /** {@code s[from..]} decoded as base64url, padding optional; null when it is not. */
  private static byte[] base64Url(byte[] s, int from) {
    int end = s.length;
    while (end > from && s[end - 1] == '=') {
      end--;
    }
    int n = end - from;
    if (n % 4 == 1) {
      return null;
    }
    try {
      return java.util.Base64.getUrlDecoder().decode(new String(s, from, n, StandardCharsets.ISO_8859_1)
          + "==".substring(0, (4 - n % 4) % 4));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * AWS access key ids ({@code AKIA}, {@code ASIA} and 16 base32 characters): in the generation
   * issued since 2019 the first bit after the prefix is 1 and the next 40 bits are the account id,
   * which has 12 decimal digits, so an id of that generation whose account field is above
   * 999,999,999,999 was never issued. Ids of the older generation (bit 0) carry no account id and
   * pass. The layout is not documented by AWS, which offers {@code sts:GetAccessKeyInfo} for it
   * (online); it was published by WithSecure Labs' bitwise analysis of 3000+ key ids.
   */
  static boolean awsKeyId(byte[] s) {
    long v = keyIdBits(s);
    if (v < 0) {
      return false;
    }
    return (v >>> 44) == 0 || ((v >>> 4) & 0xFF_FFFF_FFFFL) <= 999_999_999_999L;
  }

  /**
   * The account id of an AWS access key id of the current generation, or null (another shape, or
   * an id of the older generation, which carries none). The account id is not secret.
   */
  public static Long awsAccountId(byte[] s) {
    long v = keyIdBits(s);
    if (v < 0 || (v >>> 44) == 0) {
      return null;
    }
    long account = (v >>> 4) & 0xFF_FFFF_FFFFL;
    return account <= 999_999_999_999L ? account : null;
  }

  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /** The first 45 bits after the prefix of a key id {@code A[KS]IA} + 16 base32, or -1 for another shape. */
  private static long keyIdBits(byte[] s) {
    if (s.length != 20 || s[0] != 'A' || (s[1] != 'K' && s[1] != 'S') || s[2] != 'I' || s[3] != 'A') {
      return -1;
    }
    long v = 0;
    for (int i = 4; i < 20; i++) {
      int d = BASE32.indexOf(s[i]);
      if (d < 0) {
        return -1;
      }
      if (i < 13) {
        v = (v << 5) | d; // 9 characters: 45 bits
      }
    }
    return v;
  }

  /**
   * Grafana service account tokens {@code glsa_<32 characters>_<8 hex>}: the hex is the CRC32
   * (IEEE) of everything before the last {@code _}, its four bytes little-endian, as Grafana's own
   * token generator writes it ({@code pkg/components/satokengen} in grafana/grafana).
   */
  static boolean grafanaCrc32(byte[] s) {
    int us = lastIndexOf(s, (byte) '_');
    if (us < 0 || s.length - us - 1 != 8 || s.length < 3 || s[0] != 'g' || s[1] != 'l') {
      return false;
    }
    CRC32 crc = new CRC32();
    crc.update(s, 0, us);
    return grafanaChecksum(crc.getValue()).equals(new String(s, us + 1, 8, StandardCharsets.ISO_8859_1));
  }

  /** A CRC32 as Grafana writes it: the four bytes least significant first, lower-case hex. */
  public static String grafanaChecksum(long crc) {
    StringBuilder b = new StringBuilder(8);
    for (int i = 0; i < 4; i++) {
      int x = (int) (crc >>> (8 * i)) & 0xFF;
      b.append(Character.forDigit(x >>> 4, 16)).append(Character.forDigit(x & 0xF, 16));
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

package dev.tokensweep.detectors.rule;

import dev.tokensweep.detectors.check.Validators;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Makes synthetic tokens that are format-valid (length, alphabet, checksum, JWT structure) but
 * were never issued by anyone: for rule examples, tests and the corpus generator. Deterministic
 * for a given {@link Random}.
 */
public final class TokenForge {
  private final Random random;

  public TokenForge(Random random) {
    this.random = random;
  }

  public static final String ALNUM = Validators.BASE62;
  public static final String HEX = "0123456789abcdef";
  public static final String B64URL = ALNUM + "-_";
  public static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  public static final String BASE20 = "BCDFGHJKLMNPQRSTVWXZ";

  /** {@code n} characters drawn uniformly from {@code alphabet}. */
  public String random(String alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** A GitHub-style token ({@code ghp_}, {@code gho_}, ..., {@code npm_}) with a valid CRC32 checksum. */
  public String base62Crc32(String prefix) {
    String body = random(ALNUM, 30);
    return prefix + body + crc62(body);
  }

  /** The same shape with a checksum that does not verify (a decoy). */
  public String base62Crc32Wrong(String prefix) {
    String body = random(ALNUM, 30);
    String good = crc62(body);
    char c = good.charAt(5) == '0' ? '1' : '0';
    return prefix + body + good.substring(0, 5) + c;
  }

  static String crc62(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return new String(Validators.base62(crc.getValue(), 6), StandardCharsets.US_ASCII);
  }

  /** A GitLab routable token: prefix, base64url payload, {@code .01.}, base36 length and CRC32. */
  public String gitlabRoutable(String prefix) {
    byte[] rnd = new byte[16];
    random.nextBytes(rnd);
    String kv = "o:" + Long.toString(1000 + random.nextInt(900000), 36) + "\nu:" + Long.toString(random.nextInt(9000000), 36) + "\n";
    byte[] kvb = kv.getBytes(StandardCharsets.US_ASCII);
    byte[] payload = new byte[rnd.length + kvb.length + 1];
    System.arraycopy(rnd, 0, payload, 0, rnd.length);
    System.arraycopy(kvb, 0, payload, rnd.length, kvb.length);
    payload[payload.length - 1] = (byte) kvb.length;
    String enc = Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
    String head = prefix + enc + ".01." + Validators.base36(enc.length() % (36 * 36), 2);
    CRC32 crc = new CRC32();
    crc.update(head.getBytes(StandardCharsets.US_ASCII));
    return head + Validators.base36(crc.getValue(), 7);
  }

  /** An unsigned-looking JWT with the given JSON payload and a random HS256-sized signature. */
  public String jwt(String headerJson, String payloadJson) {
    Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
    byte[] sig = new byte[32];
    random.nextBytes(sig);
    return e.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
        + e.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + "." + e.encodeToString(sig);
  }

  /** An RS256 access token with realistic claims, issued at {@code iat} and living {@code lifetime} seconds. */
  public String accessJwt(String iss, String aud, String scopes, long iat, long lifetime) {
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + random(B64URL, 16) + "\"}";
    String payload = "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"iat\":" + iat + ",\"nbf\":" + iat
        + ",\"exp\":" + (iat + lifetime) + ",\"scp\":\"" + scopes + "\",\"azp\":\"" + uuid() + "\",\"jti\":\""
        + random(B64URL, 22) + "\"}";
    Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
    byte[] sig = new byte[256];
    random.nextBytes(sig);
    return e.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + e.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + e.encodeToString(sig);
  }

  public String uuid() {
    String h = random(HEX, 32);
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a" + h.substring(17, 20) + "-"
        + h.substring(20);
  }

  public static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /**
   * An AWS access key id ({@code AKIA}/{@code ASIA}) of the current generation: the generation bit
   * set, then {@code account} in 40 bits, then random bits (see {@code Validators#awsKeyId}).
   */
  public String awsKeyId(String prefix, long account) {
    long v = (1L << 44) | (account << 4) | random.nextInt(16); // the first 45 bits: 9 characters
    StringBuilder b = new StringBuilder(prefix);
    for (int i = 8; i >= 0; i--) {
      b.append(BASE32.charAt((int) (v >>> (5 * i)) & 31));
    }
    return b.append(random(BASE32, 7)).toString();
  }

  /** A twelve-digit AWS account id, as they are written. */
  public long awsAccount() {
    return 100_000_000_000L + (long) (random.nextDouble() * 899_999_999_999L);
  }

  /**
   * A PyPI API token: {@code pypi-} and base64url of a version 2 macaroon with location
   * {@code location}, a UUID identifier, one first-party caveat and a random 32-byte signature.
   */
  public String pypiToken(String location, String caveat) {
    java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
    m.write(2);
    packet(m, 1, location.getBytes(StandardCharsets.US_ASCII));
    packet(m, 2, uuid().getBytes(StandardCharsets.US_ASCII));
    m.write(0);
    packet(m, 2, caveat.getBytes(StandardCharsets.UTF_8));
    m.write(0);
    m.write(0);
    byte[] sig = new byte[32];
    random.nextBytes(sig);
    packet(m, 6, sig);
    return "pypi-" + Base64.getUrlEncoder().withoutPadding().encodeToString(m.toByteArray());
  }

  private static void packet(java.io.ByteArrayOutputStream m, int type, byte[] data) {
    m.write(type);
    for (int n = data.length; ; n >>>= 7) {
      if (n < 0x80) {
        m.write(n);
        break;
      }
      m.write((n & 0x7F) | 0x80);
    }
    m.write(data, 0, data.length);
  }

  /** A Grafana service account token {@code glsa_} + 32 alphanumerics + {@code _} + its CRC32. */
  public String grafanaServiceAccount() {
    String head = "glsa_" + random(ALNUM, 32);
    CRC32 crc = new CRC32();
    crc.update(head.getBytes(StandardCharsets.US_ASCII));
    return head + "_" + Validators.grafanaChecksum(crc.getValue());
  }

  /**
   * A fresh secret in the shape of {@code secret}, for forging a rule's tokens from its examples:
   * the first {@code keep} characters (a public prefix) stay; every other digit, lower-case and
   * upper-case letter is drawn again from its class (within hex where its run of letters and digits
   * is hex, within base32 where it is base32); any other character stays where it is. Then the
   * structure that {@code validators} check is made to hold again: CRC32 checksums are recomputed, a
   * JWT keeps its header and claims and gets a new signature, a PyPI macaroon keeps its location and
   * caveats and gets a new identifier and signature, a Basic credential keeps its user and gets a new
   * password. A result may still fail a rule's other checks (entropy, a placeholder drawn by
   * chance): callers check it and draw again.
   */
  public String like(String secret, int keep, Collection<String> validators) {
    return like(secret, keep, 0, java.util.List.of(), validators);
  }

  /**
   * As {@link #like(String, int, Collection)}, also keeping the last {@code keepTail} characters
   * and every occurrence (ignoring case) of the {@code literals}: a rule's keywords inside the
   * secret ({@code T3BlbkFJ} in an OpenAI key) and fixed parts the pattern spells out.
   */
  public String like(String secret, int keepHead, int keepTail, Collection<String> literals, Collection<String> validators) {
    int n = secret.length();
    boolean[] kept = new boolean[n];
    for (int i = 0; i < n; i++) {
      kept[i] = i < keepHead || i >= n - keepTail;
    }
    return like(secret, kept, literals, validators);
  }

  /**
   * As {@link #like(String, int, int, Collection, Collection)}, keeping the characters that
   * {@code kept} marks (a secret found inside this one, drawn on its own) besides the literals.
   */
  public String like(String secret, boolean[] kept, Collection<String> literals, Collection<String> validators) {
    kept = kept.clone();
    String lower = secret.toLowerCase(java.util.Locale.ROOT);
    for (String lit : literals) {
      String l = lit.toLowerCase(java.util.Locale.ROOT);
      for (int at = l.isEmpty() ? -1 : lower.indexOf(l); at >= 0; at = lower.indexOf(l, at + 1)) {
        java.util.Arrays.fill(kept, at, at + l.length(), true);
      }
    }
    String out = redraw(secret, kept);
    for (String v : validators) {
      out = switch (v) {
        case "github-crc32", "npm-crc32" -> fixBase62Crc32(out);
        case "gitlab-routable-crc32" -> fixGitlab(secret, out);
        case "grafana-crc32" -> fixGrafana(out);
        case "jwt" -> fixJwt(secret, out);
        case "basic-auth" -> fixBasic(secret, out);
        case "pypi-macaroon", "warehouse-macaroon" -> fixMacaroon(secret, out);
        default -> out;
      };
    }
    return out;
  }

  /** Each digit and letter of {@code s} drawn again from its class; hex and base32 text keeps its alphabet. */
  String redraw(String s) {
    return redraw(s, new boolean[s.length()]);
  }

  /**
   * {@code s} with every letter and digit not {@code kept} drawn again from its class, the class
   * narrowed per run of letters and digits (its kept characters aside): a run of hex stays hex
   * (the 64 hex of a Slack app token after its upper-case team id, the hex after {@code EXO}), a
   * run of base32 stays base32, in either case.
   */
  private static final String BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

  private String redraw(String s, boolean[] kept) {
    StringBuilder b = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (!Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) > 127) {
        b.append(s.charAt(i++));
        continue;
      }
      int j = i;
      boolean hexLower = true;
      boolean hexUpper = true;
      boolean base32Upper = true;
      boolean base32Lower = true;
      boolean bech32 = true;
      int drawn = 0;
      for (; j < s.length() && s.charAt(j) <= 127 && Character.isLetterOrDigit(s.charAt(j)); j++) {
        char c = s.charAt(j);
        if (kept[j]) {
          continue;
        }
        hexLower &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        hexUpper &= (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
        base32Upper &= (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
        base32Lower &= (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
        bech32 &= BECH32.indexOf(Character.toLowerCase(c)) >= 0;
        drawn++;
      }
      if (bech32 && drawn >= 20 && !hexLower && !hexUpper) {
        // a bech32 run (age keys, Cosmos addresses) keeps its alphabet: no 1, b, i or o
        boolean upper = !s.substring(i, j).equals(s.substring(i, j).toLowerCase(java.util.Locale.ROOT));
        for (; i < j; i++) {
          char d = BECH32.charAt(random.nextInt(BECH32.length()));
          b.append(kept[i] ? s.charAt(i) : upper ? Character.toUpperCase(d) : d);
        }
        continue;
      }
      boolean base32 = (base32Upper && !hexUpper) || (base32Lower && !hexLower);
      String digits = base32 ? "234567" : "0123456789";
      String lowers = hexLower ? "abcdef" : "abcdefghijklmnopqrstuvwxyz";
      String uppers = hexUpper ? "ABCDEF" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
      for (; i < j; i++) {
        char c = s.charAt(i);
        String from = kept[i] ? null : c >= '0' && c <= '9' ? digits : c >= 'a' && c <= 'z' ? lowers : uppers;
        b.append(from == null ? c : from.charAt(random.nextInt(from.length())));
      }
    }
    return b.toString();
  }

  private static String fixBase62Crc32(String s) {
    int us = s.lastIndexOf('_');
    if (us < 0 || s.length() - us - 1 != 36) {
      return s;
    }
    return s.substring(0, us + 31) + crc62(s.substring(us + 1, us + 31));
  }

  private static String fixGitlab(String original, String s) {
    int n = s.length();
    if (n < 21 || s.length() != original.length() || !original.startsWith(".01.", n - 13)) {
      return s;
    }
    String head = s.substring(0, n - 13) + original.substring(n - 13, n - 7); // version and length stay the original's
    CRC32 crc = new CRC32();
    crc.update(head.getBytes(StandardCharsets.ISO_8859_1));
    return head + Validators.base36(crc.getValue(), 7);
  }

  private static String fixGrafana(String s) {
    int us = s.lastIndexOf('_');
    if (us < 0 || s.length() - us - 1 != 8) {
      return s;
    }
    CRC32 crc = new CRC32();
    crc.update(s.substring(0, us).getBytes(StandardCharsets.ISO_8859_1));
    return s.substring(0, us + 1) + Validators.grafanaChecksum(crc.getValue());
  }

  private static String fixJwt(String original, String s) {
    int a = original.indexOf('.');
    int b = a < 0 ? -1 : original.indexOf('.', a + 1);
    if (b < 0 || s.length() != original.length()) {
      return s;
    }
    return original.substring(0, b) + s.substring(b);
  }

  private String fixBasic(String original, String s) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(original.replace("=", "") + "==".substring(0, (4 - original.replace("=", "").length() % 4) % 4));
    } catch (IllegalArgumentException e) {
      return s;
    }
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int colon = text.indexOf(':');
    if (colon < 0) {
      return s;
    }
    String fresh = text.substring(0, colon + 1) + redraw(text.substring(colon + 1));
    String enc = Base64.getEncoder().encodeToString(fresh.getBytes(StandardCharsets.ISO_8859_1));
    return original.endsWith("=") ? enc : enc.replace("=", "");
  }

  private String fixMacaroon(String original, String s) {
    int dash = original.indexOf('-');
    byte[] m;
    try {
      m = Base64.getUrlDecoder().decode(original.substring(dash + 1).replace("=", ""));
    } catch (IllegalArgumentException e) {
      return s;
    }
    // version, location packet, identifier packet: the identifier's bytes are drawn again
    if (m.length < 40 || m[0] != 2 || m[1] != 1 || m[2] < 0 || 3 + m[2] + 2 > m.length || m[3 + m[2]] != 2) {
      return s;
    }
    int idLen = m[4 + m[2]];
    int idStart = 5 + m[2];
    if (idLen < 0 || idStart + idLen + 32 > m.length) {
      return s;
    }
    String id = redraw(new String(m, idStart, idLen, StandardCharsets.ISO_8859_1));
    System.arraycopy(id.getBytes(StandardCharsets.ISO_8859_1), 0, m, idStart, idLen);
    byte[] sig = new byte[32];
    random.nextBytes(sig);
    System.arraycopy(sig, 0, m, m.length - 32, 32);
    return original.substring(0, dash + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(m);
  }
}

package dev.tokensweep.detectors;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
}

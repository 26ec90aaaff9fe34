package dev.tokensweep.scanner.respond;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for one request, as
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html gives
 * it: canonical request, string to sign, the signing key derived from the secret key through date,
 * region and service, and the {@code Authorization} header. Only what GetCallerIdentity needs: the
 * path is signed as given (no double encoding), the body is hashed whole. Tested against AWS's
 * published test suite.
 */
final class SigV4 {
  private SigV4() {}

  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  /** A signed request: the headers to send and the intermediate steps (for tests). */
  record Signed(String authorization, String amzDate, String canonicalRequest, String stringToSign, String signature) {
    @Override
    public String toString() {
      return "Signed[" + amzDate + "]";
    }
  }

  /**
   * Signs a request.
   *
   * @param headers headers to sign besides {@code host} and {@code x-amz-date} (and
   *     {@code x-amz-security-token}, added when {@code sessionToken} is not null); names in any case
   */
  static Signed sign(String method, URI uri, Map<String, String> headers, byte[] body, String accessKeyId,
      String secretKey, String sessionToken, String region, String service, Instant when) {
    String amzDate = AMZ_DATE.format(when);
    String date = amzDate.substring(0, 8);
    TreeMap<String, String> canon = new TreeMap<>();
    headers.forEach((k, v) -> canon.put(k.toLowerCase(Locale.ROOT), trim(v)));
    canon.put("host", host(uri));
    canon.put("x-amz-date", amzDate);
    if (sessionToken != null) {
      canon.put("x-amz-security-token", sessionToken);
    }
    StringBuilder ch = new StringBuilder();
    canon.forEach((k, v) -> ch.append(k).append(':').append(v).append('\n'));
    String signedHeaders = String.join(";", canon.keySet());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : canonicalPath(uri.getPath());
    String canonicalRequest = method + '\n' + path + '\n' + canonicalQuery(uri.getRawQuery()) + '\n' + ch + '\n'
        + signedHeaders + '\n' + hex(sha256(body));
    String scope = date + '/' + region + '/' + service + "/aws4_request";
    String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + scope + '\n'
        + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = signingKey(secretKey, date, region, service);
    String signature = hex(hmac(key, stringToSign));
    String authorization = ALGORITHM + " Credential=" + accessKeyId + '/' + scope + ", SignedHeaders=" + signedHeaders
        + ", Signature=" + signature;
    return new Signed(authorization, amzDate, canonicalRequest, stringToSign, signature);
  }

  /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
  static byte[] signingKey(String secretKey, String date, String region, String service) {
    byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    k = hmac(k, region);
    k = hmac(k, service);
    return hmac(k, "aws4_request");
  }

  /** The {@code host} header as the JDK's HTTP client sends it: the port only when it is not the default. */
  static String host(URI uri) {
    int port = uri.getPort();
    boolean dflt = port == -1 || ("https".equals(uri.getScheme()) && port == 443) || ("http".equals(uri.getScheme()) && port == 80);
    return uri.getHost().toLowerCase(Locale.ROOT) + (dflt ? "" : ":" + port);
  }

  static String canonicalPath(String decoded) {
    StringBuilder b = new StringBuilder();
    for (String seg : decoded.split("/", -1)) {
      if (b.length() > 0 || decoded.startsWith("/")) {
        b.append('/');
      }
      b.append(encode(seg));
    }
    String s = b.toString();
    // split on a leading slash gives an empty first segment: "/a" -> ["", "a"] -> "//a"; undo that
    return s.startsWith("//") ? s.substring(1) : s.isEmpty() ? "/" : s;
  }

  static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String p : rawQuery.split("&")) {
      int eq = p.indexOf('=');
      String k = eq < 0 ? p : p.substring(0, eq);
      String v = eq < 0 ? "" : p.substring(eq + 1);
      pairs.add(new String[] {encode(decode(k)), encode(decode(v))});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder b = new StringBuilder();
    for (String[] p : pairs) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(p[0]).append('=').append(p[1]);
    }
    return b.toString();
  }

  /** RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex. */
  static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
          || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String trim(String v) {
    return v.strip().replaceAll(" +", " ");
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}

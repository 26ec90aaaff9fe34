package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The claims of a JWT that decide where it may be sent: who issued it ({@code iss}), for whom
 * ({@code aud}), for which client ({@code cid}, Okta's, which {@link dev.tokensweep.detectors.check.Jwt}
 * does not keep) and until when ({@code exp}). Read without checking the signature: a forged token
 * can name any issuer, which is why providers accept only issuers on their own domains.
 */
record JwtInfo(String iss, List<String> aud, String cid, Long exp) {
  /** Claims longer than this (encoded) are not decoded: real tokens' claims are a few KiB; more is not worth parsing. */
  private static final int MAX_CLAIMS = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The claims of {@code token}, or null when it is not a JWT whose payload is a JSON object. */
  static JwtInfo of(String token) {
    if (!token.startsWith("eyJ")) {
      return null;
    }
    int d1 = token.indexOf('.');
    int d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
    if (d1 <= 0 || d2 < 0 || d2 - d1 > MAX_CLAIMS) {
      return null;
    }
    try {
      byte[] raw = Base64.getUrlDecoder().decode(token.substring(d1 + 1, d2).replace("=", ""));
      JsonNode p = JSON.readTree(new String(raw, StandardCharsets.UTF_8));
      if (p == null || !p.isObject()) {
        return null;
      }
      List<String> aud = new ArrayList<>();
      JsonNode a = p.get("aud");
      if (a != null && a.isArray()) {
        a.forEach(x -> aud.add(x.asText()));
      } else if (a != null && a.isTextual()) {
        aud.add(a.asText());
      }
      JsonNode exp = p.get("exp");
      return new JwtInfo(text(p, "iss"), aud, text(p, "cid"), exp != null && exp.canConvertToLong() ? exp.asLong() : null);
    } catch (IllegalArgumentException | java.io.IOException e) {
      return null;
    }
  }

  private static String text(JsonNode n, String f) {
    JsonNode v = n.get(f);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** The issuer's host, lower-cased, when the issuer is an https URL; null otherwise. */
  String issuerHost() {
    if (iss == null || !iss.startsWith("https://")) {
      return null;
    }
    try {
      URI u = new URI(iss);
      return u.getHost() == null || u.getPort() != -1 || u.getRawQuery() != null || u.getRawUserInfo() != null ? null
          : u.getHost().toLowerCase(java.util.Locale.ROOT);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  boolean expiredAt(long epochSeconds) {
    return exp != null && exp <= epochSeconds;
  }
}

package dev.tokensweep.detectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Decodes a JWT's header and claims without verifying its signature. Only the claims that decide
 * risk are kept (issuer, audience, times, scopes, client, token use); subject, names and e-mail
 * addresses are personal data and are dropped.
 */
public final class Jwt {
  private Jwt() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The claims of a decoded JWT. Times are epoch seconds, or null when absent.
   *
   * @param tokenUse {@code typ} of the payload (Keycloak {@code Refresh}/{@code Offline}) or
   *     Cognito's {@code token_use}
   */
  public record Claims(String alg, String typ, String iss, List<String> aud, Long iat, Long nbf, Long exp,
      List<String> scopes, String clientId, String tokenUse) {

    public Claims {
      aud = aud == null ? List.of() : List.copyOf(aud);
      scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /** True when the token has an expiry and it is at or before {@code now}. */
    public boolean expiredAt(Instant now) {
      return exp != null && exp <= now.getEpochSecond();
    }

    /** Seconds between issue and expiry, or null when either is missing. */
    public Long lifetimeSeconds() {
      return exp != null && iat != null ? exp - iat : null;
    }
  }

  /**
   * Whether {@code token} is a JWT that can be presented: header and claims decode, and it has a
   * signature unless its {@code alg} is {@code none}. A header and claims whose signature was cut
   * off (what the sanitizer's keep-claims mask leaves) cannot authenticate anyone.
   */
  public static boolean usable(byte[] token) {
    Claims c = decode(token);
    if (c == null) {
      return false;
    }
    boolean signed = token.length > 0 && token[token.length - 1] != '.';
    return signed || "none".equalsIgnoreCase(c.alg());
  }

  /** Decodes {@code token}, or returns null when it is not a JWT with JSON header and payload. */
  public static Claims decode(byte[] token) {
    String s = new String(token, StandardCharsets.ISO_8859_1);
    int d1 = s.indexOf('.');
    int d2 = d1 < 0 ? -1 : s.indexOf('.', d1 + 1);
    if (d1 <= 0 || d2 < 0) {
      return null;
    }
    JsonNode header = part(s.substring(0, d1));
    JsonNode payload = part(s.substring(d1 + 1, d2));
    if (header == null || payload == null || !header.isObject() || !payload.isObject() || !header.has("alg")) {
      return null;
    }
    List<String> scopes = new ArrayList<>();
    for (String field : new String[] {"scp", "scope", "roles", "scopes"}) {
      JsonNode n = payload.get(field);
      if (n == null) {
        continue;
      }
      if (n.isArray()) {
        n.forEach(e -> scopes.add(e.asText()));
      } else if (n.isTextual()) {
        for (String p : n.asText().split("[ ,]+")) {
          if (!p.isEmpty()) {
            scopes.add(p);
          }
        }
      }
    }
    List<String> aud = new ArrayList<>();
    JsonNode a = payload.get("aud");
    if (a != null && a.isArray()) {
      a.forEach(e -> aud.add(e.asText()));
    } else if (a != null && a.isTextual()) {
      aud.add(a.asText());
    }
    String client = text(payload, "azp");
    if (client == null) {
      client = text(payload, "appid");
    }
    if (client == null) {
      client = text(payload, "client_id");
    }
    String use = text(payload, "typ");
    if (use == null) {
      use = text(payload, "token_use");
    }
    return new Claims(text(header, "alg"), text(header, "typ"), text(payload, "iss"), aud, time(payload, "iat"),
        time(payload, "nbf"), time(payload, "exp"), scopes, client, use);
  }

  private static JsonNode part(String b64) {
    if (b64.isEmpty() || !b64.startsWith("eyJ")) {
      return null;
    }
    try {
      byte[] raw = Base64.getUrlDecoder().decode(b64.replace('+', '-').replace('/', '_').replace("=", ""));
      return JSON.readTree(raw);
    } catch (IllegalArgumentException | JsonProcessingException e) {
      return null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
  }

  private static Long time(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      return v.asLong();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}

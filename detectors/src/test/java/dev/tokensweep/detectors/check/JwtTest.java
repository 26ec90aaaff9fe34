package dev.tokensweep.detectors.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * JWT claims read with jackson-core's streaming parser against the databind tree reading it
 * replaced ({@link #reference}, the previous code): the same claims for headers and payloads whose
 * fields are strings, numbers, booleans, nulls, arrays and objects, and the same nulls for what
 * is not a JWT.
 */
class JwtTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String[] FIELDS = {"alg", "typ", "iss", "aud", "iat", "nbf", "exp", "scp", "scope", "roles",
      "scopes", "azp", "appid", "client_id", "token_use", "sub", "x"};

  private static String randomValue(Random r, int depth) {
    switch (r.nextInt(depth > 1 ? 8 : 10)) {
      case 0: return "\"" + (r.nextBoolean() ? "openid profile,email" : "v" + r.nextInt(1000)) + "\"";
      case 1: return String.valueOf(r.nextInt(2_000_000_000));
      case 2: return String.valueOf(1_700_000_000_000L + r.nextInt(1000));
      case 3: return r.nextInt(3) == 0 ? "1.7E9" : "1700000000.5";
      case 4: return r.nextBoolean() ? "true" : "false";
      case 5: return "null";
      case 6: return "\"" + (1_700_000_000 + r.nextInt(1000)) + "\"";
      case 7: return "\"\"";
      case 8: {
        StringBuilder b = new StringBuilder("[");
        for (int i = r.nextInt(4); i > 0; i--) {
          b.append(randomValue(r, depth + 1)).append(i > 1 ? "," : "");
        }
        return b.append(']').toString();
      }
      default: return "{\"k\": " + randomValue(r, depth + 1) + "}";
    }
  }

  private static String object(Random r) {
    StringBuilder b = new StringBuilder("{");
    for (int i = r.nextInt(8); i >= 0; i--) {
      b.append('"').append(FIELDS[r.nextInt(FIELDS.length)]).append("\": ").append(randomValue(r, 0)).append(i > 0 ? ", " : "");
    }
    return b.append('}').toString();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decode_randomClaims_sameAsDatabindTree() {
    Random r = new Random(41);
    int decoded = 0;
    for (int round = 0; round < 5000; round++) {
      String header = r.nextInt(10) == 0 ? object(r) : "{\"alg\": " + randomValue(r, 1) + ", " + object(r).substring(1);
      String payload = switch (r.nextInt(12)) {
        case 0 -> "[1, 2]";
        case 1 -> "{\"exp\": 17";          // truncated
        case 2 -> object(r) + " trailing";
        default -> object(r);
      };
      byte[] token = (b64(header) + "." + b64(payload) + ".c2ln").getBytes(StandardCharsets.US_ASCII);
      Jwt.Claims want = reference(token);
      assertEquals(want, Jwt.decode(token), "header " + header + " payload " + payload);
      decoded += want != null ? 1 : 0;
    }
    assertTrue(decoded > 2500, "claims decoded in " + decoded + " of 5000 rounds");
  }

  @Test
  void decode_notAJwt_null() {
    for (String t : new String[] {"eyJhbGciOiJIUzI1NiJ9", "eyJ.eyJ.x", "abc.def.ghi", "eyJhbGciOiJIUzI1NiJ9.e30.", ".."}) {
      assertEquals(reference(t.getBytes(StandardCharsets.US_ASCII)), Jwt.decode(t.getBytes(StandardCharsets.US_ASCII)), t);
    }
  }

  /** Decodes {@code token}, or returns null when it is not a JWT with JSON header and payload. */
  static Jwt.Claims reference(byte[] token) {
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
    return new Jwt.Claims(text(header, "alg"), text(header, "typ"), text(payload, "iss"), aud, time(payload, "iat"),
        time(payload, "nbf"), time(payload, "exp"), scopes, client, use);
  }

  private static JsonNode part(String b64) {
    if (b64.isEmpty() || !b64.startsWith("eyJ")) {
      return null;
    }
    try {
      byte[] raw = Base64.getUrlDecoder().decode(b64.replace('+', '-').replace('/', '_').replace("=", ""));
      return MAPPER.readTree(raw);
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
  @Test
  void redacted_onlyWhatHoldsASecretChanges_cleanClaimsAreTheSameObject() {
    String token = new dev.tokensweep.detectors.rule.TokenForge(new Random(3)).base62Crc32("ghp_");
    dev.tokensweep.detectors.engine.Detector d = dev.tokensweep.detectors.engine.Detector.of(
        dev.tokensweep.detectors.rule.Rules.builtin());
    Jwt.Claims clean = new Jwt.Claims("RS256", "JWT", "https://login.example.com", List.of("api"), 1L, null, 2L,
        List.of("repo", "read:user"), "cli", null);
    assertTrue(clean.redacted(d::scrub) == clean, "nothing to redact: the same claims");
    Jwt.Claims dirty = new Jwt.Claims("RS256", "JWT", "https://login.example.com", List.of("api"), 1L, null, 2L,
        List.of("repo", "https://" + token + "/.default"), "cli", null);
    Jwt.Claims r = dirty.redacted(d::scrub);
    assertTrue(r != dirty && !String.join(" ", r.scopes()).contains(token.substring(4)), "the scope's secret redacted");
    assertEquals(List.of("repo"), r.scopes().subList(0, 1), "the clean scope kept");
    assertEquals("https://login.example.com", r.iss());
    dev.tokensweep.detectors.evidence.Evidence e = new dev.tokensweep.detectors.evidence.Evidence("ts.x.1", "x",
        dev.tokensweep.detectors.rule.Kind.ACCESS_TOKEN, dev.tokensweep.detectors.rule.Severity.HIGH, "eyJ…", "f", 10, 4.0,
        dirty, "live", 1L, List.of("https://" + token + "/.default"), null, null, null);
    assertTrue(!String.join(" ", e.withClaimsRedacted(d::scrub).broadScopes()).contains(token.substring(4)),
        "a broad scope (any */.default) redacted with the claims");
  }
}

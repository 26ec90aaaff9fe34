package dev.tokensweep.detectors.check;

import dev.tokensweep.detectors.rule.Kind;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a JWT's header and claims without verifying its signature. Only the claims that decide
 * risk are kept (issuer, audience, times, scopes, client, token use); subject, names and e-mail
 * addresses are personal data and are dropped.
 */
public final class Jwt {
  private Jwt() {}

  // jackson-core's streaming parser, not databind's ObjectMapper: building one cost the scan
  // thread ~150 ms at the first JWT of a run (class loading and initialization), a large share of
  // a small scan's time, for two flat objects whose fields are strings, numbers or string arrays
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /** A JSON value's kind. */
  private enum Kind { STRING, NUMBER, BOOLEAN, NULL, ARRAY, OBJECT }

  /**
   * A JSON value as the claims read it: its text as Jackson's {@code JsonNode.asText()} gives it
   * ("" for an array or object), its number, and an array's elements as text.
   */
  private record Value(Kind kind, String text, Number number, List<String> elements) {}

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

    /**
     * These claims with every text in them put through {@code redact}: a claim may hold another
     * secret (an API key as the client id, a token as a scope), and reports print claims decoded.
     */
    public Claims redacted(java.util.function.UnaryOperator<String> redact) {
      // most claims hold no secret: all their texts go through redact once, joined by line ends
      // (no match crosses one), and only a change there has each redacted on its own; redact
      // returns its argument itself when it changes nothing, as a detector's scrub does (another
      // operator only costs the second pass). Comparing the records cost more than the scrub.
      StringBuilder all = new StringBuilder();
      for (String t : new String[] {alg, typ, iss, clientId, tokenUse}) {
        if (t != null) {
          all.append(t).append('\n');
        }
      }
      aud.forEach(t -> all.append(t).append('\n'));
      scopes.forEach(t -> all.append(t).append('\n'));
      String joined = all.toString();
      if (redact.apply(joined) == joined) {
        return this;
      }
      Claims c = new Claims(apply(redact, alg), apply(redact, typ), apply(redact, iss), applyAll(redact, aud), iat, nbf,
          exp, applyAll(redact, scopes), apply(redact, clientId), apply(redact, tokenUse));
      return c.equals(this) ? this : c;
    }

    private static String apply(java.util.function.UnaryOperator<String> redact, String s) {
      return s == null ? null : redact.apply(s);
    }

    private static List<String> applyAll(java.util.function.UnaryOperator<String> redact, List<String> l) {
      List<String> out = new ArrayList<>(l.size());
      for (String s : l) {
        out.add(redact.apply(s));
      }
      return out;
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
    Map<String, Value> header = part(s.substring(0, d1));
    Map<String, Value> payload = part(s.substring(d1 + 1, d2));
    if (header == null || payload == null || !header.containsKey("alg")) {
      return null;
    }
    List<String> scopes = new ArrayList<>();
    for (String field : new String[] {"scp", "scope", "roles", "scopes"}) {
      Value n = payload.get(field);
      if (n == null) {
        continue;
      }
      if (n.kind() == Kind.ARRAY) {
        scopes.addAll(n.elements());
      } else if (n.kind() == Kind.STRING) {
        for (String p : n.text().split("[ ,]+")) {
          if (!p.isEmpty()) {
            scopes.add(p);
          }
        }
      }
    }
    List<String> aud = new ArrayList<>();
    Value a = payload.get("aud");
    if (a != null && a.kind() == Kind.ARRAY) {
      aud.addAll(a.elements());
    } else if (a != null && a.kind() == Kind.STRING) {
      aud.add(a.text());
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

  /** The fields of a base64url JSON object (the last of duplicates), or null when it is not one. */
  private static Map<String, Value> part(String b64) {
    if (b64.isEmpty() || !b64.startsWith("eyJ")) {
      return null;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(b64.replace('+', '-').replace('/', '_').replace("=", ""));
    } catch (IllegalArgumentException e) {
      return null;
    }
    try (JsonParser p = JSON.createParser(raw)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Map<String, Value> fields = new HashMap<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        String name = p.currentName();
        fields.put(name, value(p, p.nextToken()));
      }
      return fields;
    } catch (IOException e) {
      return null; // not JSON (Jackson's parse exceptions are IOExceptions)
    }
  }

  private static Value value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      throw new IOException("truncated JSON");
    }
    switch (t) {
      case VALUE_STRING:
        return new Value(Kind.STRING, p.getText(), null, null);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT: {
        Number n = p.getNumberValue();
        return new Value(Kind.NUMBER, n.toString(), n, null);
      }
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Value(Kind.BOOLEAN, p.getText(), null, null);
      case VALUE_NULL:
        return new Value(Kind.NULL, "null", null, null);
      case START_ARRAY: {
        List<String> elements = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          elements.add(value(p, e).text());
        }
        return new Value(Kind.ARRAY, "", null, elements);
      }
      case START_OBJECT:
        p.skipChildren();
        return new Value(Kind.OBJECT, "", null, null);
      default:
        throw new IOException("unexpected " + t);
    }
  }

  private static String text(Map<String, Value> n, String field) {
    Value v = n.get(field);
    return v != null && (v.kind() == Kind.STRING || v.kind() == Kind.NUMBER || v.kind() == Kind.BOOLEAN) ? v.text() : null;
  }

  private static Long time(Map<String, Value> n, String field) {
    Value v = n.get(field);
    if (v == null) {
      return null;
    }
    if (v.kind() == Kind.NUMBER) {
      return v.number().longValue();
    }
    if (v.kind() == Kind.STRING) {
      try {
        return Long.parseLong(v.text());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}

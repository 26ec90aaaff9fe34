package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.scanner.model.Validation;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One provider that can be asked whether a token is live, and maybe told to revoke it: which secrets
 * are its own (its rule id prefix and the documented shape of its tokens), the request its
 * documentation gives for "who am I" or introspection, and how to read the answer. Each subclass
 * cites the pages its request and answer were checked against.
 */
abstract class Provider {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String id;
  private final URI base;

  Provider(String id, String base) {
    this.id = id;
    this.base = URI.create(base);
  }

  /** The provider's name in reports ({@code github}). */
  final String id() {
    return id;
  }

  /** Where its API lives: the only host its secrets are ever sent to. */
  final URI defaultBase() {
    return base;
  }

  /** Whether a secret is this provider's and what may be done with it. */
  record Fit(boolean mine, boolean validate, boolean revoke, String reason) {
    static final Fit NOT_MINE = new Fit(false, false, false, null);

    static Fit both() {
      return new Fit(true, true, true, null);
    }

    static Fit validateOnly() {
      return new Fit(true, true, false, null);
    }

    /** Mine, but not checked: {@code reason} says why; {@code revoke} whether it can still be revoked. */
    static Fit skip(String reason, boolean revoke) {
      return new Fit(true, false, revoke, reason);
    }
  }

  /**
   * Whether the secret found by rule {@code ruleId} is this provider's, judged by the rule's prefix
   * and the secret's documented shape (a secret that does not have the shape is never sent).
   */
  abstract Fit fit(String ruleId, String secret, JwtInfo jwt, Instant now);

  /** Where this credential's requests go: {@code base} (the real API, or a test server). */
  URI base(Endpoints endpoints, Credential c) {
    return endpoints.base(this);
  }

  /** The documented "who am I" or introspection request for {@code c}. */
  abstract HttpRequest.Builder check(URI base, Credential c, Instant now);

  /**
   * Reads the answer to {@link #check}. Returns null for answers the provider does not document
   * specially (rate limits, server errors), which then get the generic reading.
   */
  abstract Validation read(Answer a, Credential c, Reply r);

  /**
   * How long the provider asks to be left alone when {@code a} is a rate limit (429 with
   * {@code Retry-After}, RFC 9110 section 10.2.3), or null when it is not one.
   */
  java.time.Duration rateLimit(Answer a, Instant now) {
    if (a.status() != 429) {
      return null;
    }
    return retryAfter(a.header("Retry-After"), now);
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date; a minute when absent or unreadable. */
  static java.time.Duration retryAfter(String h, Instant now) {
    if (h != null) {
      String v = h.strip();
      try {
        return java.time.Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
      } catch (NumberFormatException e) {
        try {
          Instant at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          return java.time.Duration.between(now, at).isNegative() ? java.time.Duration.ZERO : java.time.Duration.between(now, at);
        } catch (java.time.format.DateTimeParseException e2) {
          // fall through
        }
      }
    }
    return java.time.Duration.ofSeconds(60);
  }

  /** The documented revocation request; only called when {@link #fit} allowed revoking. */
  HttpRequest.Builder revoke(URI base, Credential c) {
    throw new UnsupportedOperationException(id + " has no revocation endpoint");
  }

  /** Reads the answer to {@link #revoke}: null when it was revoked, else why it was not. */
  String readRevocation(Answer a) {
    return a.status() / 100 == 2 ? null : "HTTP " + a.status();
  }

  /** Builds the validations of one answer: provider, key and time are filled in. */
  record Reply(String provider, String key, Instant now) {
    Validation live(String identity, String account, List<String> scopes, Long expires) {
      return new Validation(Validation.LIVE, provider, clip(identity), clip(account), scopes == null ? List.of()
          : scopes.stream().map(Provider::clip).filter(s -> s != null && !s.isEmpty()).limit(100).toList(), expires,
          null, now, Validation.SOURCE_REQUEST, key);
    }

    Validation liveBecause(String identity, String account, String reason) {
      return new Validation(Validation.LIVE, provider, clip(identity), clip(account), List.of(), null, reason, now,
          Validation.SOURCE_REQUEST, key);
    }

    Validation invalid(String reason) {
      return new Validation(Validation.INVALID, provider, null, null, List.of(), null, reason, now,
          Validation.SOURCE_REQUEST, key);
    }

    Validation unknown(String reason) {
      return new Validation(Validation.UNKNOWN, provider, null, null, List.of(), null, reason, now,
          Validation.SOURCE_REQUEST, key);
    }
  }

  // ---- helpers for the subclasses

  static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  /**
   * A value from an answer, fit to print: at most 200 characters, control characters gone. Answers
   * come from the network and are as hostile as any input.
   */
  static String clip(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    String t = b.toString().strip();
    return t.isEmpty() ? null : t;
  }

  /** An error code from an answer when it is a plain word (Slack's {@code invalid_auth}); else null. */
  static String word(String s) {
    return s != null && SAFE_WORD.matcher(s).matches() ? s : null;
  }

  /** The answer's body as a JSON object, or null when it is not one. */
  static JsonNode json(Answer a) {
    try {
      JsonNode n = JSON.readTree(a.body());
      return n != null && n.isObject() ? n : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v != null && (v.isTextual() || v.isNumber()) ? v.asText() : null;
  }

  static boolean hasPrefix(String ruleId, String prefix) {
    return ruleId != null && ruleId.startsWith(prefix);
  }

  static String form(String... kv) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  /** {@code base} with {@code path} appended (the base may carry a path of its own, as test servers do). */
  static URI at(URI base, String path) {
    String b = base.toString();
    return URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) + path : b + path);
  }

  static HttpRequest.Builder get(URI base, String path) {
    return HttpRequest.newBuilder(at(base, path)).GET();
  }

  static HttpRequest.Builder postForm(URI base, String path, String body) {
    return HttpRequest.newBuilder(at(base, path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  /** Splits a scope list written with commas and/or spaces. */
  static List<String> scopes(String s) {
    if (s == null || s.isBlank()) {
      return List.of();
    }
    return List.of(s.strip().split("[,\\s]+"));
  }

  /** An ISO-8601 date ({@code 2026-12-01}) or instant as epoch seconds; null when it is neither. */
  static Long epoch(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(s).getEpochSecond();
    } catch (java.time.format.DateTimeParseException e) {
      try {
        return java.time.LocalDate.parse(s).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
      } catch (java.time.format.DateTimeParseException e2) {
        try {
          return java.time.OffsetDateTime.parse(s).toEpochSecond();
        } catch (java.time.format.DateTimeParseException e3) {
          return null;
        }
      }
    }
  }
}

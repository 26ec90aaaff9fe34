package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.scanner.model.Validation;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A provider asked by one documented "who am I" request: the key in one header, a 200 whose JSON
 * names the key's owner, 401 (or another documented status) for a dead key. Most API-key providers
 * are only that, so an instance is one provider described as data: its rules and key shape
 * ({@link ApiKeyProvider}), the request ({@link Ask}) and where its answer says what
 * ({@link Reading}). A provider that answers more than that is a subclass.
 */
class Whoami extends ApiKeyProvider {

  /** How the key travels: {@code Authorization: Bearer KEY}, another scheme, or a header of its own. */
  record Auth(String header, String scheme) {
    static final Auth BEARER = scheme("Bearer");

    static Auth scheme(String scheme) {
      return new Auth("Authorization", scheme + " ");
    }

    static Auth header(String name) {
      return new Auth(name, "");
    }
  }

  /**
   * The request: a {@code GET} of {@code path}, or a {@code POST} without a body (as RPC-style APIs
   * take a call without arguments), with the key as {@code auth} says and the fixed headers the
   * provider asks for.
   */
  record Ask(boolean post, String path, Auth auth, Map<String, String> headers) {
    static Ask get(String path, Auth auth, String... headers) {
      return new Ask(false, path, auth, pairs(headers));
    }

    static Ask post(String path, Auth auth, String... headers) {
      return new Ask(true, path, auth, pairs(headers));
    }

    private static Map<String, String> pairs(String... kv) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        m.put(kv[i], kv[i + 1]);
      }
      return m;
    }
  }

  /**
   * Where a 200 says what, as JSON pointers ({@code /user/email}). {@code required} must be there
   * or the answer is malformed; when {@code alive} is set, its value must be that text or the key
   * is dead ({@code "valid": false}, {@code "status": "disabled"}). {@code identity}, {@code account}
   * and {@code scopes} (an array or a spaced list) are read when present; null is not read.
   * {@code unauthorized} is what a 401 says; {@code deadStatus} another status that, with a JSON
   * body at {@code deadPointer} (true or a text; null: any JSON object), is documented as a dead
   * key, saying {@code deadReason}. A status like that without the provider's JSON (a proxy's page)
   * says nothing.
   */
  record Reading(String required, String alive, String identity, String account, String scopes, String unauthorized,
      int deadStatus, String deadPointer, String deadReason) {

    static Reading at(String required) {
      return new Reading(required, null, null, null, null, "HTTP 401 unauthorized", 0, null, null);
    }

    /** Live only when {@code required} holds {@code value}; dead otherwise. */
    static Reading when(String required, String value) {
      return new Reading(required, value, null, null, null, "HTTP 401 unauthorized", 0, null, null);
    }

    Reading identity(String pointer) {
      return new Reading(required, alive, pointer, account, scopes, unauthorized, deadStatus, deadPointer, deadReason);
    }

    Reading account(String pointer) {
      return new Reading(required, alive, identity, pointer, scopes, unauthorized, deadStatus, deadPointer, deadReason);
    }

    Reading scopes(String pointer) {
      return new Reading(required, alive, identity, account, pointer, unauthorized, deadStatus, deadPointer, deadReason);
    }

    Reading unauthorized(String reason) {
      return new Reading(required, alive, identity, account, scopes, reason, deadStatus, deadPointer, deadReason);
    }

    Reading deadOn(int status, String pointer, String reason) {
      return new Reading(required, alive, identity, account, scopes, unauthorized, status, pointer, reason);
    }
  }

  private final Ask ask;
  private final Reading reading;

  /**
   * An OpenAI-style model list ({@code GET path} with a bearer key, answering {@code data}): what
   * AI providers document for a key alone. It says whether the key is accepted, nothing of whose.
   */
  static Whoami models(String name, String base, String rulePrefix, Pattern shape, String path) {
    return new Whoami(name, base, rulePrefix, shape, null, Ask.get(path, Auth.BEARER), Reading.at("/data"));
  }

  Whoami(String name, String base, String rulePrefix, Pattern shape, String otherShape, Ask ask, Reading reading) {
    super(name, base, rulePrefix, shape, otherShape, reading.unauthorized());
    this.ask = ask;
    this.reading = reading;
  }

  @Override
  HttpRequest.Builder check(URI base, Credential c, Instant now) {
    HttpRequest.Builder b = ask.post() ? HttpRequest.newBuilder(at(base, ask.path())).POST(HttpRequest.BodyPublishers.noBody())
        : get(base, ask.path());
    b.header(ask.auth().header(), ask.auth().scheme() + c.secret());
    ask.headers().forEach(b::header);
    return b;
  }

  @Override
  Validation live(Answer a, JsonNode j, Reply r) {
    JsonNode required = j == null ? null : j.at(reading.required());
    if (required == null || required.isMissingNode() || required.isNull()) {
      return r.unknown("malformed answer (no " + reading.required() + ")");
    }
    if (reading.alive() != null && !reading.alive().equals(required.asText())) {
      String said = word(required.asText());
      return r.invalid(id() + ": " + reading.required().substring(1) + " is " + (said == null ? "not " + reading.alive() : said));
    }
    return r.live(value(j, reading.identity()), value(j, reading.account()), list(j, reading.scopes()), null);
  }

  @Override
  Validation other(Answer a, JsonNode j, Reply r) {
    if (a.status() == reading.deadStatus() && j != null && (reading.deadPointer() == null || said(j, reading.deadPointer()))) {
      return r.invalid(reading.deadReason());
    }
    return null;
  }

  /** The text, number or boolean at {@code pointer}; null when there is none or {@code pointer} is null. */
  static String value(JsonNode j, String pointer) {
    if (j == null || pointer == null) {
      return null;
    }
    JsonNode v = j.at(pointer);
    return v.isTextual() || v.isNumber() || v.isBoolean() ? v.asText() : null;
  }

  private static boolean said(JsonNode j, String pointer) {
    JsonNode v = j.at(pointer);
    return v.asBoolean(false) || v.isTextual() && !v.asText().isBlank();
  }

  private static List<String> list(JsonNode j, String pointer) {
    if (pointer == null) {
      return List.of();
    }
    JsonNode v = j.at(pointer);
    if (v.isArray()) {
      List<String> out = new ArrayList<>();
      v.forEach(x -> out.add(x.asText()));
      return out;
    }
    return v.isTextual() ? scopes(v.asText()) : List.of();
  }
}

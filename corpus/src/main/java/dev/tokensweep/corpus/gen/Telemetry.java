package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.rule.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** OTLP JSON traces, Sentry envelopes and HAR files, with the headers, cookies and bodies that leak. */
final class Telemetry {
  private Telemetry() {}

  static List<Leaf> all(Host h) {
    List<Leaf> out = new ArrayList<>();
    out.add(otlp(h, SourceType.TELEMETRY));
    out.add(sentry(h, SourceType.TELEMETRY));
    out.add(har(h, SourceType.HAR, "portal.har"));
    return out;
  }

  /** OTLP/JSON: hex trace and span ids, int64 as strings, request headers as string arrays. */
  static Leaf otlp(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    b.line("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"orders\"}},"
        + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"" + h.hostname + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"io.opentelemetry.okhttp-3.0\"},\"spans\":[");
    int n = 6 + h.random.nextInt(6);
    for (int i = 0; i < n; i++) {
      long start = h.tick(5000) * 1_000_000_000L + h.random.nextInt(1_000_000_000);
      b.add("{\"traceId\":\"" + h.forge.hex(32) + "\",\"spanId\":\"" + h.forge.hex(16) + "\",\"parentSpanId\":\"" + h.forge.hex(16)
          + "\",\"name\":\"GET\",\"kind\":3,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + (start + 4_000_000 + h.random.nextInt(90_000_000))
          + "\",\"attributes\":[{\"key\":\"http.request.method\",\"value\":{\"stringValue\":\"GET\"}},");
      if (i == 2) {
        b.add("{\"key\":\"http.request.header.authorization\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"Bearer ")
            .plant(h.forge.msAccessJwt(h.random.nextBoolean(), h.tenant), "OTLP http.request.header.authorization").add("\"}]}}},");
      } else if (i == 4) {
        b.add("{\"key\":\"url.full\",\"value\":{\"stringValue\":\"https://api.partner.example/v2/export?access_token=")
            .plant(h.forge.opaqueField(Kind.ACCESS_TOKEN), "OTLP url.full access_token").add("&since=2026-11-01\"}},");
      } else {
        b.add("{\"key\":\"http.request.header.authorization\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"[REDACTED]\"}]}}},");
      }
      b.add("{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"200\"}}],\"status\":{}}").line(i + 1 < n ? "," : "");
    }
    b.line("]}]}]}");
    return b.leaf("otlp/traces-" + h.shortHost() + ".json");
  }

  /** A Sentry envelope: header line, item header with the payload length, event payload. */
  static Leaf sentry(Host h, SourceType source) {
    TextBuilder payload = new TextBuilder(source);
    String id = h.forge.hex(32);
    payload.add("{\"event_id\":\"" + id + "\",\"level\":\"error\",\"platform\":\"python\",\"exception\":{\"values\":[{\"type\":\"HTTPError\",\"value\":\"401 Client Error: Unauthorized\"}]},"
        + "\"request\":{\"url\":\"https://app.acme.example/api/export\",\"method\":\"GET\",\"query_string\":\"access_token=")
        .plant(h.forge.opaqueField(Kind.ACCESS_TOKEN), "Sentry request.query_string").add("&page=2\",\"headers\":{\"Authorization\":\"[Filtered]\",\"Cookie\":\"session=")
        .plant(h.forge.sessionCookie(), "Sentry request.headers.Cookie").add("; theme=dark\",\"User-Agent\":\"python-requests/2.31.0\"}},\"contexts\":{\"trace\":{\"trace_id\":\""
        + h.forge.hex(32) + "\",\"span_id\":\"" + h.forge.hex(16) + "\"}}}");
    Leaf p = payload.leaf("x");
    String head = "{\"event_id\":\"" + id + "\",\"dsn\":\"https://" + h.forge.hex(32) + "@o4506.ingest.sentry.io/4506\",\"sent_at\":\"" + h.iso() + "\"}\n"
        + "{\"type\":\"event\",\"length\":" + p.bytes().length + "}\n";
    TextBuilder b = new TextBuilder(source);
    b.add(head);
    long base = b.size();
    List<Planted> shifted = new ArrayList<>();
    for (Planted x : p.planted()) {
      shifted.add(new Planted(x.suffix(), x.line() + 2, x.column(), x.offset() + base, x.entry(), x.encoding(), x.jsonPath(), x.kind(),
          x.provider(), x.source(), x.fingerprint(), x.length(), x.status(), x.requires(), x.context()));
    }
    byte[] all = new byte[(int) base + p.bytes().length + 1];
    System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, all, 0, (int) base);
    System.arraycopy(p.bytes(), 0, all, (int) base, p.bytes().length);
    all[all.length - 1] = '\n';
    return new Leaf("sentry/" + id + ".envelope", all, shifted);
  }

  /** A HAR from a browser's dev tools: bearer header, cookies, a refresh-token form post and a token response. */
  static Leaf har(Host h, SourceType source, String name) {
    TextBuilder b = new TextBuilder(source);
    Token jwt = h.forge.oauthJwt("https://login.acme.example/", "portal", "openid profile orders.read", h.random.nextBoolean());
    Token cookie = h.forge.sessionCookie();
    b.line("{").line("  \"log\": {").line("    \"version\": \"1.2\",").line("    \"creator\": {\"name\": \"WebInspector\", \"version\": \"537.36\"},")
        .line("    \"entries\": [").line("      {").line("        \"startedDateTime\": \"2026-11-02T10:11:12.345Z\",").line("        \"request\": {")
        .line("          \"method\": \"GET\",").line("          \"url\": \"https://portal.acme.example/api/orders?page=1\",").line("          \"headers\": [")
        .line("            {\"name\": \"Accept\", \"value\": \"application/json\"},")
        .add("            {\"name\": \"Authorization\", \"value\": \"Bearer ").plant(jwt, "HAR request header Authorization").line("\"},")
        .add("            {\"name\": \"Cookie\", \"value\": \"session=").plant(cookie, "HAR request header Cookie").line("; _ga=GA1.2.1234567890.1793620000\"}")
        .line("          ],").line("          \"cookies\": [")
        .add("            {\"name\": \"session\", \"value\": \"").plant(cookie.withRule(Capability.SESSION_COOKIE), "HAR request cookies[]").line("\", \"httpOnly\": true}")
        .line("          ],").line("          \"queryString\": [{\"name\": \"page\", \"value\": \"1\"}]").line("        },")
        .line("        \"response\": {\"status\": 200, \"content\": {\"mimeType\": \"application/json\", \"text\": \"{\\\"orders\\\":[],\\\"etag\\\":\\\"" + h.forge.hex(40) + "\\\"}\"}}")
        .line("      },").line("      {").line("        \"startedDateTime\": \"2026-11-02T10:41:12.345Z\",").line("        \"request\": {")
        .line("          \"method\": \"POST\",").line("          \"url\": \"https://login.acme.example/oauth2/token\",")
        .line("          \"headers\": [{\"name\": \"Content-Type\", \"value\": \"application/x-www-form-urlencoded\"}],")
        .add("          \"postData\": {\"mimeType\": \"application/x-www-form-urlencoded\", \"text\": \"grant_type=refresh_token&refresh_token=")
        .plant(h.forge.opaqueField(Kind.REFRESH_TOKEN), "HAR postData refresh_token").line("&client_id=portal\"}")
        .line("        },").line("        \"response\": {").line("          \"status\": 200,")
        .add("          \"content\": {\"mimeType\": \"application/json\", \"text\": \"{\\\"access_token\\\":\\\"")
        .plant(h.forge.oauthJwt("https://login.acme.example/", "portal", "openid profile orders.read", true), "HAR response access_token (JSON in a string)")
        .add("\\\",\\\"refresh_token\\\":\\\"").plant(h.forge.opaqueField(Kind.REFRESH_TOKEN), "HAR response refresh_token (JSON in a string)", Capability.JSON_ESCAPED)
        .line("\\\",\\\"token_type\\\":\\\"Bearer\\\",\\\"expires_in\\\":3599}\"}")
        .line("        }").line("      }").line("    ]").line("  }").line("}");
    return b.leaf(name);
  }
}

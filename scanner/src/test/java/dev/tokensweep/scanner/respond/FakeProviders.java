package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Local HTTPS servers on 127.0.0.1 that answer as each provider's documentation says it answers:
 * the documented success body and headers for a live token, the documented error for an invalid
 * or revoked one, and on demand a rate limit (429 with {@code Retry-After}), a slow answer, a
 * malformed one, or a redirect to another host (a decoy server that counts what reaches it). Every
 * request is checked against the provider's documented method, path, headers and body; a request
 * that does not match is answered 400 and listed in {@link #violations()}.
 */
final class FakeProviders implements AutoCloseable {

  /** {@code ECHO}: the answer quotes the token it was sent where the provider puts its own text ({@link #echo}). */
  enum Mode { LIVE, INVALID, RATE_LIMITED, SLOW, MALFORMED, REDIRECT, ECHO }

  /** A request as received; headers by lower-case name. */
  record Req(String provider, String method, String path, String query, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    String bearer() {
      String a = header("authorization");
      return a != null && a.startsWith("Bearer ") ? a.substring(7) : null;
    }

    Map<String, String> form() {
      return parseForm(body);
    }

    @Override
    public String toString() {
      return "Req[" + provider + " " + method + " " + path + "]"; // never the headers: they hold tokens
    }
  }

  record Resp(int status, Map<String, String> headers, String body) {
    static Resp json(int status, String body) {
      return new Resp(status, Map.of("Content-Type", "application/json"), body);
    }
  }

  static final long SLOW_MILLIS = 2000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final HttpsServer decoy;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-provider");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  private final List<Req> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private final Map<String, String> awsKeys = new ConcurrentHashMap<>();
  private final AtomicInteger decoyHits = new AtomicInteger();

  FakeProviders() throws IOException {
    this(TestTls.trusted().server());
  }

  /** Servers presenting a certificate from {@code tls} (the rogue CA's, to test that it is refused). */
  FakeProviders(SSLContext tls) throws IOException {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    server = HttpsServer.create(new InetSocketAddress(lo, 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
    decoy = HttpsServer.create(new InetSocketAddress(lo, 0), 0);
    decoy.setHttpsConfigurator(new HttpsConfigurator(tls));
    decoy.setExecutor(pool);
    decoy.createContext("/", ex -> {
      decoyHits.incrementAndGet();
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    decoy.start();
  }

  /** Base URIs for every provider under this server, and the client TLS that trusts it. */
  Endpoints endpoints() {
    Map<String, URI> bases = new LinkedHashMap<>();
    for (Provider p : Providers.ALL) {
      bases.put(p.id(), base(p.id()));
    }
    return new Endpoints(bases, TestTls.trusted().client());
  }

  URI base(String provider) {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/" + provider);
  }

  void mode(String provider, Mode m) {
    modes.put(provider, m);
  }

  /** An AWS key pair the STS fake knows: requests signed with it are answered live. */
  void awsKey(String keyId, String secret) {
    awsKeys.put(keyId, secret);
  }

  List<Req> requests() {
    synchronized (requests) {
      return new ArrayList<>(requests);
    }
  }

  List<Req> requests(String provider) {
    return requests().stream().filter(r -> r.provider().equals(provider)).toList();
  }

  List<String> violations() {
    synchronized (violations) {
      return new ArrayList<>(violations);
    }
  }

  int decoyHits() {
    return decoyHits.get();
  }

  boolean isRevoked(String token) {
    return revoked.contains(token);
  }

  void reset() {
    requests.clear();
    violations.clear();
    modes.clear();
    revoked.clear();
    decoyHits.set(0);
  }

  @Override
  public void close() {
    server.stop(0);
    decoy.stop(0);
    pool.shutdownNow();
  }

  // ------------------------------------------------------------------ dispatch

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String full = ex.getRequestURI().getRawPath();
      int slash = full.indexOf('/', 1);
      String provider = slash < 0 ? full.substring(1) : full.substring(1, slash);
      String path = slash < 0 ? "/" : full.substring(slash);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      String body = new String(ex.getRequestBody().readNBytes(1 << 20), StandardCharsets.UTF_8);
      Req req = new Req(provider, ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), headers, body);
      requests.add(req);
      Resp resp = answer(req);
      byte[] out = resp.body() == null ? new byte[0] : resp.body().getBytes(StandardCharsets.UTF_8);
      resp.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.sendResponseHeaders(resp.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (IOException e) {
      // the client went away (a timeout): nothing to answer
    }
  }

  private Resp answer(Req r) {
    Mode m = modes.getOrDefault(r.provider(), Mode.LIVE);
    if (m == Mode.ECHO) {
      return echo(r);
    }
    boolean revocation = isRevocation(r);
    if (!revocation) {
      switch (m) {
        case RATE_LIMITED -> {
          return new Resp(429, Map.of("Retry-After", "120", "Content-Type", "application/json"), "{\"message\":\"slow down\"}");
        }
        case SLOW -> sleep(SLOW_MILLIS);
        case MALFORMED -> {
          return new Resp(200, Map.of("Content-Type", "application/json"), "<html>{\"login\": oops</html>");
        }
        case REDIRECT -> {
          return new Resp(302, Map.of("Location", "https://localhost:" + decoy.getAddress().getPort() + "/steal"), "");
        }
        default -> { }
      }
    }
    boolean live = m != Mode.INVALID;
    return switch (r.provider()) {
      case "github" -> github(r, live);
      case "gitlab" -> gitlab(r, live);
      case "slack" -> slack(r, live);
      case "google" -> google(r, live);
      case "microsoft" -> microsoft(r, live);
      case "okta" -> okta(r, live);
      case "npm" -> simpleBearer(r, live, "GET", "/-/whoami", "{\"username\":\"npm-test\"}",
          "{\"error\":\"You must be logged in\"}", 401, Map.of("accept", "application/json"));
      case "aws" -> aws(r, live);
      case "openai" -> openai(r, live);
      case "anthropic" -> anthropic(r, live);
      case "stripe" -> simpleBearer(r, live, "GET", "/v1/account",
          "{\"id\":\"acct_1TestAccount\",\"object\":\"account\",\"email\":\"billing@example.com\"}",
          "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key provided\"}}", 401, Map.of());
      case "huggingface" -> simpleBearer(r, live, "GET", "/api/whoami-v2",
          "{\"type\":\"user\",\"id\":\"0123abcd\",\"name\":\"hf-test\",\"fullname\":\"HF Test\",\"auth\":{\"type\":\"access_token\","
              + "\"accessToken\":{\"displayName\":\"ci\",\"role\":\"write\"}}}",
          "{\"error\":\"Invalid credentials in Authorization header\"}", 401, Map.of());
      case "sendgrid" -> simpleBearer(r, live, "GET", "/v3/scopes", "{\"scopes\":[\"mail.send\",\"alerts.read\"]}",
          "{\"errors\":[{\"field\":null,\"message\":\"authorization required\"}]}", 401, Map.of());
      case "digitalocean" -> simpleBearer(r, live, "GET", "/v2/account",
          "{\"account\":{\"droplet_limit\":25,\"email\":\"sammy@example.com\",\"name\":\"Sammy\",\"uuid\":\"b6fr89dbf6d9156cace5f3c78dc9851d957381ef\","
              + "\"email_verified\":true,\"status\":\"active\",\"status_message\":\" \",\"team\":{\"uuid\":\"5df3e300\",\"name\":\"My Team\"}}}",
          "{\"id\":\"unauthorized\",\"message\":\"Unable to authenticate you.\"}", 401, Map.of());
      case "postman" -> postman(r, live);
      case "cloudflare" -> simpleBearer(r, live, "GET", "/client/v4/user/tokens/verify",
          "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"id\":\"f267e341f3dd4697bd3b9f71dd96247f\",\"status\":\"active\","
              + "\"not_before\":\"2018-07-01T05:20:00Z\",\"expires_on\":\"2030-01-01T00:00:00Z\"}}",
          "{\"success\":false,\"errors\":[{\"code\":1000,\"message\":\"Invalid API Token\"}],\"messages\":[],\"result\":null}", 401, Map.of());
      case "heroku" -> simpleBearer(r, live, "GET", "/account",
          "{\"id\":\"01234567-89ab-cdef-0123-456789abcdef\",\"email\":\"username@example.com\",\"name\":\"Tina Edmonds\"}",
          "{\"id\":\"unauthorized\",\"message\":\"Invalid credentials provided.\"}", 401,
          Map.of("accept", "application/vnd.heroku+json; version=3"));
      case "vercel" -> simpleBearer(r, live, "GET", "/v2/user",
          "{\"user\":{\"id\":\"AEIIDYVk59zbFF2Sxfyxxmua\",\"email\":\"me@example.com\",\"username\":\"jane-doe\",\"name\":\"Jane\"}}",
          "{\"error\":{\"code\":\"forbidden\",\"message\":\"Not authorized\",\"invalidToken\":true}}", 403, Map.of());
      case "netlify" -> simpleBearer(r, live, "GET", "/api/v1/user",
          "{\"id\":\"5c2f4a9d1d2b3c0012ab34cd\",\"email\":\"dev@example.com\",\"full_name\":\"Dev Example\"}",
          "{\"code\":401,\"message\":\"Access Denied: Invalid token\"}", 401, Map.of());
      case "notion" -> simpleBearer(r, live, "GET", "/v1/users/me",
          "{\"object\":\"user\",\"id\":\"16d84278-ab0e-484c-9bdd-b35da3bd8905\",\"name\":\"pied piper\",\"avatar_url\":null,"
              + "\"type\":\"bot\",\"bot\":{\"owner\":{\"type\":\"workspace\",\"workspace\":true},\"workspace_name\":\"Hooli\"}}",
          "{\"object\":\"error\",\"status\":401,\"code\":\"unauthorized\",\"message\":\"API token is invalid.\"}", 401,
          Map.of("notion-version", "2022-06-28"));
      case "circleci" -> keyed(r, live, "GET", "/api/v2/me", "circle-token", "",
          "{\"id\":\"97c8d1a6-2b1e-4c5f-9a43-0b6a1e2f3c4d\",\"login\":\"ci-dev\",\"name\":\"CI Dev\"}",
          "{\"message\":\"You must log in first.\"}", 401, Map.of());
      case "terraform" -> simpleBearer(r, live, "GET", "/api/v2/account/details",
          "{\"data\":{\"id\":\"user-V3R563qtJNcExAkN\",\"type\":\"users\",\"attributes\":{\"username\":\"admin\","
              + "\"is-service-account\":false,\"email\":\"admin@example.com\"}}}",
          "{\"errors\":[{\"status\":\"401\",\"title\":\"unauthorized\"}]}", 401, Map.of("content-type", "application/vnd.api+json"));
      case "dropbox" -> dropbox(r, live);
      case "datadog" -> keyed(r, live, "GET", "/api/v1/validate", "dd-api-key", "", "{\"valid\":true}",
          "{\"errors\":[\"Forbidden\"]}", 403, Map.of());
      case "figma" -> keyed(r, live, "GET", "/v1/me", "x-figma-token", "",
          "{\"id\":\"1234567890\",\"email\":\"designer@example.com\",\"handle\":\"Designer\",\"img_url\":\"https://x.example/a.png\"}",
          "{\"status\":403,\"err\":\"Invalid token\"}", 403, Map.of());
      case "airtable" -> simpleBearer(r, live, "GET", "/v0/meta/whoami",
          "{\"id\":\"usrL2PNC5o3H4lBEi\",\"email\":\"foo@bar.com\",\"scopes\":[\"schema.bases:read\",\"data.records:read\"]}",
          "{\"error\":{\"type\":\"AUTHENTICATION_REQUIRED\",\"message\":\"Authentication required\"}}", 401, Map.of());
      case "snyk" -> keyed(r, live, "GET", "/rest/self?version=2024-06-10", "authorization", "token ",
          "{\"jsonapi\":{\"version\":\"1.0\"},\"data\":{\"type\":\"user\",\"id\":\"55a348e2-c3ad-4bbc-b40e-9b232d1f4121\","
              + "\"attributes\":{\"name\":\"Sam\",\"username\":\"sam-snyk\",\"email\":\"sam@example.com\"}}}",
          "{\"jsonapi\":{\"version\":\"1.0\"},\"errors\":[{\"status\":\"401\",\"detail\":\"Unauthorized\"}]}", 401, Map.of());
      case "cohere" -> simpleBearer(r, live, "POST", "/v1/check-api-key",
          "{\"valid\":true,\"organization_id\":\"org-0123\",\"owner_id\":\"owner-4567\"}", "{\"message\":\"invalid api token\"}", 401,
          Map.of());
      case "openrouter" -> simpleBearer(r, live, "GET", "/api/v1/key",
          "{\"data\":{\"label\":\"sk-or-v1-0e6...1c96\",\"limit\":null,\"usage\":0.12,\"is_free_tier\":false}}",
          "{\"error\":{\"message\":\"No auth credentials found\",\"code\":401}}", 401, Map.of());
      case "xai" -> simpleBearer(r, live, "GET", "/v1/api-key",
          "{\"redacted_api_key\":\"xai-...b14o\",\"user_id\":\"59fbe5f2\",\"name\":\"ci key\",\"team_id\":\"5ea6f6bd\","
              + "\"acls\":[\"api-key:model:*\",\"api-key:endpoint:*\"],\"api_key_id\":\"ae1e1841\",\"team_blocked\":false,"
              + "\"api_key_blocked\":false,\"api_key_disabled\":false}",
          "{\"code\":\"Client specified an invalid argument\",\"error\":\"Incorrect API key provided\"}", 400, Map.of());
      case "asana" -> simpleBearer(r, live, "GET", "/api/1.0/users/me",
          "{\"data\":{\"gid\":\"12345\",\"email\":\"gsanchez@example.com\",\"name\":\"Greg Sanchez\",\"resource_type\":\"user\"}}",
          "{\"errors\":[{\"message\":\"Not Authorized\"}]}", 401, Map.of());
      case "discord" -> keyed(r, live, "GET", "/api/v10/users/@me", "authorization", "Bot ",
          "{\"id\":\"80351110224678912\",\"username\":\"release-bot\",\"discriminator\":\"0\",\"bot\":true}",
          "{\"message\":\"401: Unauthorized\",\"code\":0}", 401, Map.of());
      case "replicate" -> simpleBearer(r, live, "GET", "/v1/account",
          "{\"type\":\"organization\",\"username\":\"acme\",\"name\":\"Acme Corp\",\"github_url\":\"https://github.com/acme\"}",
          "{\"title\":\"Unauthenticated\",\"detail\":\"You did not pass a valid authentication token\",\"status\":401}", 401, Map.of());
      case "groq", "mistral", "deepseek" -> simpleBearer(r, live, "GET", Map.of("groq", "/openai/v1/models", "mistral", "/v1/models",
          "deepseek", "/models").get(r.provider()), "{\"object\":\"list\",\"data\":[{\"id\":\"model-a\",\"object\":\"model\"}]}",
          "{\"error\":{\"message\":\"Invalid API Key\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", 401, Map.of());
      case "together" -> simpleBearer(r, live, "GET", "/v1/models",
          "[{\"id\":\"Austism/chronos-hermes-13b\",\"object\":\"model\",\"created\":1692896905,\"type\":\"chat\"}]",
          "{\"error\":{\"message\":\"Invalid API key provided\",\"type\":\"invalid_request_error\"}}", 401, Map.of());
      default -> violation(r, "no such provider");
    };
  }

  /**
   * A server that says back what it was sent, in the fields that reach a report: GitHub's login
   * and scopes, GitLab's token name and scopes, Slack's error code (for a check and a revocation).
   */
  private Resp echo(Req r) {
    return switch (r.provider()) {
      case "github" -> r.bearer() == null ? violation(r, "no bearer token") : new Resp(200, Map.of("Content-Type",
          "application/json", "X-OAuth-Scopes", "repo, " + r.bearer()), "{\"login\":\"octo " + r.bearer() + "\",\"id\":1}");
      case "gitlab" -> r.header("private-token") == null ? violation(r, "no PRIVATE-TOKEN header")
          : Resp.json(200, "{\"id\":4,\"name\":\"ci " + r.header("private-token") + "\",\"scopes\":[\"api\",\""
              + r.header("private-token") + "\"],\"user_id\":24,\"active\":true}");
      case "slack" -> r.bearer() == null ? violation(r, "no bearer token")
          : Resp.json(200, "{\"ok\":false,\"error\":\"" + r.bearer() + "\"}");
      default -> violation(r, "no echo for this provider");
    };
  }

  private static boolean isRevocation(Req r) {
    return r.path().endsWith("/revoke") || r.path().endsWith("auth.revoke") || r.method().equals("DELETE");
  }

  private Resp violation(Req r, String what) {
    violations.add(r.provider() + " " + r.method() + " " + r.path() + ": " + what);
    return Resp.json(400, "{\"message\":\"request does not follow the documentation: " + what + "\"}");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean alive(String token, boolean live) {
    return live && token != null && !revoked.contains(token);
  }

  private Resp simpleBearer(Req r, boolean live, String method, String path, String ok, String bad, int badStatus,
      Map<String, String> requiredHeaders) {
    return keyed(r, live, method, path, "authorization", "Bearer ", ok, bad, badStatus, requiredHeaders);
  }

  /**
   * A provider that takes the key in {@code header} after {@code scheme} ({@code "Bearer "}, or
   * {@code ""} for a header of its own) at {@code method path} (with its query, if it has one).
   */
  private Resp keyed(Req r, boolean live, String method, String path, String header, String scheme, String ok, String bad,
      int badStatus, Map<String, String> requiredHeaders) {
    String target = r.query() == null ? r.path() : r.path() + "?" + r.query();
    if (!r.method().equals(method) || !target.equals(path)) {
      return violation(r, "expected " + method + " " + path);
    }
    for (Map.Entry<String, String> h : requiredHeaders.entrySet()) {
      if (!h.getValue().equals(r.header(h.getKey()))) {
        return violation(r, "header " + h.getKey());
      }
    }
    String value = r.header(header);
    if (value == null || !value.startsWith(scheme) || value.length() == scheme.length()) {
      return violation(r, "no key in " + header);
    }
    return alive(value.substring(scheme.length()), live) ? Resp.json(200, ok) : Resp.json(badStatus, bad);
  }

  // ------------------------------------------------------------------ providers

  /** https://docs.github.com/en/rest/users/users#get-the-authenticated-user and the revocation API. */
  private Resp github(Req r, boolean live) {
    if (r.path().equals("/credentials/revoke")) {
      if (!r.method().equals("POST") || r.header("authorization") != null) {
        return violation(r, "credential revocation must be an unauthenticated POST");
      }
      if (!"application/vnd.github+json".equals(r.header("accept"))) {
        return violation(r, "accept header");
      }
      try {
        JsonNode j = JSON.readTree(r.body());
        if (!j.path("credentials").isArray() || j.path("credentials").isEmpty()) {
          return violation(r, "body needs a credentials array");
        }
        j.path("credentials").forEach(c -> revoked.add(c.asText()));
      } catch (IOException e) {
        return violation(r, "body is not JSON");
      }
      return Resp.json(202, "{}");
    }
    if (!"application/vnd.github+json".equals(r.header("accept")) || !"2022-11-28".equals(r.header("x-github-api-version"))) {
      return violation(r, "accept and api version headers");
    }
    String token = r.bearer();
    if (token == null) {
      return violation(r, "no bearer token");
    }
    if (r.path().equals("/installation/token") && r.method().equals("DELETE")) {
      revoked.add(token);
      return new Resp(204, Map.of(), "");
    }
    Map<String, String> bad = Map.of("Content-Type", "application/json");
    String badBody = "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}";
    if (r.path().equals("/installation/repositories") && r.method().equals("GET")) {
      return alive(token, live) ? Resp.json(200, "{\"total_count\":3,\"repositories\":[]}") : new Resp(401, bad, badBody);
    }
    if (!r.path().equals("/user") || !r.method().equals("GET")) {
      return violation(r, "expected GET /user");
    }
    if (!alive(token, live)) {
      return new Resp(401, bad, badBody);
    }
    return new Resp(200, Map.of("Content-Type", "application/json", "X-OAuth-Scopes", "repo, gist",
        "GitHub-Authentication-Token-Expiration", "2026-12-31 10:00:00 UTC"), "{\"login\":\"octo-test\",\"id\":1,\"type\":\"User\"}");
  }

  /** https://docs.gitlab.com/api/personal_access_tokens/ and runners/verify. */
  private Resp gitlab(Req r, boolean live) {
    if (r.path().equals("/api/v4/runners/verify")) {
      if (!r.method().equals("POST") || r.form().get("token") == null) {
        return violation(r, "runner verify is a POST with token");
      }
      return alive(r.form().get("token"), live) ? Resp.json(200, "{\"id\":7,\"token_expires_at\":null}")
          : Resp.json(403, "{\"message\":\"403 Forbidden\"}");
    }
    if (!r.path().equals("/api/v4/personal_access_tokens/self")) {
      return violation(r, "expected /api/v4/personal_access_tokens/self");
    }
    String token = r.header("private-token");
    if (token == null) {
      return violation(r, "no PRIVATE-TOKEN header");
    }
    if (r.method().equals("DELETE")) {
      if (!alive(token, true)) {
        return Resp.json(401, "{\"message\":\"401 Unauthorized\"}");
      }
      revoked.add(token);
      return new Resp(204, Map.of(), "");
    }
    if (!r.method().equals("GET")) {
      return violation(r, "expected GET");
    }
    return alive(token, live) ? Resp.json(200, "{\"id\":4,\"name\":\"ci token\",\"revoked\":false,\"created_at\":\"2026-01-02T10:00:00.000Z\","
        + "\"scopes\":[\"api\",\"read_repository\"],\"user_id\":24,\"last_used_at\":null,\"active\":true,\"expires_at\":\"2026-12-31\"}")
        : Resp.json(401, "{\"message\":\"401 Unauthorized\"}");
  }

  /** https://docs.slack.dev/reference/methods/auth.test and auth.revoke. */
  private Resp slack(Req r, boolean live) {
    if (!r.method().equals("POST")) {
      return violation(r, "slack methods are POSTs");
    }
    String token = r.bearer();
    if (token == null) {
      return violation(r, "no bearer token");
    }
    if (r.path().equals("/api/auth.revoke")) {
      revoked.add(token);
      return Resp.json(200, "{\"ok\":true,\"revoked\":true}");
    }
    if (!r.path().equals("/api/auth.test")) {
      return violation(r, "expected /api/auth.test");
    }
    if (revoked.contains(token)) {
      return Resp.json(200, "{\"ok\":false,\"error\":\"token_revoked\"}");
    }
    if (!live) {
      return Resp.json(200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
    }
    return new Resp(200, Map.of("Content-Type", "application/json", "x-oauth-scopes", "chat:write,channels:read"),
        "{\"ok\":true,\"url\":\"https://subarachnoid.slack.com/\",\"team\":\"Subarachnoid Workspace\",\"user\":\"grace\","
            + "\"team_id\":\"T12345678\",\"user_id\":\"W12345678\"}");
  }

  /** Google's tokeninfo and revoke endpoints. */
  private Resp google(Req r, boolean live) {
    if (r.path().equals("/revoke")) {
      if (!r.method().equals("POST") || r.form().get("token") == null
          || !String.valueOf(r.header("content-type")).startsWith("application/x-www-form-urlencoded")) {
        return violation(r, "revoke is a form POST with token");
      }
      String t = r.form().get("token");
      if (!alive(t, true)) {
        return Resp.json(400, "{\"error\":\"invalid_token\",\"error_description\":\"Token expired or revoked\"}");
      }
      revoked.add(t);
      return Resp.json(200, "{}");
    }
    if (!r.path().equals("/tokeninfo") || !r.method().equals("GET")) {
      return violation(r, "expected GET /tokeninfo");
    }
    String token = parseForm(r.query()).get("access_token");
    if (token == null) {
      return violation(r, "no access_token parameter");
    }
    return alive(token, live) ? Resp.json(200, "{\"azp\":\"1234.apps.googleusercontent.com\",\"aud\":\"1234.apps.googleusercontent.com\","
        + "\"sub\":\"110169484474386276334\",\"scope\":\"https://www.googleapis.com/auth/cloud-platform openid\",\"exp\":\"1893456000\","
        + "\"expires_in\":\"3599\",\"email\":\"user@example.com\",\"email_verified\":\"true\",\"access_type\":\"offline\"}")
        : Resp.json(400, "{\"error\":\"invalid_token\",\"error_description\":\"Invalid Value\"}");
  }

  /** Microsoft Graph GET /v1.0/me. */
  private Resp microsoft(Req r, boolean live) {
    if (!r.method().equals("GET") || !r.path().equals("/v1.0/me")) {
      return violation(r, "expected GET /v1.0/me");
    }
    String token = r.bearer();
    if (token == null) {
      return violation(r, "no bearer token");
    }
    return alive(token, live) ? Resp.json(200, "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users/$entity\","
        + "\"displayName\":\"Adele Vance\",\"mail\":\"AdeleV@contoso.example\",\"userPrincipalName\":\"AdeleV@contoso.example\","
        + "\"id\":\"87d349ed-44d7-43e1-9a83-5f2406dee5bd\"}")
        : Resp.json(401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Lifetime validation failed, the token is expired.\"}}");
  }

  /** Okta introspect and revoke, custom authorization server {@code default}. */
  private Resp okta(Req r, boolean live) {
    if (!r.method().equals("POST") || !String.valueOf(r.header("content-type")).startsWith("application/x-www-form-urlencoded")) {
      return violation(r, "okta endpoints take form POSTs");
    }
    Map<String, String> f = r.form();
    if (f.get("token") == null || f.get("client_id") == null || !"access_token".equals(f.get("token_type_hint"))) {
      return violation(r, "token, token_type_hint and client_id");
    }
    if (r.path().equals("/oauth2/default/v1/revoke")) {
      revoked.add(f.get("token"));
      return new Resp(200, Map.of(), "");
    }
    if (!r.path().equals("/oauth2/default/v1/introspect")) {
      return violation(r, "expected the issuer's /v1/introspect");
    }
    return alive(f.get("token"), live) ? Resp.json(200, "{\"active\":true,\"scope\":\"openid profile\",\"username\":\"john.doe@example.com\","
        + "\"exp\":1893456000,\"iat\":1700000000,\"sub\":\"john.doe@example.com\",\"aud\":\"api://default\","
        + "\"iss\":\"https://dev-123456.okta.com/oauth2/default\",\"client_id\":\"" + f.get("client_id") + "\",\"token_type\":\"Bearer\"}")
        : Resp.json(200, "{\"active\":false}");
  }

  /** STS GetCallerIdentity, with the SigV4 signature checked against the known key pairs. */
  private Resp aws(Req r, boolean live) {
    if (!r.method().equals("POST") || !r.path().equals("/")) {
      return violation(r, "expected POST /");
    }
    if (!"Action=GetCallerIdentity&Version=2011-06-15".equals(r.body())) {
      return violation(r, "body");
    }
    String auth = r.header("authorization");
    String date = r.header("x-amz-date");
    if (auth == null || date == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
      return violation(r, "SigV4 headers");
    }
    String keyId = auth.substring("AWS4-HMAC-SHA256 Credential=".length(), auth.indexOf('/'));
    String secret = awsKeys.get(keyId);
    String err = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>%s</Code>"
        + "<Message>%s</Message></Error><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ErrorResponse>";
    if (secret == null || !live) {
      return new Resp(403, Map.of("Content-Type", "text/xml"), String.format(err, "InvalidClientTokenId",
          "The security token included in the request is invalid."));
    }
    Instant when = java.time.LocalDateTime.parse(date, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC);
    URI uri = URI.create("https://" + r.header("host") + "/aws/");
    SigV4.Signed expect = SigV4.sign("POST", uri, Map.of("content-type", r.header("content-type")),
        r.body().getBytes(StandardCharsets.UTF_8), keyId, secret, r.header("x-amz-security-token"), "us-east-1", "sts", when);
    if (!expect.authorization().equals(auth)) {
      return new Resp(403, Map.of("Content-Type", "text/xml"), String.format(err, "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided."));
    }
    String arn = keyId.startsWith("ASIA") ? "arn:aws:sts::123456789012:assumed-role/Deploy/ci-session" : "arn:aws:iam::123456789012:user/Alice";
    return new Resp(200, Map.of("Content-Type", "text/xml"), "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        + "<GetCallerIdentityResult><Arn>" + arn + "</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account>"
        + "</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>"
        + "</ResponseMetadata></GetCallerIdentityResponse>");
  }

  private Resp openai(Req r, boolean live) {
    if (!r.method().equals("GET") || !r.path().equals("/v1/models") || r.bearer() == null) {
      return violation(r, "expected GET /v1/models with a bearer key");
    }
    return alive(r.bearer(), live) ? new Resp(200, Map.of("Content-Type", "application/json", "openai-organization", "org-test"),
        "{\"object\":\"list\",\"data\":[{\"id\":\"model-a\",\"object\":\"model\",\"created\":1686935002,\"owned_by\":\"openai\"}]}")
        : Resp.json(401, "{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"param\":null,"
            + "\"code\":\"invalid_api_key\"}}");
  }

  private Resp anthropic(Req r, boolean live) {
    if (!r.method().equals("GET") || !r.path().equals("/v1/models") || r.header("x-api-key") == null
        || !"2023-06-01".equals(r.header("anthropic-version"))) {
      return violation(r, "expected GET /v1/models with x-api-key and anthropic-version");
    }
    return alive(r.header("x-api-key"), live) ? Resp.json(200, "{\"data\":[{\"type\":\"model\",\"id\":\"model-a\",\"display_name\":\"A\","
        + "\"created_at\":\"2025-02-19T00:00:00Z\"}],\"has_more\":false,\"first_id\":\"model-a\",\"last_id\":\"model-a\"}")
        : Resp.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
  }

  private Resp postman(Req r, boolean live) {
    if (!r.method().equals("GET") || !r.path().equals("/me") || r.header("x-api-key") == null) {
      return violation(r, "expected GET /me with X-API-Key");
    }
    return alive(r.header("x-api-key"), live) ? Resp.json(200, "{\"user\":{\"id\":12345678,\"username\":\"taylor-lee\","
        + "\"email\":\"taylor@example.com\",\"fullName\":\"Taylor Lee\",\"teamName\":\"Test Team\"},\"operations\":[]}")
        : Resp.json(401, "{\"error\":{\"name\":\"AuthenticationError\",\"message\":\"Invalid API Key.\"}}");
  }

  /** Dropbox's RPC endpoints: POSTs without arguments; get_current_account and token/revoke. */
  private Resp dropbox(Req r, boolean live) {
    if (!r.method().equals("POST") || !r.body().isEmpty()) {
      return violation(r, "dropbox calls without arguments are POSTs without a body");
    }
    String token = r.bearer();
    if (token == null) {
      return violation(r, "no bearer token");
    }
    String dead = "{\"error_summary\":\"invalid_access_token/..\",\"error\":{\".tag\":\"invalid_access_token\"}}";
    if (r.path().equals("/2/auth/token/revoke")) {
      if (!alive(token, true)) {
        return Resp.json(401, dead);
      }
      revoked.add(token);
      return Resp.json(200, "null");
    }
    if (!r.path().equals("/2/users/get_current_account")) {
      return violation(r, "expected /2/users/get_current_account");
    }
    return alive(token, live) ? Resp.json(200, "{\"account_id\":\"dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc\",\"name\":{"
        + "\"given_name\":\"Franz\",\"surname\":\"Ferdinand\",\"display_name\":\"Franz Ferdinand (Personal)\"},"
        + "\"email\":\"franz@example.com\",\"email_verified\":true,\"disabled\":false}") : Resp.json(401, dead);
  }

  static Map<String, String> parseForm(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    if (s == null || s.isEmpty()) {
      return m;
    }
    for (String p : s.split("&")) {
      int eq = p.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }
}

package dev.tokensweep.scanner.respond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.model.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider against a local TLS server that answers as its documentation says: a live token,
 * an invalid one, a rate limit (429 with {@code Retry-After}), a slow answer (timeout), a malformed
 * answer, and a redirect to another host (never followed). Each time the request itself is checked
 * against the provider's documented method, path, headers and body, and the answer never holds the
 * secret.
 */
class ProviderContractTest {

  static FakeProviders fakes;

  @BeforeAll
  static void start() throws IOException {
    fakes = new FakeProviders();
  }

  @AfterAll
  static void stop() {
    fakes.close();
  }

  @BeforeEach
  void reset() {
    fakes.reset();
  }

  static Stream<Samples.Sample> providers() {
    return Samples.all(1).values().stream();
  }

  static Stream<Arguments> providersAndModes() {
    List<Arguments> out = new ArrayList<>();
    for (Samples.Sample s : Samples.all(1).values()) {
      for (FakeProviders.Mode m : FakeProviders.Mode.values()) {
        if (m == FakeProviders.Mode.ECHO) {
          continue; // no provider documents it; the CLI tests check that its text is scrubbed
        }
        out.add(Arguments.of(s, m));
      }
    }
    return out.stream();
  }

  /** A validator for the fakes: short timeout so the slow case is quick, no spacing between requests. */
  static Validator validator(Duration timeout) {
    return new Validator(fakes.endpoints(), new Validator.Settings(timeout, 4, Duration.ZERO), t -> t);
  }

  /** The credentials a scan would keep for {@code s} (for AWS: the key pair, known to the fake). */
  static List<Credential> credentials(Samples.Sample s, long seed) {
    SecretCapture c = SecretCapture.forValidation(Instant.parse("2026-11-02T12:00:00Z"));
    if (s.provider().equals("aws")) {
      String keyId = Samples.awsKeyId(seed);
      fakes.awsKey(keyId, s.secret());
      c.offer("ts.aws.1", keyId.getBytes(StandardCharsets.US_ASCII), "fp-key-" + seed, "credentials", 20);
      c.offer("ts.aws.3", s.secret().getBytes(StandardCharsets.US_ASCII), "fp-secret-" + seed, "credentials", 80);
    } else {
      c.offer(s.ruleId(), s.secret().getBytes(StandardCharsets.US_ASCII), "fp-" + s.provider() + "-" + seed, "file", 0);
    }
    List<Credential> creds = c.credentials();
    assertEquals(1, creds.size(), s.provider() + ": one credential kept");
    return creds;
  }

  static void assertNoSecret(Samples.Sample s, Validation v) {
    String all = String.valueOf(v) + v.identity() + v.account() + v.scopes() + v.reason();
    assertFalse(all.contains(s.secret()), s.provider() + ": the answer holds the secret");
    assertFalse(all.contains(s.secret().substring(Math.min(8, s.secret().length() - 12), s.secret().length() - 4)),
        s.provider() + ": the answer holds part of the secret");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndModes")
  void validate_eachProviderAndAnswer_readsItAsDocumented(Samples.Sample s, FakeProviders.Mode mode) {
    fakes.mode(s.provider(), mode);
    Credential c = credentials(s, 1).get(0);
    long t0 = System.nanoTime();
    // a short timeout only where the answer is meant to be late: a loaded build machine can be slow to answer at all
    Validation v = validator(mode == FakeProviders.Mode.SLOW ? Duration.ofMillis(500) : Duration.ofSeconds(5)).askOne(c);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertNotNull(v);
    assertEquals(s.provider(), v.provider());
    assertNoSecret(s, v);
    assertEquals(List.of(), fakes.violations(), s.provider() + ": request differs from the documentation");
    assertEquals(1, fakes.requests(s.provider()).size(), s.provider() + ": exactly one request");
    switch (mode) {
      case LIVE -> {
        assertEquals(Validation.LIVE, v.status(), s.provider() + " live: " + v.reason());
        assertEquals(Validation.SOURCE_REQUEST, v.source());
        assertEquals(c.key(), v.key());
      }
      case INVALID -> assertEquals(Validation.INVALID, v.status(), s.provider() + " invalid: " + v.reason());
      case RATE_LIMITED -> {
        assertEquals(Validation.UNKNOWN, v.status());
        assertTrue(v.reason().contains("rate limited") && v.reason().contains("retry after 120 s"), v.reason());
      }
      case SLOW -> {
        assertEquals(Validation.UNKNOWN, v.status());
        assertEquals("timeout", v.reason());
        assertTrue(ms < FakeProviders.SLOW_MILLIS, s.provider() + ": waited " + ms + " ms for a slow answer");
      }
      case MALFORMED -> {
        assertEquals(Validation.UNKNOWN, v.status());
        assertTrue(v.reason().startsWith("malformed answer"), v.reason());
      }
      case REDIRECT -> {
        assertEquals(Validation.UNKNOWN, v.status());
        assertTrue(v.reason().contains("redirect to localhost not followed"), v.reason());
        assertEquals(0, fakes.decoyHits(), s.provider() + ": the redirect was followed");
      }
      default -> throw new AssertionError(mode);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void validate_live_reportsWhatTheProviderTells(Samples.Sample s) {
    Validation v = validator(Duration.ofSeconds(5)).askOne(credentials(s, 2).get(0));
    assertEquals(Validation.LIVE, v.status(), v.reason());
    switch (s.provider()) {
      case "github" -> {
        assertEquals("octo-test", v.identity());
        assertEquals(List.of("repo", "gist"), v.scopes());
        assertEquals(Instant.parse("2026-12-31T10:00:00Z").getEpochSecond(), v.expires());
      }
      case "gitlab" -> {
        assertEquals("user 24", v.identity());
        assertEquals(List.of("api", "read_repository"), v.scopes());
        assertEquals(Instant.parse("2026-12-31T00:00:00Z").getEpochSecond(), v.expires());
      }
      case "slack" -> {
        assertEquals("grace (W12345678)", v.identity());
        assertEquals("Subarachnoid Workspace (T12345678)", v.account());
        assertEquals(List.of("chat:write", "channels:read"), v.scopes());
      }
      case "google" -> {
        assertEquals("user@example.com", v.identity());
        assertEquals(List.of("https://www.googleapis.com/auth/cloud-platform", "openid"), v.scopes());
        assertEquals(1893456000L, v.expires());
      }
      case "microsoft" -> assertEquals("AdeleV@contoso.example", v.identity());
      case "okta" -> {
        assertEquals("john.doe@example.com", v.identity());
        assertEquals(List.of("openid", "profile"), v.scopes());
      }
      case "npm" -> assertEquals("npm-test", v.identity());
      case "aws" -> {
        assertEquals("arn:aws:iam::123456789012:user/Alice", v.identity());
        assertEquals("123456789012", v.account());
      }
      case "openai" -> assertEquals("org-test", v.account());
      case "stripe" -> assertEquals("acct_1TestAccount", v.account());
      case "huggingface" -> {
        assertEquals("hf-test", v.identity());
        assertEquals(List.of("write"), v.scopes());
      }
      case "sendgrid" -> assertEquals(List.of("mail.send", "alerts.read"), v.scopes());
      case "digitalocean" -> assertEquals("sammy@example.com", v.identity());
      case "postman" -> assertEquals("taylor-lee", v.identity());
      case "anthropic" -> assertEquals(null, v.identity());
      case "cloudflare" -> {
        assertEquals("token f267e341f3dd4697bd3b9f71dd96247f", v.identity());
        assertEquals(Instant.parse("2030-01-01T00:00:00Z").getEpochSecond(), v.expires());
      }
      case "heroku", "netlify" -> assertEquals(s.provider().equals("heroku") ? "username@example.com" : "dev@example.com",
          v.identity());
      case "vercel" -> {
        assertEquals("jane-doe", v.identity());
        assertEquals("me@example.com", v.account());
      }
      case "notion" -> {
        assertEquals("pied piper", v.identity());
        assertEquals("Hooli", v.account());
      }
      case "circleci" -> assertEquals("ci-dev", v.identity());
      case "terraform" -> {
        assertEquals("admin", v.identity());
        assertEquals("admin@example.com", v.account());
      }
      case "dropbox" -> {
        assertEquals("franz@example.com", v.identity());
        assertEquals("Franz Ferdinand (Personal)", v.account());
      }
      case "figma" -> {
        assertEquals("designer@example.com", v.identity());
        assertEquals("Designer", v.account());
      }
      case "airtable" -> {
        assertEquals("foo@bar.com", v.identity());
        assertEquals(List.of("schema.bases:read", "data.records:read"), v.scopes());
      }
      case "snyk" -> {
        assertEquals("sam-snyk", v.identity());
        assertEquals("sam@example.com", v.account());
      }
      case "cohere" -> assertEquals("org-0123", v.account());
      case "xai" -> {
        assertEquals("ci key", v.identity());
        assertEquals(List.of("api-key:model:*", "api-key:endpoint:*"), v.scopes());
      }
      case "datadog", "groq", "mistral", "deepseek", "together" -> assertEquals(null, v.reason());
      case "asana" -> {
        assertEquals("gsanchez@example.com", v.identity());
        assertEquals("Greg Sanchez", v.account());
      }
      case "discord" -> assertEquals("release-bot", v.identity());
      case "replicate" -> {
        assertEquals("acme", v.identity());
        assertEquals("organization", v.account());
      }
      case "openrouter" -> assertEquals(null, v.identity(), "its label is a part of the key: not kept");
      default -> throw new AssertionError(s.provider());
    }
  }

  @Test
  void rateLimit_retryAfter_pausesTheProvidersOtherRequests() {
    Samples.Sample s1 = Samples.all(3).get("github");
    Samples.Sample s2 = Samples.all(4).get("github");
    fakes.mode("github", FakeProviders.Mode.RATE_LIMITED);
    Validator v = validator(Duration.ofSeconds(5));
    Validation first = v.askOne(credentials(s1, 3).get(0));
    Validation second = v.askOne(credentials(s2, 4).get(0));
    assertEquals(Validation.UNKNOWN, first.status());
    assertEquals(Validation.UNKNOWN, second.status());
    assertTrue(second.reason().contains("asked to wait until") && second.reason().contains("not sent"), second.reason());
    assertEquals(1, fakes.requests("github").size(), "the second request went out although the provider asked to wait 120 s");
  }

  @Test
  void tls_serverOfAnotherCa_isRefused() throws IOException {
    try (FakeProviders rogue = new FakeProviders(TestTls.rogue().server())) {
      Samples.Sample s = Samples.all(5).get("github");
      Validator v = new Validator(new Endpoints(java.util.Map.of("github", rogue.base("github")), TestTls.trusted().client()),
          new Validator.Settings(Duration.ofSeconds(5), 1, Duration.ZERO), t -> t);
      SecretCapture c = SecretCapture.forValidation(Instant.now());
      c.offer(s.ruleId(), s.secret().getBytes(StandardCharsets.US_ASCII), "fp", "f", 0);
      Validation a = v.askOne(c.credentials().get(0));
      assertEquals(Validation.UNKNOWN, a.status());
      assertTrue(a.reason().startsWith("TLS failed"), a.reason());
      assertEquals(0, rogue.requests().size(), "a secret reached a server whose certificate is not trusted");
    }
  }

  @Test
  void aws_secretOfAnotherKey_isNotCalledInvalid() {
    Samples.Sample s = Samples.all(6).get("aws");
    SecretCapture c = SecretCapture.forValidation(Instant.now());
    String keyId = Samples.awsKeyId(6);
    fakes.awsKey(keyId, "x".repeat(40)); // the fake knows the key id with another secret
    c.offer("ts.aws.1", keyId.getBytes(StandardCharsets.US_ASCII), "k", "credentials", 10);
    c.offer("ts.aws.3", s.secret().getBytes(StandardCharsets.US_ASCII), "s", "credentials", 60);
    Validation v = validator(Duration.ofSeconds(5)).askOne(c.credentials().get(0));
    assertEquals(Validation.UNKNOWN, v.status());
    assertTrue(v.reason().contains("SignatureDoesNotMatch"), v.reason());
  }

  @Test
  void githubRateLimit_403WithNoneRemaining_isARateLimit() {
    // GitHub documents 403 with x-ratelimit-remaining: 0 for a used-up primary rate limit
    Provider p = Providers.byId("github");
    Answer a = new Answer(403, java.net.http.HttpHeaders.of(java.util.Map.of("X-RateLimit-Remaining", List.of("0"),
        "X-RateLimit-Reset", List.of(String.valueOf(Instant.now().getEpochSecond() + 30))), (k, v) -> true), new byte[0]);
    assertNotNull(p.rateLimit(a, Instant.now()));
    assertTrue(p.rateLimit(a, Instant.now()).toSeconds() <= 30);
  }

  static Validation readAnswer(String provider, int status, String body) {
    return readAnswer(provider, Samples.all(1).get(provider).ruleId(), status, body);
  }

  static Validation readAnswer(String provider, String ruleId, int status, String body) {
    Samples.Sample s = Samples.all(1).get(provider);
    Provider p = Providers.byId(provider);
    Credential c = new Credential(p, "k", ruleId, s.secret(), null, null, JwtInfo.of(s.secret()), java.util.Set.of("k"));
    Answer a = new Answer(status, java.net.http.HttpHeaders.of(java.util.Map.of(), (x, y) -> true),
        body.getBytes(StandardCharsets.UTF_8));
    return Validator.read(p, c, new Http.Exchange(a, null), new Provider.Reply(provider, "k", Instant.now()),
        new Http(null, Duration.ofSeconds(1), 1, Duration.ZERO));
  }

  @Test
  void read_forbiddenFromAProxy_isNeitherLiveNorInvalid() {
    String proxy = "<html><body>403 Forbidden: blocked by policy</body></html>";
    for (String p : List.of("stripe", "anthropic", "microsoft", "npm", "gitlab", "github", "openai")) {
      assertEquals(Validation.UNKNOWN, readAnswer(p, 403, proxy).status(), p + " read a proxy's 403 as an answer");
    }
    // the providers' own documented 403 bodies do say the token works
    assertEquals(Validation.LIVE, readAnswer("stripe", 403,
        "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"restricted key\"}}").status());
    assertEquals(Validation.LIVE, readAnswer("anthropic", 403,
        "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"no\"}}").status());
    assertEquals(Validation.LIVE, readAnswer("microsoft", 403,
        "{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":\"no\"}}").status());
    assertEquals(Validation.LIVE, readAnswer("openai", 429,
        "{\"error\":{\"message\":\"quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}").status());
  }

  @Test
  void read_documentedDeadAnswers_areInvalidAndSayWhy() {
    Validation disabled = readAnswer("cloudflare", 200, "{\"success\":true,\"result\":{\"id\":\"x\",\"status\":\"disabled\"}}");
    assertEquals(Validation.INVALID, disabled.status());
    assertEquals("cloudflare: result/status is disabled", disabled.reason());
    Validation notValid = readAnswer("cohere", 200, "{\"valid\":false}");
    assertEquals(Validation.INVALID, notValid.status());
    assertEquals("cohere: valid is false", notValid.reason());
    Validation blocked = readAnswer("xai", 200, "{\"api_key_id\":\"a\",\"api_key_blocked\":true}");
    assertEquals(Validation.INVALID, blocked.status());
    assertEquals("xai: api_key_blocked", blocked.reason());
    Validation eu = readAnswer("datadog", 403, "{\"errors\":[\"Forbidden\"]}");
    assertEquals(Validation.INVALID, eu.status());
    assertTrue(eu.reason().contains("a key of another Datadog site"), eu.reason());
    assertTrue(readAnswer("terraform", 401, "{}").reason().contains("a Terraform Enterprise token is unknown there"));
  }

  @Test
  void read_forbiddenWithoutTheProvidersOwnWords_isNotInvalid() {
    String proxy = "<html><body>403 Forbidden: blocked by policy</body></html>";
    for (String p : List.of("datadog", "figma", "vercel")) {
      assertEquals(Validation.UNKNOWN, readAnswer(p, 403, proxy).status(), p + " read a proxy's 403 as an answer");
    }
    // Vercel's 403 says a dead token only with invalidToken; without it the token may lack a permission
    assertEquals(Validation.UNKNOWN, readAnswer("vercel", 403, "{\"error\":{\"code\":\"forbidden\"}}").status());
    assertEquals(Validation.INVALID, readAnswer("vercel", 403, "{\"error\":{\"invalidToken\":true}}").status());
  }

  @Test
  void read_cloudflareLegacyTokenRejectedAsAUserToken_isNotInvalid() {
    // a token without a prefix may be account-owned, which the user endpoint does not know
    String rejected = "{\"success\":false,\"errors\":[{\"code\":1000,\"message\":\"Invalid API Token\"}]}";
    Validation legacy = readAnswer("cloudflare", "ts.cloudflare.5", 401, rejected);
    assertEquals(Validation.UNKNOWN, legacy.status());
    assertTrue(legacy.reason().contains("account-owned"), legacy.reason());
    assertEquals(Validation.INVALID, readAnswer("cloudflare", "ts.cloudflare.1", 401, rejected).status());
  }
}

package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.scanner.model.Validation;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The providers tokensweep can ask, each keyed by its rule id prefix ({@code ts.github.}) or, for
 * JWTs, by the issuer and audience in the token, and each only for secrets with the shape its
 * documentation gives. The request, headers, body and the fields read from the answer are the
 * provider's documented ones; each class cites its pages.
 */
final class Providers {
  private Providers() {}

  /** Every provider, in the order the stderr summary lists them. */
  static final List<Provider> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(new GitHub(), new GitLab(),
      new Slack(), new Google(), new MicrosoftGraph(), new Okta(), new Npm(), new Aws(), new OpenAi(), new Anthropic(),
      new Stripe(), new HuggingFace(), new SendGrid(), new DigitalOcean(), new Postman()), WhoamiProviders.ALL.stream()).toList();

  /** The provider whose secret this is and what may be done with it; null when no provider claims it. */
  static Match match(String ruleId, String secret, Instant now) {
    JwtInfo jwt = secret.startsWith("eyJ") ? JwtInfo.of(secret) : null;
    for (Provider p : ALL) {
      Provider.Fit f = p.fit(ruleId, secret, jwt, now);
      if (f.mine()) {
        return new Match(p, f, jwt);
      }
    }
    return null;
  }

  record Match(Provider provider, Provider.Fit fit, JwtInfo jwt) {}

  static Provider byId(String id) {
    for (Provider p : ALL) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    return null;
  }

  static final String UA = "tokensweep/0.1.0 (+--validate)";

  static HttpRequest.Builder bearer(HttpRequest.Builder b, String token) {
    return b.header("Authorization", "Bearer " + token);
  }

  // ---------------------------------------------------------------- GitHub

  /**
   * GitHub. User tokens: {@code GET /user}
   * (https://docs.github.com/en/rest/users/users#get-the-authenticated-user); the token's scopes are
   * in {@code X-OAuth-Scopes} (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps)
   * and a PAT's expiry in {@code GitHub-Authentication-Token-Expiration}. Installation tokens:
   * {@code GET /installation/repositories}
   * (https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation).
   * Revocation: the credential revocation API, unauthenticated, for {@code ghp_ github_pat_ gho_ ghu_ ghr_}
   * (https://docs.github.com/en/rest/credentials/revoke), and {@code DELETE /installation/token} for
   * {@code ghs_} (https://docs.github.com/en/rest/apps/installations#revoke-an-installation-access-token).
   */
  static final class GitHub extends Provider {
    static final Pattern USER = Pattern.compile("gh[pou]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}");
    static final Pattern INSTALLATION = Pattern.compile("ghs_[A-Za-z0-9]{36}");
    static final Pattern REFRESH = Pattern.compile("ghr_[A-Za-z0-9]{36,76}");

    GitHub() {
      super("github", "https://api.github.com");
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      if (!hasPrefix(ruleId, "ts.github.")) {
        return Fit.NOT_MINE;
      }
      if (USER.matcher(s).matches() || INSTALLATION.matcher(s).matches()) {
        return Fit.both();
      }
      if (REFRESH.matcher(s).matches()) {
        return Fit.skip("a refresh token: checking it needs the app's client secret", true);
      }
      return Fit.NOT_MINE;
    }

    private static HttpRequest.Builder api(HttpRequest.Builder b) {
      return b.header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      String path = c.secret().startsWith("ghs_") ? "/installation/repositories?per_page=1" : "/user";
      return api(bearer(get(base, path), c.secret()));
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      if (a.status() == 200) {
        JsonNode j = json(a);
        if (j == null) {
          return r.unknown("malformed answer");
        }
        if (c.secret().startsWith("ghs_")) {
          if (!j.has("total_count")) {
            return r.unknown("malformed answer (no total_count)");
          }
          return r.live("app installation", text(j, "total_count") + " repositories", List.of(), null);
        }
        String login = text(j, "login");
        if (login == null) {
          return r.unknown("malformed answer (no login)");
        }
        return r.live(login, null, scopes(a.header("X-OAuth-Scopes")), expiry(a.header("GitHub-Authentication-Token-Expiration")));
      }
      if (a.status() == 401) {
        return r.invalid("HTTP 401 bad credentials at api.github.com (a GitHub Enterprise Server token is unknown there)");
      }
      return null;
    }

    /** GitHub also answers 403 when a rate limit is used up; its reset time is {@code X-RateLimit-Reset}. */
    @Override
    java.time.Duration rateLimit(Answer a, Instant now) {
      if ((a.status() == 403 || a.status() == 429) && "0".equals(a.header("X-RateLimit-Remaining"))) {
        try {
          return java.time.Duration.ofSeconds(Math.max(1, Long.parseLong(a.header("X-RateLimit-Reset").strip()) - now.getEpochSecond()));
        } catch (RuntimeException e) {
          return java.time.Duration.ofSeconds(60);
        }
      }
      return super.rateLimit(a, now);
    }

    /** {@code 2026-12-01 10:00:00 UTC} (observed format of the expiration header). */
    static Long expiry(String h) {
      if (h == null) {
        return null;
      }
      try {
        return java.time.ZonedDateTime.parse(h.strip(), java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z",
            Locale.ROOT)).toEpochSecond();
      } catch (java.time.format.DateTimeParseException e) {
        return epoch(h.strip());
      }
    }

    @Override
    HttpRequest.Builder revoke(URI base, Credential c) {
      if (c.secret().startsWith("ghs_")) {
        return api(bearer(HttpRequest.newBuilder(at(base, "/installation/token")).DELETE(), c.secret()));
      }
      // unauthenticated on purpose: the endpoint answers 403 to authenticated requests
      String body = "{\"credentials\":[\"" + c.secret() + "\"]}";
      return api(HttpRequest.newBuilder(at(base, "/credentials/revoke")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    @Override
    String readRevocation(Answer a) {
      return switch (a.status()) {
        case 202, 204 -> null;
        case 422 -> "HTTP 422: validation failed, or the endpoint is being spammed";
        default -> "HTTP " + a.status();
      };
    }
  }

  // ---------------------------------------------------------------- GitLab

  /**
   * GitLab.com. Personal, project and group access tokens: {@code GET /api/v4/personal_access_tokens/self}
   * with {@code PRIVATE-TOKEN}, answering {@code scopes}, {@code expires_at}, {@code active},
   * {@code revoked}, {@code user_id}; revoked by {@code DELETE} of the same path
   * (https://docs.gitlab.com/api/personal_access_tokens/). Runner authentication tokens:
   * {@code POST /api/v4/runners/verify} with {@code token}
   * (https://docs.gitlab.com/api/runners/#verify-authentication-for-a-registered-runner).
   */
  static final class GitLab extends Provider {
    static final Pattern PAT = Pattern.compile("glpat-[A-Za-z0-9_.-]{20,300}");
    static final Pattern RUNNER = Pattern.compile("glrt-[A-Za-z0-9_.-]{20,300}");

    GitLab() {
      super("gitlab", "https://gitlab.com");
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      if (!hasPrefix(ruleId, "ts.gitlab.")) {
        return Fit.NOT_MINE;
      }
      if (PAT.matcher(s).matches()) {
        return Fit.both();
      }
      if (RUNNER.matcher(s).matches()) {
        return Fit.validateOnly();
      }
      return Fit.skip("no GitLab endpoint checks this kind of token", false);
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      if (c.secret().startsWith("glrt-")) {
        return postForm(base, "/api/v4/runners/verify", form("token", c.secret()));
      }
      return get(base, "/api/v4/personal_access_tokens/self").header("PRIVATE-TOKEN", c.secret());
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      boolean runner = c.secret().startsWith("glrt-");
      if (a.status() == 200) {
        JsonNode j = json(a);
        if (j == null) {
          return r.unknown("malformed answer");
        }
        if (runner) {
          String id = text(j, "id");
          return r.live(id == null ? "runner" : "runner " + id, null, List.of(), epoch(text(j, "token_expires_at")));
        }
        if (j.path("revoked").asBoolean(false)) {
          return r.invalid("revoked");
        }
        if (j.has("active") && !j.path("active").asBoolean(true)) {
          return r.invalid("inactive (expired)");
        }
        List<String> sc = new ArrayList<>();
        j.path("scopes").forEach(x -> sc.add(x.asText()));
        String user = text(j, "user_id");
        String name = text(j, "name");
        return r.live(user == null ? null : "user " + user, name == null ? null : "token \"" + name + "\"", sc,
            epoch(text(j, "expires_at")));
      }
      if (runner && a.status() == 403) {
        return r.invalid("HTTP 403: not a registered runner's token at gitlab.com");
      }
      if (!runner && a.status() == 401) {
        return r.invalid("HTTP 401 at gitlab.com (a self-managed instance's token is unknown there)");
      }
      return null;
    }

    @Override
    HttpRequest.Builder revoke(URI base, Credential c) {
      return HttpRequest.newBuilder(at(base, "/api/v4/personal_access_tokens/self")).DELETE()
          .header("PRIVATE-TOKEN", c.secret());
    }
  }

  // ---------------------------------------------------------------- Slack

  /**
   * Slack. {@code POST https://slack.com/api/auth.test} with the token as a bearer header, answering
   * {@code ok}, {@code user}, {@code user_id}, {@code team}, {@code team_id}, {@code enterprise_id},
   * or {@code error} (https://docs.slack.dev/reference/methods/auth.test); a token's scopes come in
   * {@code x-oauth-scopes}. Revocation: {@code auth.revoke} (https://docs.slack.dev/reference/methods/auth.revoke).
   */
  static final class Slack extends Provider {
    static final Pattern TOKEN = Pattern.compile("(xox[bpaso]-|xoxe\\.xox[bp]-|xapp-)[A-Za-z0-9-]{10,400}");
    static final Set<String> DEAD = Set.of("invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed");

    Slack() {
      super("slack", "https://slack.com");
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      if (!hasPrefix(ruleId, "ts.slack.")) {
        return Fit.NOT_MINE;
      }
      if (s.startsWith("xoxe-")) {
        return Fit.skip("a refresh token: checking it needs the app's client secret", false);
      }
      return TOKEN.matcher(s).matches() ? Fit.both() : Fit.skip("not a Slack token shape the API accepts", false);
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(postForm(base, "/api/auth.test", ""), c.secret());
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      if (a.status() != 200) {
        return null;
      }
      JsonNode j = json(a);
      if (j == null || !j.has("ok")) {
        return r.unknown("malformed answer");
      }
      if (j.path("ok").asBoolean(false)) {
        String user = text(j, "user");
        String team = text(j, "team");
        String teamId = text(j, "team_id");
        String id = user == null ? text(j, "user_id") : user + (text(j, "user_id") == null ? "" : " (" + text(j, "user_id") + ")");
        String account = team == null ? teamId : team + (teamId == null ? "" : " (" + teamId + ")");
        return r.live(id, account, scopes(a.header("x-oauth-scopes")), null);
      }
      String err = word(text(j, "error"));
      if (err != null && DEAD.contains(err)) {
        return r.invalid("slack: " + err);
      }
      return r.unknown("slack: " + (err == null ? "error" : err));
    }

    @Override
    HttpRequest.Builder revoke(URI base, Credential c) {
      return bearer(postForm(base, "/api/auth.revoke", ""), c.secret());
    }

    @Override
    String readRevocation(Answer a) {
      JsonNode j = json(a);
      if (a.status() == 200 && j != null && j.path("ok").asBoolean(false) && j.path("revoked").asBoolean(true)) {
        return null;
      }
      String err = j == null ? null : word(text(j, "error"));
      return err != null ? "slack: " + err : "HTTP " + a.status();
    }
  }

  // ---------------------------------------------------------------- Google

  /**
   * Google. Access tokens ({@code ya29.}): the tokeninfo endpoint,
   * {@code GET https://oauth2.googleapis.com/tokeninfo?access_token=...}, answering {@code scope},
   * {@code exp}, {@code expires_in}, {@code email}, {@code azp}/{@code aud}, or 400
   * {@code invalid_token} (https://developers.google.com/identity/sign-in/web/backend-auth#calling-the-tokeninfo-endpoint,
   * https://cloud.google.com/docs/authentication/token-types#access-contents). Revocation of access
   * and refresh tokens: {@code POST https://oauth2.googleapis.com/revoke} with {@code token}, RFC 7009
   * style (https://developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke).
   */
  static final class Google extends Provider {
    static final Pattern ACCESS = Pattern.compile("ya29\\.[A-Za-z0-9_.-]{20,4000}");
    static final Pattern REFRESH = Pattern.compile("1//0[A-Za-z0-9_-]{20,1000}");

    Google() {
      super("google", "https://oauth2.googleapis.com");
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      if (!hasPrefix(ruleId, "ts.google.")) {
        return Fit.NOT_MINE;
      }
      if (ACCESS.matcher(s).matches()) {
        return Fit.both();
      }
      if (REFRESH.matcher(s).matches()) {
        return Fit.skip("a refresh token: checking it needs the OAuth client's secret", true);
      }
      return Fit.skip("no Google endpoint checks this kind of secret for free", false);
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return get(base, "/tokeninfo?access_token=" + URLEncoder.encode(c.secret(), StandardCharsets.UTF_8));
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      if (a.status() == 200) {
        JsonNode j = json(a);
        if (j == null || (!j.has("scope") && !j.has("exp") && !j.has("expires_in"))) {
          return r.unknown("malformed answer");
        }
        Long exp = null;
        try {
          String e = text(j, "exp");
          String in = text(j, "expires_in");
          exp = e != null ? Long.valueOf(e) : in != null ? r.now().getEpochSecond() + Long.parseLong(in) : null;
        } catch (NumberFormatException e) {
          exp = null;
        }
        String client = text(j, "azp") != null ? text(j, "azp") : text(j, "aud");
        return r.live(text(j, "email"), client == null ? null : "client " + client, scopes(text(j, "scope")), exp);
      }
      if (a.status() == 400 || a.status() == 401) {
        return r.invalid("HTTP " + a.status() + " invalid_token");
      }
      return null;
    }

    @Override
    HttpRequest.Builder revoke(URI base, Credential c) {
      return postForm(base, "/revoke", form("token", c.secret()));
    }
  }

  // ---------------------------------------------------------------- Microsoft Graph

  /**
   * Microsoft Graph, for an Entra access token (a JWT) whose audience is Graph and whose issuer is
   * Microsoft's: {@code GET https://graph.microsoft.com/v1.0/me}, answering the signed-in user's
   * {@code userPrincipalName}, {@code mail} and {@code id}
   * (https://learn.microsoft.com/en-us/graph/api/user-get?view=graph-rest-1.0). An app-only token
   * gets 400 ("/me request is only valid with delegated authentication flow"): accepted, so live.
   * No endpoint revokes one token (revokeSignInSessions revokes every session of a user and needs
   * an administrator), so none is offered.
   */
  static final class MicrosoftGraph extends Provider {
    static final Set<String> GRAPH = Set.of("https://graph.microsoft.com", "https://graph.microsoft.com/",
        "00000003-0000-0000-c000-000000000000");

    MicrosoftGraph() {
      super("microsoft", "https://graph.microsoft.com");
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      if (jwt == null || jwt.aud().stream().noneMatch(GRAPH::contains)) {
        return Fit.NOT_MINE;
      }
      String host = jwt.issuerHost();
      if (host == null || !(host.equals("login.microsoftonline.com") || host.equals("sts.windows.net"))) {
        return Fit.skip("a Graph token whose issuer is not Microsoft's: not sent", false);
      }
      if (jwt.expiredAt(now.getEpochSecond())) {
        return Fit.skip("expired by its own exp claim: not sent", false);
      }
      return Fit.validateOnly();
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(get(base, "/v1.0/me"), c.secret());
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      JsonNode j = json(a);
      if (a.status() == 200) {
        if (j == null) {
          return r.unknown("malformed answer");
        }
        String upn = text(j, "userPrincipalName") != null ? text(j, "userPrincipalName") : text(j, "mail");
        return r.live(upn != null ? upn : text(j, "id"), text(j, "displayName"), List.of(), null);
      }
      if (a.status() == 401) {
        return r.invalid("HTTP 401 InvalidAuthenticationToken");
      }
      if (a.status() == 403 && j != null && j.path("error").has("code")) {
        return r.liveBecause(null, null, "accepted, but not allowed to read the user (HTTP 403)");
      }
      if (a.status() == 400 && a.text().contains("delegated")) {
        return r.liveBecause("an application (app-only token)", null, "accepted; an app-only token has no user");
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- Okta

  /**
   * Okta, for an access token (a JWT) whose issuer is an Okta org ({@code *.okta.com},
   * {@code *.oktapreview.com}, {@code *.okta-emea.com}) and that names its client ({@code cid}):
   * introspection at the issuer, {@code POST {issuer}/v1/introspect} (custom authorization server)
   * or {@code /oauth2/v1/introspect} (org server) with {@code token}, {@code token_type_hint} and
   * {@code client_id}, answering {@code active}, {@code username}, {@code scope}, {@code exp}
   * (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/introspectcustomas,
   * https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/orgas/introspect). Revocation at
   * {@code /v1/revoke} with the same parameters
   * (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/revokecustomas). A
   * confidential client must authenticate, which tokensweep cannot: that answer is unknown.
   */
  static final class Okta extends Provider {
    static final Pattern HOST = Pattern.compile("[a-z0-9-]{1,63}\\.(okta|oktapreview|okta-emea)\\.com");
    static final Pattern PATH = Pattern.compile("(/oauth2/[A-Za-z0-9]{1,64})?/?");

    Okta() {
      super("okta", "https://okta.com");
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      String host = jwt == null ? null : jwt.issuerHost();
      if (host == null || !HOST.matcher(host).matches()) {
        return Fit.NOT_MINE;
      }
      String path = URI.create(jwt.iss()).getPath();
      if (path != null && !PATH.matcher(path).matches()) {
        return Fit.skip("an Okta issuer with an unexpected path: not sent", false);
      }
      if (jwt.cid() == null || word(jwt.cid()) == null) {
        return Fit.skip("no client id (cid) in the token to introspect it with", false);
      }
      if (jwt.expiredAt(now.getEpochSecond())) {
        return Fit.skip("expired by its own exp claim: not sent", true);
      }
      return Fit.both();
    }

    /** The issuer itself, or with a test server its path under the server's base. */
    @Override
    URI base(Endpoints endpoints, Credential c) {
      URI iss = URI.create(c.jwt().iss());
      String path = iss.getPath() == null ? "" : iss.getPath().replaceAll("/+$", "");
      URI test = endpoints.override(id());
      return test != null ? at(test, path) : URI.create("https://" + iss.getHost() + path);
    }

    private static String endpoint(URI base, String what) {
      return base.getPath().contains("/oauth2/") ? "/v1/" + what : "/oauth2/v1/" + what;
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return postForm(base, endpoint(base, "introspect"), form("token", c.secret(), "token_type_hint", "access_token",
          "client_id", c.jwt().cid())).header("Accept", "application/json");
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      JsonNode j = json(a);
      if (a.status() == 200) {
        if (j == null || !j.has("active")) {
          return r.unknown("malformed answer");
        }
        if (!j.path("active").asBoolean(false)) {
          return r.invalid("inactive (revoked or expired)");
        }
        Long exp = j.path("exp").canConvertToLong() ? j.path("exp").asLong() : null;
        String user = text(j, "username") != null ? text(j, "username") : text(j, "sub");
        return r.live(user, text(j, "client_id") == null ? null : "client " + text(j, "client_id"), scopes(text(j, "scope")), exp);
      }
      if (a.status() == 401 || a.status() == 400) {
        String err = j == null ? null : word(text(j, "error"));
        return r.unknown("okta: " + (err == null ? "HTTP " + a.status() : err)
            + " (a confidential client must authenticate to introspect)");
      }
      return null;
    }

    @Override
    HttpRequest.Builder revoke(URI base, Credential c) {
      return postForm(base, endpoint(base, "revoke"), form("token", c.secret(), "token_type_hint", "access_token",
          "client_id", c.jwt().cid()));
    }
  }

  // ---------------------------------------------------------------- npm

  /**
   * npm. {@code GET https://registry.npmjs.org/-/whoami} with the token as a bearer header, answering
   * {@code username}: the endpoint {@code npm whoami} uses (https://docs.npmjs.com/cli/v10/commands/npm-whoami).
   */
  static final class Npm extends ApiKeyProvider {
    Npm() {
      super("npm", "https://registry.npmjs.org", "ts.npm.", Pattern.compile("npm_[A-Za-z0-9]{36}"),
          "a legacy npm token is accepted by other registries too: not sent", "HTTP 401");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(get(base, "/-/whoami"), c.secret()).header("Accept", "application/json");
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      String user = text(j, "username");
      return user == null ? r.unknown("malformed answer") : r.live(user, null, List.of(), null);
    }

    @Override
    Validation other(Answer a, JsonNode j, Reply r) {
      if (a.status() == 403) {
        // a granular token without that permission, or a proxy in the way: neither says the token is dead
        return r.unknown("HTTP 403 forbidden (a token without that permission, or a proxy in the way)");
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- AWS

  /**
   * AWS, for an access key id with the secret access key found near it (and the session token, for a
   * temporary {@code ASIA} key): STS {@code GetCallerIdentity}, {@code POST https://sts.amazonaws.com/}
   * with {@code Action=GetCallerIdentity&Version=2011-06-15}, signed with Signature Version 4 for
   * {@code us-east-1}/{@code sts}, answering {@code Arn}, {@code UserId} and {@code Account}
   * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html); no permission is
   * needed and a deny policy cannot stop it. Errors are the common ones
   * (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). Deactivating a key needs
   * IAM rights over its user, so no revocation is offered.
   */
  static final class Aws extends Provider {
    static final Pattern KEY_ID = Pattern.compile("(AKIA|ASIA)[A-Z2-7]{16}");
    static final Pattern SECRET = Pattern.compile("[A-Za-z0-9/+]{40}");
    static final Pattern SESSION = Pattern.compile("[A-Za-z0-9/+=%]{100,4096}");
    static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";

    Aws() {
      super("aws", "https://sts.amazonaws.com");
    }

    /** Which part of a key pair a secret is, or null when it is none. */
    enum Part { KEY_ID, SECRET, SESSION }

    static Part part(String ruleId, String s) {
      if (!hasPrefix(ruleId, "ts.aws.")) {
        return null;
      }
      if (KEY_ID.matcher(s).matches()) {
        return Part.KEY_ID;
      }
      if (SECRET.matcher(s).matches()) {
        return Part.SECRET;
      }
      if (SESSION.matcher(s).matches()) {
        return Part.SESSION;
      }
      return null;
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      if (!hasPrefix(ruleId, "ts.aws.")) {
        return Fit.NOT_MINE;
      }
      return part(ruleId, s) != null ? Fit.validateOnly()
          : Fit.skip("an IAM Identity Center token: its portal is regional and the region is not in the token", false);
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      URI uri = at(base, "/");
      String type = "application/x-www-form-urlencoded; charset=utf-8";
      byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
      SigV4.Signed s = SigV4.sign("POST", uri, Map.of("content-type", type), body, c.keyId(), c.secret(),
          c.sessionToken(), "us-east-1", "sts", now);
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", type).header("X-Amz-Date", s.amzDate())
          .header("Authorization", s.authorization()).POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (c.sessionToken() != null) {
        b.header("X-Amz-Security-Token", c.sessionToken());
      }
      return b;
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      Map<String, String> x = Xml.fields(a.body(), Set.of("Arn", "UserId", "Account", "Code"));
      if (a.status() == 200) {
        String arn = x.get("Arn");
        return arn == null ? r.unknown("malformed answer") : r.live(arn, x.get("Account"), List.of(), null);
      }
      String code = word(x.get("Code"));
      if (a.status() == 403 || a.status() == 400) {
        if (code == null) {
          return r.unknown("HTTP " + a.status());
        }
        return switch (code) {
          case "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException" -> r.invalid("aws: " + code);
          case "SignatureDoesNotMatch", "IncompleteSignature" -> r.unknown("aws: " + code
              + " (the secret key found near the key id is not its own, or the clock is off)");
          case "Throttling", "ThrottlingException", "RequestLimitExceeded" -> r.unknown("rate limited (aws: " + code + ")");
          default -> r.unknown("aws: " + code);
        };
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- OpenAI

  /**
   * OpenAI. {@code GET https://api.openai.com/v1/models} with the key as a bearer header
   * (https://platform.openai.com/docs/api-reference/models/list, authentication:
   * https://platform.openai.com/docs/api-reference/authentication); 401 means an invalid key. A 429
   * with {@code insufficient_quota} is a live key without credit.
   */
  static final class OpenAi extends ApiKeyProvider {
    OpenAi() {
      super("openai", "https://api.openai.com", "ts.openai.",
          Pattern.compile("sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,300}"), "not an OpenAI key shape",
          "HTTP 401 invalid_api_key");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(get(base, "/v1/models"), c.secret());
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      return j == null || !j.has("data") ? r.unknown("malformed answer")
          : r.live(null, clip(a.header("openai-organization")), List.of(), null);
    }

    @Override
    Validation other(Answer a, JsonNode j, Reply r) {
      if (a.status() == 429 && "insufficient_quota".equals(text(j == null ? null : j.path("error"), "code"))) {
        return r.liveBecause(null, null, "accepted, but the account has no quota left (HTTP 429 insufficient_quota)");
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- Anthropic

  /**
   * Anthropic. {@code GET https://api.anthropic.com/v1/models} with {@code x-api-key} and
   * {@code anthropic-version: 2023-06-01} (https://docs.anthropic.com/en/api/models-list, errors:
   * https://docs.anthropic.com/en/api/errors): 401 {@code authentication_error} is an invalid key,
   * 403 {@code permission_error} a valid key without that permission.
   */
  static final class Anthropic extends ApiKeyProvider {
    Anthropic() {
      super("anthropic", "https://api.anthropic.com", "ts.anthropic.",
          Pattern.compile("sk-ant-api[0-9]{2}-[A-Za-z0-9_-]{20,300}"),
          "an OAuth token: the models endpoint takes API keys", "HTTP 401 authentication_error");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return get(base, "/v1/models").header("x-api-key", c.secret()).header("anthropic-version", "2023-06-01");
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      return j == null || !j.has("data") ? r.unknown("malformed answer") : r.live(null, null, List.of(), null);
    }

    @Override
    Validation other(Answer a, JsonNode j, Reply r) {
      if (a.status() == 403 && "permission_error".equals(text(j == null ? null : j.path("error"), "type"))) {
        return r.liveBecause(null, null, "accepted, but not allowed to list models (HTTP 403 permission_error)");
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- Stripe

  /**
   * Stripe. {@code GET https://api.stripe.com/v1/account}, the account the key belongs to
   * (https://docs.stripe.com/api/accounts/retrieve), with the key as a bearer token
   * (https://docs.stripe.com/api/authentication); 401 is an invalid key, 403 a restricted key
   * without permission to read the account, which is still live.
   */
  static final class Stripe extends ApiKeyProvider {
    Stripe() {
      super("stripe", "https://api.stripe.com", "ts.stripe.", Pattern.compile("[sr]k_(live|test)_[A-Za-z0-9]{10,247}"),
          "not a Stripe secret or restricted key", "HTTP 401 invalid API key");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(get(base, "/v1/account"), c.secret());
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      String id = text(j, "id");
      return id == null ? r.unknown("malformed answer") : r.live(text(j, "email"), id, List.of(), null);
    }

    @Override
    Validation other(Answer a, JsonNode j, Reply r) {
      if (a.status() == 403 && j != null && j.path("error").isObject()) {
        return r.liveBecause(null, null, "accepted, but a restricted key without permission to read the account (HTTP 403)");
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- Hugging Face

  /**
   * Hugging Face. {@code GET https://huggingface.co/api/whoami-v2} with the token as a bearer header,
   * answering {@code name}, {@code type} and {@code auth.accessToken.role}
   * (https://huggingface.co/docs/hub/api#get-apiwhoami-v2).
   */
  static final class HuggingFace extends ApiKeyProvider {
    HuggingFace() {
      super("huggingface", "https://huggingface.co", "ts.huggingface.", Pattern.compile("hf_[A-Za-z0-9]{30,40}"), null,
          "HTTP 401");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(get(base, "/api/whoami-v2"), c.secret());
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      String name = text(j, "name");
      if (name == null) {
        return r.unknown("malformed answer");
      }
      String role = text(j.path("auth").path("accessToken"), "role");
      return r.live(name, text(j, "type"), role == null ? List.of() : List.of(role), null);
    }
  }

  // ---------------------------------------------------------------- SendGrid

  /**
   * SendGrid. {@code GET https://api.sendgrid.com/v3/scopes}, the scopes of the key it is called with
   * (https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access).
   */
  static final class SendGrid extends ApiKeyProvider {
    SendGrid() {
      super("sendgrid", "https://api.sendgrid.com", "ts.sendgrid.",
          Pattern.compile("SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}"), null, "HTTP 401");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(get(base, "/v3/scopes"), c.secret());
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      if (j == null || !j.path("scopes").isArray()) {
        return r.unknown("malformed answer");
      }
      List<String> sc = new ArrayList<>();
      j.path("scopes").forEach(x -> sc.add(x.asText()));
      return r.live(null, null, sc, null);
    }
  }

  // ---------------------------------------------------------------- DigitalOcean

  /**
   * DigitalOcean. {@code GET https://api.digitalocean.com/v2/account}, answering {@code account.email},
   * {@code account.status} and {@code account.team.name}
   * (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account/operation/account_get).
   */
  static final class DigitalOcean extends ApiKeyProvider {
    DigitalOcean() {
      super("digitalocean", "https://api.digitalocean.com", "ts.digitalocean.", Pattern.compile("do[po]_v1_[a-f0-9]{64}"),
          "not a DigitalOcean access token", "HTTP 401 unauthorized");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return bearer(get(base, "/v2/account"), c.secret());
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      JsonNode acc = j == null ? null : j.get("account");
      if (acc == null || !acc.isObject()) {
        return r.unknown("malformed answer");
      }
      return r.live(text(acc, "email"), text(acc.path("team"), "name"), List.of(), null);
    }
  }

  // ---------------------------------------------------------------- Postman

  /**
   * Postman. {@code GET https://api.getpostman.com/me} with {@code X-API-Key}, answering
   * {@code user.username} and {@code user.teamName}
   * (https://learning.postman.com/api-docs/api-reference/users/get-authenticated-user).
   */
  static final class Postman extends ApiKeyProvider {
    Postman() {
      super("postman", "https://api.getpostman.com", "ts.postman.", Pattern.compile("PMAK-[a-f0-9]{24}-[a-f0-9]{34}"), null,
          "HTTP 401");
    }

    @Override
    HttpRequest.Builder check(URI base, Credential c, Instant now) {
      return get(base, "/me").header("X-API-Key", c.secret());
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      JsonNode u = j == null ? null : j.get("user");
      if (u == null || !u.isObject()) {
        return r.unknown("malformed answer");
      }
      return r.live(text(u, "username"), text(u, "teamName"), List.of(), null);
    }
  }
}

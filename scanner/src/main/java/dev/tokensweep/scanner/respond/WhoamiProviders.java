package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.scanner.model.Validation;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The providers asked by one plain "who am I" request ({@link Whoami}): each entry names the page its
 * request and answer were checked against. Keys of another region or site than the one host asked
 * are unknown there, and their 401 says so.
 */
final class WhoamiProviders {
  private WhoamiProviders() {}

  static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  static final List<Provider> ALL = List.of(new Cloudflare(),
      // https://devcenter.heroku.com/articles/platform-api-reference#account-info (v3 needs its Accept header)
      new Whoami("heroku", "https://api.heroku.com", "ts.heroku.", Pattern.compile("HRKU-[0-9A-Za-z_-]{60}|" + UUID), null,
          Whoami.Ask.get("/account", Whoami.Auth.BEARER, "Accept", "application/vnd.heroku+json; version=3"),
          Whoami.Reading.at("/id").identity("/email")),
      // https://vercel.com/docs/rest-api/user/get-the-user; a dead token is 403 with "invalidToken": true
      new Whoami("vercel", "https://api.vercel.com", "ts.vercel.", Pattern.compile("[A-Za-z0-9]{24}"), null,
          Whoami.Ask.get("/v2/user", Whoami.Auth.BEARER),
          Whoami.Reading.at("/user/id").identity("/user/username").account("/user/email")
              .deadOn(403, "/error/invalidToken", "HTTP 403 invalidToken")),
      // https://open-api.netlify.com/#tag/user/operation/getCurrentUser
      new Whoami("netlify", "https://api.netlify.com", "ts.netlify.", Pattern.compile("nfp_[A-Za-z0-9]{36}|[A-Za-z0-9_-]{43}"),
          null, Whoami.Ask.get("/api/v1/user", Whoami.Auth.BEARER), Whoami.Reading.at("/id").identity("/email")),
      // https://developers.notion.com/reference/get-self: the integration's bot user and its workspace
      new Whoami("notion", "https://api.notion.com", "ts.notion.",
          Pattern.compile("ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}"), null,
          Whoami.Ask.get("/v1/users/me", Whoami.Auth.BEARER, "Notion-Version", "2022-06-28"),
          Whoami.Reading.at("/id").identity("/name").account("/bot/workspace_name")),
      // https://circleci.com/docs/api/v2/index.html#operation/getCurrentUser; API v2 takes personal tokens only
      // (https://circleci.com/docs/guides/toolkit/api-developers-guide)
      new Whoami("circleci", "https://circleci.com", "ts.circleci.", Pattern.compile("CCIPAT_[A-Za-z0-9]{22}_[0-9a-f]{40}"),
          "a project token: the API's current-user endpoint takes personal tokens only",
          Whoami.Ask.get("/api/v2/me", Whoami.Auth.header("Circle-Token")), Whoami.Reading.at("/id").identity("/login")),
      // https://developer.hashicorp.com/terraform/cloud-docs/api-docs/account: a team or organization token
      // answers as its synthetic service user
      new Whoami("terraform", "https://app.terraform.io", "ts.terraform.",
          Pattern.compile("[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}"), null,
          Whoami.Ask.get("/api/v2/account/details", Whoami.Auth.BEARER, "Content-Type", "application/vnd.api+json"),
          Whoami.Reading.at("/data/id").identity("/data/attributes/username").account("/data/attributes/email")
              .unauthorized("HTTP 401 at app.terraform.io (a Terraform Enterprise token is unknown there)")),
      new Dropbox(),
      // https://docs.datadoghq.com/api/latest/authentication/validate-api-key/: only US1's host is asked
      new Whoami("datadog", "https://api.datadoghq.com", "ts.datadog.", Pattern.compile("[a-f0-9]{32}"),
          "an application key: checking it needs its API key as well",
          Whoami.Ask.get("/api/v1/validate", Whoami.Auth.header("DD-API-KEY")), Whoami.Reading.when("/valid", "true")
              .deadOn(403, null, "HTTP 403 at api.datadoghq.com (US1); a key of another Datadog site (EU, US3, US5, AP1, ...)"
                  + " is unknown there")),
      // https://www.figma.com/developers/api#get-me-endpoint; a dead token is 403 "Invalid token"
      new Whoami("figma", "https://api.figma.com", "ts.figma.", Pattern.compile("figd_[A-Za-z0-9_-]{40}"), null,
          Whoami.Ask.get("/v1/me", Whoami.Auth.header("X-Figma-Token")),
          Whoami.Reading.at("/id").identity("/email").account("/handle").deadOn(403, "/err", "HTTP 403 invalid token")),
      // https://airtable.com/developers/web/api/get-user-id-scopes
      new Whoami("airtable", "https://api.airtable.com", "ts.airtable.", Pattern.compile("pat[A-Za-z0-9]{14}\\.[0-9a-f]{64}"),
          "a legacy API key: Airtable has retired them, and its whoami takes access tokens",
          Whoami.Ask.get("/v0/meta/whoami", Whoami.Auth.BEARER), Whoami.Reading.at("/id").identity("/email").scopes("/scopes")),
      // https://docs.snyk.io/snyk-api/rest-api/authentication-for-api and .../reference/users (GET /self)
      new Whoami("snyk", "https://api.snyk.io", "ts.snyk.", Pattern.compile(UUID), null,
          Whoami.Ask.get("/rest/self?version=2024-06-10", Whoami.Auth.scheme("token"), "Accept", "application/vnd.api+json"),
          Whoami.Reading.at("/data/id").identity("/data/attributes/username").account("/data/attributes/email")
              .unauthorized("HTTP 401 at api.snyk.io (a token of Snyk's EU or AU region is unknown there)")),
      // https://docs.cohere.com/reference/check-api-key
      new Whoami("cohere", "https://api.cohere.com", "ts.cohere.", Pattern.compile("[A-Za-z0-9]{40}"), null,
          Whoami.Ask.post("/v1/check-api-key", Whoami.Auth.BEARER),
          Whoami.Reading.when("/valid", "true").account("/organization_id")),
      // https://openrouter.ai/docs/api/api-reference/api-keys/get-current-api-key; its label is a part of the key
      // itself, so nothing of the answer is kept
      new Whoami("openrouter", "https://openrouter.ai", "ts.openrouter.", Pattern.compile("sk-or-v1-[a-f0-9]{64}"), null,
          Whoami.Ask.get("/api/v1/key", Whoami.Auth.BEARER), Whoami.Reading.at("/data")),
      new Xai(),
      // https://developers.asana.com/reference/getuser with "me" (https://developers.asana.com/docs/using-curl)
      new Whoami("asana", "https://app.asana.com", "ts.asana.", Pattern.compile("[0-2]/[0-9]{13,19}(/[0-9]{13,19})?:[0-9a-f]{32}"),
          null, Whoami.Ask.get("/api/1.0/users/me", Whoami.Auth.BEARER),
          Whoami.Reading.at("/data/gid").identity("/data/email").account("/data/name")),
      // https://discord.com/developers/docs/resources/user#get-current-user, a bot's token after "Bot"
      // (https://discord.com/developers/docs/reference#authentication); a webhook URL is not asked
      new Whoami("discord", "https://discord.com", "ts.discord.",
          Pattern.compile("[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}"),
          "a webhook URL: not checked, a request to it would be the webhook's own",
          Whoami.Ask.get("/api/v10/users/@me", Whoami.Auth.scheme("Bot")), Whoami.Reading.at("/id").identity("/username")),
      // https://replicate.com/docs/reference/http#account.get
      new Whoami("replicate", "https://api.replicate.com", "ts.replicate.", Pattern.compile("r8_[A-Za-z0-9]{37}"), null,
          Whoami.Ask.get("/v1/account", Whoami.Auth.BEARER), Whoami.Reading.at("/username").identity("/username").account("/type")),
      // https://console.groq.com/docs/api-reference#models-list
      Whoami.models("groq", "https://api.groq.com", "ts.groq.", Pattern.compile("gsk_[A-Za-z0-9]{52}"), "/openai/v1/models"),
      // https://docs.mistral.ai/api/endpoint/models
      Whoami.models("mistral", "https://api.mistral.ai", "ts.mistral.", Pattern.compile("[A-Za-z0-9]{32}"), "/v1/models"),
      // https://api-docs.deepseek.com/api/list-models
      Whoami.models("deepseek", "https://api.deepseek.com", "ts.deepseek.", Pattern.compile("sk-[a-f0-9]{32}"), "/models"),
      new Together());

  // ---------------------------------------------------------------- Cloudflare

  /**
   * Cloudflare user API tokens: {@code GET https://api.cloudflare.com/client/v4/user/tokens/verify},
   * answering {@code result.id}, {@code result.status} ({@code active}, {@code disabled},
   * {@code expired}) and {@code result.expires_on}
   * (https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/,
   * https://developers.cloudflare.com/fundamentals/api/troubleshooting/). An account-owned token is
   * verified under its account's path, which needs the account id; a global API key needs the
   * account's e-mail address. A legacy token without a prefix may be either kind, so only a live
   * answer is taken from that endpoint for it.
   */
  static final class Cloudflare extends Whoami {
    static final Pattern USER = Pattern.compile("cfut_[A-Za-z0-9]{40}[A-Za-z0-9_-]{4,16}|[A-Za-z0-9_-]{40}");
    static final String LEGACY = "ts.cloudflare.5";

    Cloudflare() {
      super("cloudflare", "https://api.cloudflare.com", "ts.cloudflare.", USER, null,
          Ask.get("/client/v4/user/tokens/verify", Auth.BEARER), Reading.when("/result/status", "active").identity("/result/id"));
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      if (!hasPrefix(ruleId, "ts.cloudflare.")) {
        return Fit.NOT_MINE;
      }
      if (s.startsWith("cfat_")) {
        return Fit.skip("an account-owned token: it is verified under its account, whose id is not in the token", false);
      }
      if (s.startsWith("cfk_") || ruleId.equals("ts.cloudflare.4")) {
        return Fit.skip("a global API key: checking it needs the account's e-mail address", false);
      }
      return USER.matcher(s).matches() ? Fit.validateOnly() : Fit.skip("no Cloudflare endpoint checks this kind of key alone", false);
    }

    @Override
    Validation read(Answer a, Credential c, Reply r) {
      if (a.status() == 401 && LEGACY.equals(c.ruleId())) {
        return r.unknown("HTTP 401 as a user token (an account-owned token is verified under its account, not asked)");
      }
      return super.read(a, c, r);
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      Validation v = super.live(a, j, r);
      return v.live() ? r.live("token " + v.identity(), null, List.of(), epoch(value(j, "/result/expires_on"))) : v;
    }
  }

  // ---------------------------------------------------------------- Dropbox

  /**
   * Dropbox short-lived access tokens: {@code POST https://api.dropboxapi.com/2/users/get_current_account}
   * without a body, answering {@code account_id}, {@code email}, {@code name.display_name}
   * (https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account);
   * revoked by {@code POST /2/auth/token/revoke}, which disables the token it is called with
   * (https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke). A
   * refresh token or app secret needs the app's key to be used at all.
   */
  static final class Dropbox extends Whoami {
    Dropbox() {
      super("dropbox", "https://api.dropboxapi.com", "ts.dropbox.", Pattern.compile("sl\\.(u\\.)?[A-Za-z0-9_-]{130,1500}"),
          "a refresh token or app secret: using it needs the app's key", Ask.post("/2/users/get_current_account", Auth.BEARER),
          Reading.at("/account_id").identity("/email").account("/name/display_name"));
    }

    @Override
    Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
      Fit f = super.fit(ruleId, s, jwt, now);
      return f.validate() ? Fit.both() : f;
    }

    @Override
    HttpRequest.Builder revoke(URI base, Credential c) {
      return Providers.bearer(HttpRequest.newBuilder(at(base, "/2/auth/token/revoke")).POST(HttpRequest.BodyPublishers.noBody()),
          c.secret());
    }
  }

  // ---------------------------------------------------------------- Together AI

  /**
   * Together AI: {@code GET https://api.together.xyz/v1/models} with a bearer key, answering a JSON
   * array of models (https://docs.together.ai/reference/models): whether the key is accepted.
   */
  static final class Together extends Whoami {
    Together() {
      super("together", "https://api.together.xyz", "ts.together.", Pattern.compile("tgp_v1_[A-Za-z0-9_-]{43}|[a-f0-9]{64}"), null,
          Ask.get("/v1/models", Auth.BEARER), Reading.at("/0"));
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      try {
        if (JSON.readTree(a.body()) instanceof com.fasterxml.jackson.databind.node.ArrayNode) {
          return r.live(null, null, List.of(), null);
        }
      } catch (java.io.IOException | RuntimeException e) {
        // not JSON: malformed, below
      }
      return r.unknown("malformed answer (not a list of models)");
    }
  }

  // ---------------------------------------------------------------- xAI

  /**
   * xAI: {@code GET https://api.x.ai/v1/api-key}, the key it is called with: its {@code name},
   * {@code team_id}, {@code acls} and whether the key or its team is blocked or disabled
   * (https://docs.x.ai/docs/api-reference#api-key); an invalid key is 400.
   */
  static final class Xai extends Whoami {
    Xai() {
      super("xai", "https://api.x.ai", "ts.xai.", Pattern.compile("xai-[A-Za-z0-9]{80}"), null, Ask.get("/v1/api-key", Auth.BEARER),
          Reading.at("/api_key_id").identity("/name").account("/team_id").scopes("/acls")
              .deadOn(400, null, "HTTP 400 invalid API key"));
    }

    @Override
    Validation live(Answer a, JsonNode j, Reply r) {
      for (String flag : List.of("api_key_blocked", "api_key_disabled", "team_blocked")) {
        if (j != null && j.path(flag).asBoolean(false)) {
          return r.invalid("xai: " + flag);
        }
      }
      return super.live(a, j, r);
    }
  }
}

package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.TokenForge;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Synthetic, format-valid secrets for the corpus, with the label metadata each needs. Builds on
 * {@link TokenForge} (checksummed GitHub/npm tokens, GitLab routable tokens, JWTs); the shapes of
 * the other providers follow FORMATS.md. Deterministic for a given {@link Random}; nothing here
 * was ever issued by anyone.
 */
public final class Forge {
  /** Reference time of every corpus: JWT expiry and the timestamps of logs are relative to it. */
  public static final long NOW = 1_793_620_800L; // 2026-11-02T12:00:00Z

  private static final String B64 = TokenForge.ALNUM + "+/";
  private static final String AWS32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String GH_USER_CODE = "BCDFGHJKLMNPQRSTVWXZ0123456789";

  final Random random;
  final TokenForge tf;

  public Forge(Random random) {
    this.random = random;
    this.tf = new TokenForge(random);
  }

  public String random(String alphabet, int n) {
    return tf.random(alphabet, n);
  }

  public String hex(int n) {
    return tf.random(TokenForge.HEX, n);
  }

  public String uuid() {
    return tf.uuid();
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  public <T> T pick(T[] options) {
    return options[random.nextInt(options.length)];
  }

  // ---- GitHub -------------------------------------------------------------------------------

  /** {@code ghp_} (classic PAT), {@code gho_} (OAuth), {@code ghu_}, {@code ghs_}: CRC32-checked. */
  public Token github(String prefix) {
    Kind kind = prefix.equals("ghp_") ? Kind.API_KEY : Kind.ACCESS_TOKEN;
    return new Token(tf.base62Crc32(prefix), kind, "github", Capability.GITHUB, "unknown");
  }

  public Token githubAny() {
    return github(pick(new String[] {"ghp_", "gho_", "ghu_", "ghs_"}));
  }

  public Token githubRefresh() {
    return new Token("ghr_" + tf.random(TokenForge.ALNUM, 76), Kind.REFRESH_TOKEN, "github", Capability.GITHUB,
        "unknown");
  }

  public Token githubFineGrained() {
    return new Token("github_pat_11" + tf.random(TokenForge.UPPER_ALNUM, 20) + "_" + tf.random(TokenForge.ALNUM, 59),
        Kind.API_KEY, "github", Capability.GITHUB, "unknown");
  }

  /** A GitHub device code: 40 lower-case hex, as in GitHub's documented example. */
  public Token githubDeviceCode() {
    return new Token(hex(40), Kind.DEVICE_CODE, "github", Capability.DEVICE_CODE, "unknown");
  }

  /** {@code XXXX-XXXX}; {@code rule} says whether it is planted in a JSON/form field or a CLI prompt. */
  public Token githubUserCode(Capability rule) {
    return new Token(tf.random(GH_USER_CODE, 4) + "-" + tf.random(GH_USER_CODE, 4), Kind.USER_CODE, "github", rule,
        "unknown");
  }

  /** What a forged GitHub token looks like with its last checksum character changed: a decoy. */
  public String githubWrongChecksum() {
    return tf.base62Crc32Wrong(pick(new String[] {"ghp_", "gho_", "ghu_", "ghs_"}));
  }

  // ---- Microsoft ------------------------------------------------------------------------------

  public Token msDeviceCode() {
    return new Token("DAQABIQEAAAD" + tf.random(TokenForge.B64URL, 180), Kind.DEVICE_CODE, "microsoft",
        Capability.DEVICE_CODE, "unknown");
  }

  /** Nine upper-case alphanumerics, as Entra shows them (observed). */
  public Token msUserCode(Capability rule) {
    return new Token(tf.random(TokenForge.UPPER_ALNUM.substring(0, 26), 2) + tf.random(TokenForge.UPPER_ALNUM, 7),
        Kind.USER_CODE, "microsoft", rule, "unknown");
  }

  /** Entra refresh token: {@code 1.A} + 50+ + {@code .Ag} + 250+ (observed shape). */
  public Token msRefresh() {
    // the second segment starts AgABAAEAAAD (version bytes) in the tokens seen; see ts.microsoft.1
    return new Token("1.AR" + tf.random(TokenForge.B64URL, 66) + ".AgABAAEAAAD" + tf.random(TokenForge.B64URL, 292),
        Kind.REFRESH_TOKEN, "microsoft", Capability.MICROSOFT_REFRESH, "unknown");
  }

  /** Entra v1 access token for Microsoft Graph with realistic claims, live or expired at {@link #NOW}. */
  public Token msAccessJwt(boolean live, String tenant) {
    long iat = live ? NOW - 600 - random.nextInt(1800) : NOW - 86_400L * (1 + random.nextInt(60));
    String scopes = pick(new String[] {"User.Read Mail.ReadWrite Files.ReadWrite.All offline_access",
        "User.Read openid profile", "Directory.ReadWrite.All user_impersonation", "https://management.core.windows.net//.default"});
    String v = tf.accessJwt("https://sts.windows.net/" + tenant + "/", "https://graph.microsoft.com", scopes, iat,
        3600 + random.nextInt(1200));
    return new Token(v, Kind.ACCESS_TOKEN, "microsoft", Capability.JWT, live ? "live" : "expired");
  }

  /** An Entra v2 id token (no scopes, user claims). */
  public Token msIdToken(boolean live, String tenant, String user) {
    long iat = live ? NOW - 300 - random.nextInt(1800) : NOW - 86_400L * (1 + random.nextInt(30));
    String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"" + tf.random(TokenForge.B64URL, 27) + "\"}";
    String payload = "{\"aud\":\"" + uuid() + "\",\"iss\":\"https://login.microsoftonline.com/" + tenant + "/v2.0\",\"iat\":"
        + iat + ",\"nbf\":" + iat + ",\"exp\":" + (iat + 3600) + ",\"name\":\"" + user + "\",\"oid\":\"" + uuid()
        + "\",\"preferred_username\":\"" + user.toLowerCase().replace(' ', '.') + "@contoso.example\",\"sub\":\""
        + tf.random(TokenForge.B64URL, 43) + "\",\"tid\":\"" + tenant + "\",\"ver\":\"2.0\"}";
    return new Token(tf.jwt(header, payload), Kind.ID_TOKEN, "microsoft", Capability.JWT, live ? "live" : "expired");
  }

  /** A legacy Kubernetes service-account token: a JWT without {@code exp}. */
  public Token k8sServiceAccountJwt(String namespace, String account) {
    String header = "{\"alg\":\"RS256\",\"kid\":\"" + tf.random(TokenForge.B64URL, 43) + "\"}";
    String payload = "{\"iss\":\"kubernetes/serviceaccount\",\"kubernetes.io/serviceaccount/namespace\":\"" + namespace
        + "\",\"kubernetes.io/serviceaccount/secret.name\":\"" + account + "-token-" + tf.random("bcdfghjklmnpqrstvwxz2456789", 5)
        + "\",\"kubernetes.io/serviceaccount/service-account.name\":\"" + account
        + "\",\"kubernetes.io/serviceaccount/service-account.uid\":\"" + uuid() + "\",\"sub\":\"system:serviceaccount:"
        + namespace + ":" + account + "\"}";
    return new Token(tf.jwt(header, payload), Kind.ACCESS_TOKEN, "kubernetes", Capability.JWT, "unknown");
  }

  /** A generic OAuth access token JWT from an identity provider of the given issuer. */
  public Token oauthJwt(String iss, String aud, String scopes, boolean live) {
    long iat = live ? NOW - 120 - random.nextInt(3000) : NOW - 86_400L * (1 + random.nextInt(90));
    String v = tf.accessJwt(iss, aud, scopes, iat, 3600);
    return new Token(v, Kind.ACCESS_TOKEN, "oauth", Capability.JWT, live ? "live" : "expired");
  }

  // ---- AWS ------------------------------------------------------------------------------------

  public Token awsKeyId() {
    return new Token(awsKeyIdValue("AKIA"), Kind.API_KEY, "aws", Capability.AWS_KEY_ID, "unknown");
  }

  public Token awsTempKeyId() {
    return new Token(awsKeyIdValue("ASIA"), Kind.API_KEY, "aws", Capability.AWS_KEY_ID, "unknown");
  }

  /**
   * Three in four of the current generation, naming a twelve-digit account; the rest of the
   * generation before 2019 (fifth character A-P), which names none.
   */
  private String awsKeyIdValue(String prefix) {
    if (random.nextInt(4) == 0) {
      return prefix + tf.random("ABCDEFGHIJKLMNOP", 1) + tf.random(AWS32, 15);
    }
    return tf.awsKeyId(prefix, tf.awsAccount());
  }

  public Token awsSecret() {
    return new Token(tf.random(B64, 40), Kind.PASSWORD, "aws", Capability.AWS_SECRET, "unknown");
  }

  public Token awsSessionToken() {
    return new Token("IQoJb3JpZ2luX2VjE" + tf.random(B64, 380) + "=", Kind.SESSION, "aws", Capability.AWS_SESSION,
        "unknown");
  }

  /** IAM Identity Center access ({@code aoa}) or refresh ({@code aor}) token. */
  public Token awsSso(boolean refresh) {
    String v = (refresh ? "aor" : "aoa") + "AAAAAGc" + tf.random(TokenForge.ALNUM, 90) + ":" + tf.random(B64, 120);
    return new Token(v, refresh ? Kind.REFRESH_TOKEN : Kind.ACCESS_TOKEN, "aws", Capability.AWS_SSO, "unknown");
  }

  public Token awsDeviceCode() {
    return new Token(tf.random(TokenForge.B64URL, 86), Kind.DEVICE_CODE, "aws", Capability.DEVICE_CODE_CAMEL,
        "unknown");
  }

  public Token awsUserCode(Capability rule) {
    return new Token(tf.random(TokenForge.BASE20, 4) + "-" + tf.random(TokenForge.BASE20, 4), Kind.USER_CODE, "aws",
        rule, "unknown");
  }

  // ---- the rest of the catalogue -------------------------------------------------------------

  public Token gitlab() {
    return new Token(tf.gitlabRoutable("glpat-"), Kind.API_KEY, "gitlab", Capability.GITLAB, "unknown");
  }

  public Token slackBot() {
    return new Token("xoxb-" + (1_000_000_000L + random.nextInt(1_000_000_000)) + "-"
        + (1_000_000_000L + random.nextInt(1_000_000_000)) + "-" + tf.random(TokenForge.ALNUM, 24), Kind.ACCESS_TOKEN,
        "slack", Capability.SLACK, "unknown");
  }

  public Token googleAccess() {
    return new Token("ya29.a0" + tf.random(TokenForge.B64URL, 160), Kind.ACCESS_TOKEN, "google", Capability.GOOGLE,
        "unknown");
  }

  public Token googleRefresh() {
    return new Token("1//0" + tf.random(TokenForge.B64URL, 99), Kind.REFRESH_TOKEN, "google", Capability.GOOGLE,
        "unknown");
  }

  public Token googleApiKey() {
    return new Token("AIza" + tf.random(TokenForge.B64URL, 35), Kind.API_KEY, "google", Capability.GOOGLE, "unknown");
  }

  public Token googleDeviceCode() {
    return new Token("AH-1Ng" + tf.random(TokenForge.B64URL, 90), Kind.DEVICE_CODE, "google", Capability.DEVICE_CODE,
        "unknown");
  }

  public Token npm() {
    return new Token(tf.base62Crc32("npm_"), Kind.API_KEY, "npm", Capability.NPM, "unknown");
  }

  /** A PyPI token: a macaroon for pypi.org, scoped to the user or to one project. */
  public Token pypi() {
    String caveat = random.nextBoolean() ? "{\"permissions\": \"user\", \"version\": 1}"
        : "{\"permissions\": {\"projects\": [\"" + pick(new String[] {"acme-client", "orders-sdk", "infra-tools"})
            + "\"]}, \"version\": 1}";
    return new Token(tf.pypiToken("pypi.org", caveat), Kind.API_KEY, "pypi", Capability.PYPI, "unknown");
  }

  public Token docker() {
    return new Token("dckr_pat_" + tf.random(TokenForge.B64URL, 27), Kind.API_KEY, "docker", Capability.DOCKER,
        "unknown");
  }

  public Token stripe() {
    return new Token("sk_live_51" + tf.random(TokenForge.ALNUM, 97), Kind.API_KEY, "stripe", Capability.STRIPE,
        "unknown");
  }

  public Token openai() {
    return new Token("sk-proj-" + tf.random(TokenForge.B64URL, 74) + "T3BlbkFJ" + tf.random(TokenForge.B64URL, 74),
        Kind.API_KEY, "openai", Capability.OPENAI, "unknown");
  }

  public Token anthropic() {
    return new Token("sk-ant-api03-" + tf.random(TokenForge.B64URL, 93) + "AA", Kind.API_KEY, "anthropic",
        Capability.ANTHROPIC, "unknown");
  }

  public Token vault() {
    return new Token("hvs.CAESI" + tf.random(TokenForge.B64URL, 86), Kind.ACCESS_TOKEN, "vault", Capability.VAULT,
        "unknown");
  }

  /** An opaque bearer token with no provider prefix: found only from its {@code Authorization} context. */
  public Token opaqueBearer() {
    return new Token(tf.random(TokenForge.B64URL, 43), Kind.ACCESS_TOKEN, "oauth", Capability.BEARER, "unknown");
  }

  /** An opaque value of an {@code access_token}/{@code refresh_token} field. */
  public Token opaqueField(Kind kind) {
    return new Token(tf.random(TokenForge.B64URL, 48), kind, "oauth", Capability.TOKEN_FIELD, "unknown");
  }

  public Token sessionCookie() {
    return new Token(tf.random(TokenForge.B64URL, 43), Kind.SESSION, "web", Capability.SESSION_COOKIE, "unknown");
  }

  /** A password as people choose them for service accounts: letters and digits, safe in URLs and shells. */
  public Token password(Capability rule) {
    String v = tf.random("ABCDEFGHJKLMNPQRSTUVWXYZ", 1) + tf.random("abcdefghijkmnopqrstuvwxyz", 5)
        + tf.random("0123456789", 2) + tf.random(TokenForge.ALNUM, 10);
    return new Token(v, Kind.PASSWORD, "generic", rule, "unknown");
  }

  // ---- helpers for contexts ---------------------------------------------------------------------

  public static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  public String tenant() {
    return uuid();
  }
}

package dev.tokensweep.corpus;

import dev.tokensweep.corpus.gen.Forge;
import dev.tokensweep.corpus.gen.Probe;
import dev.tokensweep.corpus.gen.Token;
import java.util.function.Function;

/**
 * Everything a scan must be able to do to find some planted secret: a container or reader
 * ({@code gzip}, {@code utf16}, ...) or a rule family in a context ({@code github},
 * {@code device-code}, ...). Every label lists the ones it needs ({@link Label#requires()}).
 *
 * <p>This is the one list to keep up to date. Each capability carries a probe: a tiny input that
 * only a scanner with the capability gets right. {@link Capabilities#detect} runs the probes
 * through the real scanner, so labels become in reach (and are then held to recall 1.0) as soon
 * as the reader or rule lands, without editing the test. Probe secrets are never labelled, so
 * they are forged without a rule ({@code null}).
 */
public enum Capability {
  // ---- containers and readers
  GZIP("gzip", "gzip streams (rotated logs), multi-member", f -> Probe.gzip(f.github("ghp_"))),
  TAR_GZ("tar.gz", "tar.gz archives", f -> Probe.tarGz(f.github("ghp_"))),
  ZIP("zip", "zip archives", f -> Probe.zip(f.github("ghp_"))),
  TAR_XZ("tar.xz", "tar.xz archives (sosreport)", f -> Probe.tarXz(f.github("ghp_"))),
  UTF16("utf16", "UTF-16LE and UTF-16BE strings inside binaries", f -> Probe.utf16(f.github("ghp_"), f.github("gho_"))),
  BASE64("base64", "secrets inside base64 values (Docker auth, HTTP Basic)",
      f -> Probe.base64Auth(f.github("ghp_"))),
  JSON_ESCAPED("json-escaped", "token fields inside JSON that is itself a JSON string (HAR response text)",
      f -> Probe.text("probe.har", "{\"text\": \"{\\\"refresh_token\\\":\\\"%s\\\"}\"}",
          f.opaqueField(dev.tokensweep.detectors.rule.Kind.REFRESH_TOKEN))),

  // ---- rule families, each in the context the corpus plants it
  GITHUB("github", "GitHub tokens", f -> Probe.text("probe.log", "export GITHUB_TOKEN=%s", f.github("ghp_"))),
  JWT("jwt", "JSON Web Tokens (access and id tokens)",
      f -> Probe.text("probe.log", "id_token: %s", f.msIdToken(true, f.tenant(), "Ada Lovelace"))),
  DEVICE_CODE("device-code", "device_code in JSON and form bodies",
      f -> Probe.text("probe.log", "{\"device_code\":\"%s\",\"expires_in\":900}\nclient_id=178c6fc778ccc68e1d6a&device_code=%s",
          f.githubDeviceCode(), f.githubDeviceCode())),
  DEVICE_CODE_CAMEL("device-code-camel", "deviceCode in AWS IAM Identity Center JSON",
      f -> Probe.text("probe.log", "{\"deviceCode\":\"%s\",\"expiresIn\":600}", f.awsDeviceCode())),
  USER_CODE_FIELD("user-code-field", "user_code in JSON and form bodies",
      f -> Probe.text("probe.log", "{\"user_code\":\"%s\",\"verification_uri\":\"https://github.com/login/device\"}\n"
          + "device_code=3584d83530557fdd1f46af8289938c8ef79f9dc5&expires_in=899&interval=5&user_code=%s&verification_uri=x",
          f.githubUserCode(null), f.githubUserCode(null))),
  USER_CODE_CAMEL("user-code-camel", "userCode in AWS IAM Identity Center JSON",
      f -> Probe.text("probe.log", "{\"userCode\":\"%s\",\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\"}",
          f.awsUserCode(null))),
  USER_CODE_PROMPT("user-code-prompt", "user codes in the prompts of gh and Microsoft CLIs",
      f -> Probe.text("probe.log", "! First copy your one-time code: %s\nTo sign in, use a web browser to open the page"
          + " https://microsoft.com/devicelogin and enter the code %s to authenticate.",
          f.githubUserCode(null), f.msUserCode(null))),
  USER_CODE_PROMPT_AWS("user-code-prompt-aws", "the user code on its own line after the AWS CLI's 'Then enter the code:'",
      f -> Probe.text("probe.log", "Then enter the code:\n\n%s\n", f.awsUserCode(null))),
  BEARER("bearer", "opaque tokens after Authorization: Bearer",
      f -> Probe.text("probe.log", "> Authorization: Bearer %s", f.opaqueBearer())),
  TOKEN_FIELD("token-field", "opaque access_token/refresh_token values in JSON, forms and URLs",
      f -> Probe.text("probe.log", "{\"access_token\":\"%s\",\"token_type\":\"Bearer\"}\nGET /export?access_token=%s&f=csv",
          f.opaqueField(dev.tokensweep.detectors.rule.Kind.ACCESS_TOKEN), f.opaqueField(dev.tokensweep.detectors.rule.Kind.ACCESS_TOKEN))),
  SESSION_COOKIE("session-cookie", "session cookies in Cookie headers and HAR cookies[]",
      f -> Probe.text("probe.har", "{\"log\": {\"entries\": [{\"request\": {\"headers\": [{\"name\": \"Cookie\", "
          + "\"value\": \"session=%s; theme=dark\"}], \"cookies\": [{\"name\": \"session\", \"value\": \"%s\", \"httpOnly\": true}]}}]}}",
          f.sessionCookie(), f.sessionCookie())),
  PASSWORD_ASSIGNMENT("password-assignment", "password=/keyStorePassword= assignments and JDBC URLs",
      f -> Probe.text("probe.log", "jvm_args: -Dspring.datasource.password=%s -Djavax.net.ssl.keyStorePassword=%s\n"
          + "(url=jdbc:postgresql://db.internal:5432/orders?user=app&password=%s)", f.password(null),
          f.password(null), f.password(null))),
  BASIC_AUTH("basic-auth", "Authorization: Basic credentials (user:password in base64)",
      f -> Probe.basicAuth(f.password(null))),
  DOCKER_AUTH("docker-auth", "registry credentials in Docker config.json auths (base64 user:secret)",
      f -> Probe.text("config.json", "{\"auths\":{\"registry.example.com\":{\"auth\":\"%s\"}}}\n",
          new dev.tokensweep.corpus.gen.Token(dev.tokensweep.corpus.gen.Forge.b64("deploy:" + f.password(null).value()),
              dev.tokensweep.detectors.rule.Kind.PASSWORD, "docker", null, "unknown"))),
  URL_PASSWORD("url-password", "passwords in URL userinfo",
      f -> Probe.text("probe.log", "https://deploy:%s@repo.example.com/", f.password(null))),
  GITLAB("gitlab", "GitLab tokens", f -> Probe.text("probe.log", "PRIVATE-TOKEN: %s", f.gitlab())),
  SLACK("slack", "Slack tokens", f -> Probe.text("probe.log", "SLACK_BOT_TOKEN=%s", f.slackBot())),
  GOOGLE("google", "Google access tokens, refresh tokens and API keys",
      f -> Probe.text("probe.log", "%s\n%s\n%s", f.googleAccess(), f.googleRefresh(), f.googleApiKey())),
  AWS_KEY_ID("aws-key-id", "AWS access key ids (AKIA, ASIA)", f -> Probe.text("probe.log", "aws_access_key_id = %s", f.awsKeyId())),
  AWS_SECRET("aws-secret", "AWS secret access keys next to their key name",
      f -> Probe.text("probe.log", "aws_secret_access_key = %s\n{\"accessKeyId\":\"ASIAY34FZKBOKMUTVV7A\",\"secretAccessKey\":\"%s\"}",
          f.awsSecret(), f.awsSecret())),
  AWS_SESSION("aws-session", "AWS session tokens", f -> Probe.text("probe.log", "X-Amz-Security-Token: %s", f.awsSessionToken())),
  AWS_SSO("aws-sso", "AWS IAM Identity Center access and refresh tokens",
      f -> Probe.text("probe.log", "{\"accessToken\": \"%s\", \"refreshToken\": \"%s\"}", f.awsSso(false), f.awsSso(true))),
  MICROSOFT_REFRESH("microsoft-refresh", "Microsoft Entra refresh tokens", f -> Probe.text("probe.log", "\"secret\": \"%s\"", f.msRefresh())),
  NPM("npm", "npm tokens", f -> Probe.text(".npmrc", "//registry.npmjs.org/:_authToken=%s", f.npm())),
  PYPI("pypi", "PyPI tokens", f -> Probe.text("probe.log", "password = %s", f.pypi())),
  DOCKER("docker", "Docker Hub personal access tokens", f -> Probe.text("probe.log", "docker login -u ci -p %s", f.docker())),
  STRIPE("stripe", "Stripe live keys", f -> Probe.text("probe.log", "STRIPE_KEY=%s", f.stripe())),
  OPENAI("openai", "OpenAI keys", f -> Probe.text("probe.log", "OPENAI_API_KEY=%s", f.openai())),
  ANTHROPIC("anthropic", "Anthropic keys", f -> Probe.text("probe.log", "ANTHROPIC_API_KEY=%s", f.anthropic())),
  VAULT("vault", "HashiCorp Vault tokens", f -> Probe.text("probe.log", "VAULT_TOKEN=%s", f.vault()));

  private final String id;
  private final String description;
  private final Function<Forge, Probe> probe;

  Capability(String id, String description, Function<Forge, Probe> probe) {
    this.id = id;
    this.description = description;
    this.probe = probe;
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** A tiny input that a scanner with this capability finds every secret of, and one without does not. */
  public Probe probe(Forge forge) {
    return probe.apply(forge);
  }

  public static Capability of(String id) {
    for (Capability c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown capability '" + id + "'");
  }
}

package dev.tokensweep.scanner.respond;

import dev.tokensweep.detectors.rule.TokenForge;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One synthetic, never-issued token per provider, in the shape its documentation gives, with the
 * rule id the catalogue (or, for providers whose rules are still to come, the expected prefix)
 * reports it under.
 */
final class Samples {
  private Samples() {}

  record Sample(String provider, String ruleId, String secret) {
    @Override
    public String toString() {
      return provider; // test names and failure messages never show the token
    }
  }

  static final String AWS_KEY_ID = "AKIA" + "Q3EGRYTVJZLMNP4R".substring(0, 16);

  /** Tokens by provider; {@code seed} varies them so two samples of one provider differ. */
  static Map<String, Sample> all(long seed) {
    TokenForge f = new TokenForge(new Random(seed));
    Map<String, Sample> m = new LinkedHashMap<>();
    long exp = 1893456000L; // 2030
    m.put("github", new Sample("github", "ts.github.1", f.base62Crc32("ghp_")));
    m.put("gitlab", new Sample("gitlab", "ts.gitlab.1", "glpat-" + f.random(TokenForge.B64URL, 20)));
    m.put("slack", new Sample("slack", "ts.slack.1", "xoxb-" + f.random("0123456789", 12) + "-" + f.random("0123456789", 13) + "-"
        + f.random(TokenForge.ALNUM, 24)));
    m.put("google", new Sample("google", "ts.google.1", "ya29." + f.random(TokenForge.B64URL, 120)));
    m.put("microsoft", new Sample("microsoft", "ts.oauth.6", f.jwt("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
        "{\"aud\":\"https://graph.microsoft.com\",\"iss\":\"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/\","
            + "\"iat\":1700000000,\"exp\":" + exp + ",\"scp\":\"User.Read Mail.Read\",\"appid\":\"" + f.uuid() + "\"}")));
    m.put("okta", new Sample("okta", "ts.oauth.6", f.jwt("{\"alg\":\"RS256\",\"kid\":\"k1\"}",
        "{\"ver\":1,\"jti\":\"AT." + f.random(TokenForge.B64URL, 20) + "\",\"iss\":\"https://dev-123456.okta.com/oauth2/default\","
            + "\"aud\":\"api://default\",\"iat\":1700000000,\"exp\":" + exp + ",\"cid\":\"0oa" + f.random(TokenForge.ALNUM, 17)
            + "\",\"uid\":\"00u" + f.random(TokenForge.ALNUM, 17) + "\",\"scp\":[\"openid\",\"profile\"],\"sub\":\"john.doe@example.com\"}")));
    m.put("npm", new Sample("npm", "ts.npm.1", f.base62Crc32("npm_")));
    m.put("aws", new Sample("aws", "ts.aws.3", f.random(TokenForge.ALNUM + "/+", 40)));
    m.put("openai", new Sample("openai", "ts.openai.1", "sk-proj-" + f.random(TokenForge.B64URL, 74) + "T3BlbkFJ"
        + f.random(TokenForge.B64URL, 74)));
    m.put("anthropic", new Sample("anthropic", "ts.anthropic.1", "sk-ant-api03-" + f.random(TokenForge.B64URL, 93) + "AA"));
    m.put("stripe", new Sample("stripe", "ts.stripe.1", "sk_live_" + f.random(TokenForge.ALNUM, 99)));
    m.put("huggingface", new Sample("huggingface", "ts.huggingface.1", "hf_" + f.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34)));
    m.put("sendgrid", new Sample("sendgrid", "ts.sendgrid.1", "SG." + f.random(TokenForge.B64URL, 22) + "."
        + f.random(TokenForge.B64URL, 43)));
    m.put("digitalocean", new Sample("digitalocean", "ts.digitalocean.1", "dop_v1_" + f.random(TokenForge.HEX, 64)));
    m.put("postman", new Sample("postman", "ts.postman.1", "PMAK-" + f.random(TokenForge.HEX, 24) + "-" + f.random(TokenForge.HEX, 34)));
    m.put("cloudflare", new Sample("cloudflare", "ts.cloudflare.1", "cfut_" + f.random(TokenForge.ALNUM, 40) + f.random(TokenForge.B64URL, 8)));
    m.put("heroku", new Sample("heroku", "ts.heroku.1", "HRKU-" + f.random(TokenForge.B64URL, 60)));
    m.put("vercel", new Sample("vercel", "ts.vercel.1", f.random(TokenForge.ALNUM, 24)));
    m.put("netlify", new Sample("netlify", "ts.netlify.1", "nfp_" + f.random(TokenForge.ALNUM, 36)));
    m.put("notion", new Sample("notion", "ts.notion.1", "ntn_" + f.random("0123456789", 11) + f.random(TokenForge.ALNUM, 35)));
    m.put("circleci", new Sample("circleci", "ts.circleci.1", "CCIPAT_" + f.random(TokenForge.ALNUM, 22) + "_" + f.random(TokenForge.HEX, 40)));
    m.put("terraform", new Sample("terraform", "ts.terraform.1", f.random(TokenForge.ALNUM, 14) + ".atlasv1." + f.random(TokenForge.ALNUM, 67)));
    m.put("dropbox", new Sample("dropbox", "ts.dropbox.1", "sl.u." + f.random(TokenForge.B64URL, 140)));
    m.put("datadog", new Sample("datadog", "ts.datadog.1", f.random(TokenForge.HEX, 32)));
    m.put("figma", new Sample("figma", "ts.figma.1", "figd_" + f.random(TokenForge.B64URL, 40)));
    m.put("airtable", new Sample("airtable", "ts.airtable.1", "pat" + f.random(TokenForge.ALNUM, 14) + "." + f.random(TokenForge.HEX, 64)));
    m.put("snyk", new Sample("snyk", "ts.snyk.1", f.uuid()));
    m.put("cohere", new Sample("cohere", "ts.cohere.1", f.random(TokenForge.ALNUM, 40)));
    m.put("openrouter", new Sample("openrouter", "ts.openrouter.1", "sk-or-v1-" + f.random(TokenForge.HEX, 64)));
    m.put("xai", new Sample("xai", "ts.xai.1", "xai-" + f.random(TokenForge.ALNUM, 80)));
    m.put("asana", new Sample("asana", "ts.asana.1", "2/" + f.random("0123456789", 16) + "/" + f.random("0123456789", 16) + ":"
        + f.random(TokenForge.HEX, 32)));
    m.put("discord", new Sample("discord", "ts.discord.2", "MT" + f.random(TokenForge.ALNUM, 22) + "." + f.random(TokenForge.B64URL, 6) + "."
        + f.random(TokenForge.B64URL, 38)));
    m.put("replicate", new Sample("replicate", "ts.replicate.1", "r8_" + f.random(TokenForge.ALNUM, 37)));
    m.put("groq", new Sample("groq", "ts.groq.1", "gsk_" + f.random(TokenForge.ALNUM, 52)));
    m.put("mistral", new Sample("mistral", "ts.mistral.1", f.random(TokenForge.ALNUM, 32)));
    m.put("deepseek", new Sample("deepseek", "ts.deepseek.1", "sk-" + f.random(TokenForge.HEX, 32)));
    m.put("together", new Sample("together", "ts.together.1", "tgp_v1_" + f.random(TokenForge.B64URL, 43)));
    return m;
  }

  /** An AWS key id in the documented shape, different per seed. */
  static String awsKeyId(long seed) {
    TokenForge f = new TokenForge(new Random(seed));
    return "AKIA" + f.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}

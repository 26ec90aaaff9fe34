package dev.tokensweep.scanner.respond;

import java.util.Set;

/**
 * A secret kept for one provider request, under the key its answer is cached by. Lives only in
 * memory between the scan and the requests; {@link #toString()} never prints a secret.
 *
 * @param key the cache key: the secret's fingerprint, or for AWS the key id's and the secret key's
 *     fingerprints joined by {@code +}
 * @param secret the token (for AWS the secret access key)
 * @param keyId the AWS access key id; null for other providers
 * @param sessionToken the AWS session token for a temporary key; null otherwise
 * @param jwt what the token's own claims say when it is a JWT; null otherwise
 * @param fingerprints the fingerprints of every finding this answer is for
 */
record Credential(Provider provider, String key, String ruleId, String secret, String keyId, String sessionToken,
    JwtInfo jwt, Set<String> fingerprints) {

  static Credential single(Provider p, String fingerprint, String ruleId, String secret, JwtInfo jwt) {
    return new Credential(p, fingerprint, ruleId, secret, null, null, jwt, Set.of(fingerprint));
  }

  @Override
  public String toString() {
    return "Credential[" + provider.id() + ", " + ruleId + ", " + secret.length() + " chars]";
  }
}

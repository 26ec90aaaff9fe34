package dev.tokensweep.scanner.model;

import dev.tokensweep.detectors.evidence.Evidence;
import java.time.Instant;

/**
 * What a CLI's token cache says about a secret found in it: which cache, what it keeps at that
 * place, when that entry expires and whether the cache also holds a refresh token. Read from the
 * cache file itself ({@code expires_on}, {@code expiresAt}, {@code family_id}, ...), so an opaque
 * token gets a {@code live}/{@code expired} status too.
 *
 * @param kind the cache: {@code azure-msal}, {@code aws-sso}, {@code kubeconfig}, ... (as in {@code token-cache:<kind>})
 * @param entry what the cache keeps where the secret sits: {@code access_token}, {@code refresh_token},
 *     {@code id_token}, {@code client_secret}, {@code password}, {@code private_key}; null when the
 *     secret is not in a field the cache format defines
 * @param expires when the cache says that entry expires, epoch seconds; null when it does not say
 * @param refreshTokenPresent whether the cache holds a refresh token anywhere; null when the file
 *     was too large to inspect
 * @param familyRefreshToken the entry is a Microsoft family refresh token ({@code family_id}),
 *     redeemable by every first-party app of the family
 */
public record CacheContext(String kind, String entry, Long expires, Boolean refreshTokenPresent,
    boolean familyRefreshToken) {

  public static final String REFRESH_TOKEN = "refresh_token";

  /** Only the cache's kind: nothing else could be read. */
  public static CacheContext of(String kind) {
    return new CacheContext(kind, null, null, null, false);
  }

  /** What the detectors may weigh: refresh or not, expiry, family. */
  public Evidence.Hint hint() {
    return new Evidence.Hint(REFRESH_TOKEN.equals(entry), expires == null ? null : Instant.ofEpochSecond(expires),
        familyRefreshToken);
  }
}

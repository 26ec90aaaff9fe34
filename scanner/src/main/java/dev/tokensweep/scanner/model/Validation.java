package dev.tokensweep.scanner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What a token's provider said about it when asked ({@code scan --validate}, {@code revoke}):
 * whether it is live, whose it is and what it may do. Only the answer is kept, never the secret,
 * so a report or the sweep index can hold it.
 *
 * @param status {@link #LIVE}, {@link #INVALID} (revoked, expired or never valid) or {@link #UNKNOWN}
 *     (no provider to ask, network error, rate limit, timeout, an answer that does not parse)
 * @param provider the provider asked ({@code github}, {@code slack}, ...); null when none could be
 * @param identity whom the provider says the token belongs to (a login, {@code user@team}, an ARN,
 *     an e-mail address); null when it does not say
 * @param account the account, organization or workspace it belongs to (Slack team, AWS account id,
 *     Stripe account); null when the provider does not say
 * @param scopes what the provider says the token may do (GitHub {@code X-OAuth-Scopes}, Google
 *     {@code scope}, GitLab {@code scopes}); empty when it does not say
 * @param expires when the provider says the token expires, epoch seconds; null when it does not say
 * @param reason for an invalid or unknown answer, why in a few words ({@code HTTP 401},
 *     {@code rate limited, retry after 30 s}, {@code timeout}); null for live
 * @param checked when the answer was given
 * @param source {@link #SOURCE_REQUEST} (a request of this run), {@link #SOURCE_INDEX} (an earlier
 *     answer kept in the sweep index) or {@link #SOURCE_NONE} (nothing was asked)
 * @param key which credential was asked about: the secret's fingerprint, or for a credential of
 *     two parts (an AWS key id and its secret key) their fingerprints joined by {@code +}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Validation(String status, String provider, String identity, String account, List<String> scopes,
    Long expires, String reason, Instant checked, String source, String key) {

  public static final String LIVE = "live";
  public static final String INVALID = "invalid";
  public static final String UNKNOWN = "unknown";

  public static final String SOURCE_REQUEST = "request";
  public static final String SOURCE_INDEX = "index";
  public static final String SOURCE_NONE = "none";

  public Validation {
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
  }

  /** Nothing was asked: {@code reason} says why (no provider check for the rule, a limit, ...). */
  public static Validation notAsked(String provider, String reason, Instant at) {
    return new Validation(UNKNOWN, provider, null, null, List.of(), null, reason, at, SOURCE_NONE, null);
  }

  public boolean live() {
    return LIVE.equals(status);
  }

  public boolean invalid() {
    return INVALID.equals(status);
  }

  /** This answer as recorded elsewhere and read back ({@code source} changed). */
  public Validation withSource(String s) {
    return new Validation(status, provider, identity, account, scopes, expires, reason, checked, s, key);
  }

  /**
   * This answer with {@code scrub} (which masks the secrets in a text) applied to every text the
   * provider gave: identity, account, scopes and reason. A provider may quote what it was sent,
   * the token included.
   */
  public Validation scrubbed(java.util.function.UnaryOperator<String> scrub) {
    List<String> s = new java.util.ArrayList<>(scopes.size());
    for (String x : scopes) {
      s.add(scrub.apply(x));
    }
    return new Validation(status, provider, identity == null ? null : scrub.apply(identity),
        account == null ? null : scrub.apply(account), s, expires, reason == null ? null : scrub.apply(reason), checked,
        source, key);
  }

  /** This answer for a credential asked about under {@code k}. */
  public Validation withKey(String k) {
    return new Validation(status, provider, identity, account, scopes, expires, reason, checked, source, k);
  }
}

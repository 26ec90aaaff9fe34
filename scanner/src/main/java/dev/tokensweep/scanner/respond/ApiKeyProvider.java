package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.scanner.model.Validation;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A provider whose keys are known by the rules' id prefix and one documented shape, checked by one
 * request that answers 200 for a live key and 401 for a dead one (most API-key providers). What
 * differs between them is the request and what its 200 (or another documented status) says, so
 * that is all a subclass writes.
 */
abstract class ApiKeyProvider extends Provider {
  private final String rulePrefix;
  private final Pattern shape;
  private final String otherShape;
  private final String invalid;

  /**
   * @param rulePrefix the id prefix of the provider's rules ({@code ts.openai.})
   * @param shape the documented shape of a key that may be sent
   * @param otherShape why a secret of the provider's rules that lacks the shape is not sent (shown
   *     to the user); null when such a secret is simply not the provider's
   * @param invalid what a 401 says: the key is invalid
   */
  ApiKeyProvider(String name, String defaultBase, String rulePrefix, Pattern shape, String otherShape, String invalid) {
    super(name, defaultBase);
    this.rulePrefix = rulePrefix;
    this.shape = shape;
    this.otherShape = otherShape;
    this.invalid = invalid;
  }

  @Override
  Fit fit(String ruleId, String s, JwtInfo jwt, Instant now) {
    if (!hasPrefix(ruleId, rulePrefix)) {
      return Fit.NOT_MINE;
    }
    if (shape.matcher(s).matches()) {
      return Fit.validateOnly();
    }
    return otherShape == null ? Fit.NOT_MINE : Fit.skip(otherShape, false);
  }

  @Override
  Validation read(Answer a, Credential c, Reply r) {
    JsonNode j = json(a);
    if (a.status() == 200) {
      return live(a, j, r);
    }
    if (a.status() == 401) {
      return r.invalid(invalid);
    }
    return other(a, j, r);
  }

  /** What a 200 says ({@code j}: its JSON body, null when it has none): live, or unknown when malformed. */
  abstract Validation live(Answer a, JsonNode j, Reply r);

  /** A status other than 200 and 401 that the provider documents; null for the generic reading. */
  Validation other(Answer a, JsonNode j, Reply r) {
    return null;
  }
}

package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.detectors.rule.Kind;

/**
 * A forged secret and what a label will say about it. {@code rule} is the capability (rule family)
 * a scanner needs to recognise it in the context it is planted in; {@code status} is {@code live},
 * {@code expired} or {@code unknown} at the corpus's reference time. Lives only inside the
 * generator: labels keep a fingerprint, never {@code value}.
 */
public record Token(String value, Kind kind, String provider, Capability rule, String status) {

  public Token withRule(Capability r) {
    return new Token(value, kind, provider, r, status);
  }

  public Token withKind(Kind k) {
    return new Token(value, k, provider, rule, status);
  }

  @Override
  public String toString() {
    return "Token[" + provider + " " + kind.id() + ", " + value.length() + " chars]";
  }
}

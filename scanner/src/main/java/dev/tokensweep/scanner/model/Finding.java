package dev.tokensweep.scanner.model;

import dev.tokensweep.detectors.evidence.Evidence;

/**
 * A reportable finding: where it is and what is known about it, with the secret already redacted.
 * {@code revealed} holds the clear secret only when the user passed {@code --reveal}; it is null
 * otherwise, so no reporter can print a secret by accident. {@code validation} is what the token's
 * provider said about it under {@code --validate}, null otherwise.
 */
public record Finding(Location location, Evidence evidence, String revealed, Validation validation) {

  /** A finding nobody asked a provider about. */
  public Finding(Location location, Evidence evidence, String revealed) {
    this(location, evidence, revealed, null);
  }

  /** This finding with what its provider said, and the evidence (severity) that answer implies. */
  public Finding withValidation(Evidence e, Validation v) {
    return new Finding(location, e, revealed, v);
  }

  @Override
  public String toString() {
    return "Finding[" + evidence.ruleId() + " at " + location.shortForm() + " " + evidence.preview() + "]";
  }
}

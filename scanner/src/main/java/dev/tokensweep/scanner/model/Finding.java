package dev.tokensweep.scanner.model;

import dev.tokensweep.detectors.Evidence;

/**
 * A reportable finding: where it is and what is known about it, with the secret already redacted.
 * {@code revealed} holds the clear secret only when the user passed {@code --reveal}; it is null
 * otherwise, so no reporter can print a secret by accident.
 */
public record Finding(Location location, Evidence evidence, String revealed) {

  @Override
  public String toString() {
    return "Finding[" + evidence.ruleId() + " at " + location.shortForm() + " " + evidence.preview() + "]";
  }
}

package dev.tokensweep.detectors.rule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Ordered from least to most urgent; {@code compareTo} follows that order. */
public enum Severity {
  INFO, LOW, MEDIUM, HIGH, CRITICAL;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Severity of(String id) {
    for (Severity s : values()) {
      if (s.id().equalsIgnoreCase(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown severity '" + id + "' (expected info, low, medium, high or critical)");
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}

package dev.tokensweep.detectors.rule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a secret is, which decides most of its risk. */
public enum Kind {
  DEVICE_CODE, USER_CODE, ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN, API_KEY, SESSION, PASSWORD, PRIVATE_KEY;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Kind of(String id) {
    for (Kind k : values()) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown kind '" + id + "' (expected one of device_code, user_code,"
        + " access_token, refresh_token, id_token, api_key, session, password, private_key)");
  }
}

package dev.tokensweep.corpus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a planted secret sits, as the evaluator counts it. A secret inside a support bundle is
 * counted as {@link #BUNDLE} whatever the leaf is, because reaching it needs the archive readers.
 * {@link #CONFIG} is an application's configuration file (key = value, YAML, .netrc lines).
 */
public enum SourceType {
  HISTORY("history"), LOG("log"), DUMP("dump"), BUNDLE("bundle"), HAR("har"), TELEMETRY("telemetry"),
  TOKEN_CACHE("token-cache"), CONFIG("config"), JOURNAL("journal"), SQLITE("sqlite"), LEVELDB("leveldb");

  private final String id;

  SourceType(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static SourceType of(String id) {
    for (SourceType t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown source type '" + id + "'");
  }
}

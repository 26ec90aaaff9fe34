package dev.tokensweep.corpus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tokensweep.detectors.rule.Kind;
import java.util.List;

/**
 * One planted secret: where it is, what it is, and a hash of it; never the secret itself.
 *
 * <p>{@code path} is relative to the corpus root, with archive members and compressed streams
 * joined by {@code !} as the scanner does ({@code bundles/host-1.tar.gz!var/log/app.log.2.gz!}).
 * {@code offset} is the byte offset of the secret's first byte in the decoded leaf; {@code line}
 * and {@code column} (1-based, bytes) are set for text leaves, {@code entry} for shell histories,
 * {@code encoding} for strings in binaries. {@code fingerprint} is the scanner's fingerprint under
 * the documented default key ({@link dev.tokensweep.detectors.evidence.Fingerprinter#DEFAULT_KEY}), so a
 * report made without a custom key can be compared directly. {@code requires} lists the
 * {@link Capability} ids a scan needs to find it; {@code status} is {@code live}, {@code expired}
 * or {@code unknown} at the corpus's reference time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "path", "line", "column", "offset", "entry", "encoding", "json_path", "kind", "provider",
    "source", "fingerprint", "length", "status", "requires", "context"})
public record Label(
    String id,
    String path,
    Long line,
    Long column,
    long offset,
    Long entry,
    String encoding,
    @JsonProperty("json_path") String jsonPath,
    Kind kind,
    String provider,
    SourceType source,
    String fingerprint,
    int length,
    String status,
    List<String> requires,
    String context) {

  public Label {
    requires = requires == null ? List.of() : List.copyOf(requires);
  }

  /** {@code path:line}, {@code path#entry} or {@code path@offset}: a redacted, human location. */
  public String where() {
    if (entry != null) {
      return path + " entry " + entry;
    }
    if (line != null) {
      return path + ":" + line + (column != null ? ":" + column : "");
    }
    return path + "@" + offset;
  }
}

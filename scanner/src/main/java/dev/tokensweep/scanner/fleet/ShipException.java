package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The cluster answered, but not with what shipping needs. Messages name the cluster, the HTTP
 * status and OpenSearch's error type and reason (cut short, and cut before any preview of a
 * field's value), never a header or a document. A reason is the server's text and may quote what
 * it was sent: whoever prints a message scrubs it of secrets first.
 */
public class ShipException extends IOException {
  private final int status;

  ShipException(String message, int status) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** 401 or 403 on the data itself: the credentials are wrong or lack the right; retrying will not help. */
  public static final class AuthFailed extends ShipException {
    AuthFailed(Cluster cluster, int status) {
      super((status == 401 ? "authentication failed at " : "permission denied at ") + cluster.where() + " (HTTP "
          + status + "; credentials: " + cluster.credentials().source() + ")", status);
    }
  }

  /** An unexpected answer to {@code doing}. */
  static ShipException answer(Cluster cluster, String doing, Cluster.Response r) {
    String detail = "";
    try {
      detail = reason(r.json().path("error"));
    } catch (IOException | RuntimeException e) {
      // not JSON (a proxy's error page): the status says enough
    }
    return new ShipException(doing + " at " + cluster.where() + ": HTTP " + r.status()
        + (detail.isEmpty() ? "" : ": " + detail), r.status());
  }

  /** {@code type: reason} of an OpenSearch error object, made safe to print. */
  static String reason(JsonNode error) {
    if (error == null || error.isMissingNode() || error.isNull()) {
      return "";
    }
    if (error.isTextual()) {
      return clean(error.asText());
    }
    String type = error.path("type").asText("");
    String reason = error.path("reason").asText("");
    return clean(type.isEmpty() ? reason : reason.isEmpty() ? type : type + ": " + reason);
  }

  /**
   * Cut before {@code Preview of field's value} (OpenSearch quotes the refused value there; our
   * documents hold no secret, but a message is no place for data), without control characters, at
   * most 300 characters.
   */
  static String clean(String s) {
    int p = s.indexOf("Preview of field's value");
    if (p >= 0) {
      s = s.substring(0, p).strip();
    }
    s = s.replaceAll("\\p{Cntrl}", " ");
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}

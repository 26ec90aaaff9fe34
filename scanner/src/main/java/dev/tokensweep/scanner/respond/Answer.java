package dev.tokensweep.scanner.respond;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * A provider's HTTP answer: status, headers and at most {@link Http#MAX_BODY} bytes of body. Bodies
 * are parsed by the providers and never printed: an answer can echo the token it was asked about.
 */
record Answer(int status, HttpHeaders headers, byte[] body) {

  String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Answer[HTTP " + status + ", " + body.length + " bytes]";
  }
}

package dev.tokensweep.scanner.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authenticating proxy in front of the real node: the integ-test distribution has no
 * security plugin, so this checks HTTP basic auth the way a secured cluster would (401 with
 * OpenSearch's error body for a wrong password) and forwards everything else to the node as it
 * is. Shipping is then tested end to end, through a password, into a real index.
 */
final class AuthProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String expected;
  private final String upstream;
  final AtomicInteger refused = new AtomicInteger();

  AuthProxy(String upstream, String user, String password) throws IOException {
    this.upstream = upstream;
    this.expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      refused.incrementAndGet();
      ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"OpenSearch Security\"");
      reply(ex, 401, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"Unauthorized\"},\"status\":401}"
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI())).timeout(Duration.ofSeconds(60))
        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    String ct = ex.getRequestHeaders().getFirst("Content-Type");
    if (ct != null) {
      b.header("Content-Type", ct);
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      reply(ex, r.statusCode(), r.body());
    } catch (IOException e) {
      reply(ex, 502, "{\"error\":\"bad gateway\"}".getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(ex, 502, new byte[0]);
    }
  }

  private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

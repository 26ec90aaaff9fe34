package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for an OpenSearch node for the unit tests that must run without one: it keeps
 * created documents by id (so a second {@code create} of an id is a 409, as on a real node),
 * serves the index template, and can be told to fail: whole requests with a status, single
 * documents with a status and error, or every request without the right {@code Authorization}.
 * The real node is exercised by the integration tests ({@code *IT}).
 */
final class FakeCluster implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  record Request(String method, String path, String authorization, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final HttpServer server;
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  final Map<String, byte[]> documents = new ConcurrentHashMap<>();
  final AtomicInteger failBulks = new AtomicInteger();
  volatile int failStatus = 503;
  volatile String requiredAuthorization;
  volatile Function<String, Integer> itemStatus = id -> 0;
  volatile Integer templateVersion;
  volatile byte[] bulkAnswerOverride;
  /** When set, the reason of every error it answers (a server that quotes what it was sent), and searches fail with it. */
  volatile String errorReason;

  FakeCluster() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Request> bulks() {
    synchronized (requests) {
      return requests.stream().filter(r -> r.path().startsWith("/_bulk")).toList();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    String path = ex.getRequestURI().toString();
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    requests.add(new Request(ex.getRequestMethod(), path, auth, body));
    if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
      send(ex, 401, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unauthorized\"},\"status\":401}");
      return;
    }
    if (path.startsWith("/_index_template/")) {
      if (ex.getRequestMethod().equals("PUT")) {
        templateVersion = JSON.readTree(body).path("version").asInt();
        send(ex, 200, "{\"acknowledged\":true}");
      } else if (templateVersion == null) {
        send(ex, 404, "{\"index_templates\":[]}");
      } else {
        send(ex, 200, "{\"index_templates\":[{\"name\":\"t\",\"index_template\":{\"version\":" + templateVersion + "}}]}");
      }
      return;
    }
    if (path.startsWith("/_bulk")) {
      if (failBulks.get() > 0) {
        failBulks.decrementAndGet();
        send(ex, failStatus, "{\"error\":{\"type\":\"unavailable\",\"reason\":" + JSON.writeValueAsString(
            errorReason != null ? errorReason : "try later") + "},\"status\":" + failStatus + "}");
        return;
      }
      if (bulkAnswerOverride != null) {
        send(ex, 200, new String(bulkAnswerOverride, StandardCharsets.UTF_8));
        return;
      }
      send(ex, 200, bulk(body));
      return;
    }
    if (errorReason != null && path.contains("/_search")) {
      send(ex, 400, "{\"error\":{\"type\":\"search_phase_execution_exception\",\"reason\":"
          + JSON.writeValueAsString(errorReason) + "},\"status\":400}");
      return;
    }
    send(ex, 404, "{}");
  }

  private String bulk(byte[] body) throws IOException {
    String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode items = answer.putArray("items");
    boolean errors = false;
    for (int i = 0; i + 1 < lines.length; i += 2) {
      JsonNode action = JSON.readTree(lines[i]).path("create");
      String id = action.path("_id").asText();
      ObjectNode res = items.addObject().putObject("create");
      res.put("_index", action.path("_index").asText()).put("_id", id);
      int forced = itemStatus.apply(id);
      if (forced != 0) {
        errors = true;
        res.put("status", forced);
        ObjectNode e = res.putObject("error");
        e.put("type", forced == 429 ? "es_rejected_execution_exception" : "mapper_parsing_exception");
        e.put("reason", errorReason != null ? errorReason : "failed to parse field [host.name] of type [long] in document "
            + "with id '" + id + "'. Preview of field's value: 'build-7'");
      } else if (documents.putIfAbsent(id, lines[i + 1].getBytes(StandardCharsets.UTF_8)) != null) {
        errors = true;
        res.put("status", 409);
        res.putObject("error").put("type", "version_conflict_engine_exception").put("reason", "document already exists");
      } else {
        res.put("status", 201).put("result", "created");
      }
    }
    answer.put("errors", errors);
    return JSON.writeValueAsString(answer);
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

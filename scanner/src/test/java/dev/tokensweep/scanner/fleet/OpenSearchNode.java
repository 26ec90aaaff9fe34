package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node OpenSearch for the integration tests: the integ-test distribution that the
 * build copies from Maven Central ({@code tokensweep.it.opensearch.zip}), unpacked into a fresh
 * directory under {@code /tmp}, started on 127.0.0.1 on free ports with a 512 MB heap. OpenSearch
 * refuses to run as root, and CI runs as root: then the node runs as the system user
 * {@value #USER}, created here when missing, and the unpacked directory is given to it. The node
 * is always stopped: by {@link #close()} when the tests end (JUnit's root store), by a shutdown
 * hook if the JVM ends first, and at once when it does not come up green.
 */
final class OpenSearchNode implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String USER = "tokensweep-os";
  static final Duration START_TIMEOUT = Duration.ofSeconds(240);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home;
  private final int httpPort;
  private final int transportPort;
  private final Path log;
  private final boolean asRoot;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Thread hook;
  private Process process;
  private int starts;

  private OpenSearchNode(Path home, int httpPort, int transportPort, Path log, boolean asRoot) {
    this.home = home;
    this.httpPort = httpPort;
    this.transportPort = transportPort;
    this.log = log;
    this.asRoot = asRoot;
    this.hook = new Thread(this::killQuietly, "stop-opensearch");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Unpacks and starts a node; fails (never skips) when it cannot. */
  static OpenSearchNode start() throws Exception {
    String zip = System.getProperty("tokensweep.it.opensearch.zip");
    if (zip == null || !Files.isRegularFile(Path.of(zip))) {
      throw new IllegalStateException("no OpenSearch distribution at tokensweep.it.opensearch.zip=" + zip
          + " (run the integration tests with mvn verify, which copies it from Maven Central)");
    }
    boolean root = isRoot();
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "tokensweep-os-");
    Path home = unzip(Path.of(zip), dir);
    if (root) {
      ensureUser();
      run(List.of("chown", "-R", USER + ":", dir.toString()));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path log = Path.of("target", "opensearch-node.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    OpenSearchNode node = new OpenSearchNode(home, freePort(), freePort(), log, root);
    try {
      node.launch();
      return node;
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
  }

  String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Starts the node process (again, after {@link #kill()}, with the same data and ports) and waits for green. */
  void launch() throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asRoot) {
      cmd.addAll(List.of("runuser", "-u", USER, "--"));
    }
    cmd.add(home.resolve("bin/opensearch").toString());
    for (String s : List.of("discovery.type=single-node", "network.host=127.0.0.1", "http.port=" + httpPort,
        "transport.port=" + transportPort, "path.data=" + home.resolve("data"), "path.logs=" + home.resolve("logs"),
        "cluster.routing.allocation.disk.threshold_enabled=false", "node.name=tokensweep-it",
        "cluster.name=tokensweep-it")) {
      cmd.add("-E");
      cmd.add(s);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(starts++ == 0 ? ProcessBuilder.Redirect.to(log.toFile()) : ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.directory(home.toFile());
    long t0 = System.nanoTime();
    process = pb.start();
    waitForGreen(t0);
    System.out.printf("opensearch: node up and green at %s in %.1f s%n", url(), (System.nanoTime() - t0) / 1e9);
  }

  private void waitForGreen(long t0) throws Exception {
    long deadline = t0 + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the OpenSearch node exited with " + process.exitValue() + " while starting:\n" + tail());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url()
            + "/_cluster/health?wait_for_status=green&timeout=2s")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && "green".equals(JSON.readTree(r.body()).path("status").asText())) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the OpenSearch node was not green after " + START_TIMEOUT.toSeconds() + " s:\n" + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  /** Kills the node at once (SIGKILL to the JVM and everything under runuser), as a crash or a pulled plug would. */
  void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("the OpenSearch process " + h.pid() + " did not die", e);
      }
    }
    process = null;
  }

  private void killQuietly() {
    try {
      kill();
    } catch (Exception | Error e) {
      // the JVM is ending
    }
  }

  /** Stops the node gracefully (SIGTERM, then SIGKILL after 30 s) and deletes its directory. */
  @Override
  public void close() {
    try {
      if (process != null) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          kill();
        } else {
          for (ProcessHandle h : tree) {
            h.onExit().get(30, TimeUnit.SECONDS);
          }
          process = null;
        }
      }
    } catch (Exception e) {
      killQuietly();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
      deleteTree(home.getParent());
    }
  }

  /** A request to the node; the answer's JSON. */
  JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** Makes every shipped document of {@code prefix} searchable now. */
  void refresh(String prefix) throws IOException, InterruptedException {
    call("POST", "/" + IndexTemplate.pattern(prefix) + "/_refresh?allow_no_indices=true", null);
  }

  /** Documents of {@code prefix} (refreshed first) whose {@code event.dataset} is {@code dataset}, or all when null. */
  long count(String prefix, String dataset) throws IOException, InterruptedException {
    refresh(prefix);
    String q = dataset == null ? "{\"query\":{\"match_all\":{}}}"
        : "{\"query\":{\"term\":{\"event.dataset\":\"" + dataset + "\"}}}";
    return call("POST", "/" + IndexTemplate.pattern(prefix) + "/_count?allow_no_indices=true", q).path("count").asLong();
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    return run(List.of("id", "-u")).strip().equals("0");
  }

  private static void ensureUser() throws IOException, InterruptedException {
    if (exitOf(List.of("id", "-u", USER)) == 0) {
      return;
    }
    int rc = exitOf(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER));
    if (rc != 0 && exitOf(List.of("id", "-u", USER)) != 0) {
      throw new IllegalStateException("cannot create the user " + USER + " to run OpenSearch as (useradd exit " + rc + ")");
    }
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  private static int exitOf(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Unpacks the distribution; returns its top directory. Scripts under bin/ are made executable. */
  private static Path unzip(Path zip, Path into) throws IOException {
    Path top = null;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        Path out = into.resolve(e.getName()).normalize();
        if (!out.startsWith(into)) {
          throw new IOException("zip entry outside the target: " + e.getName());
        }
        if (top == null) {
          top = into.resolve(into.relativize(out).getName(0));
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
          if (out.getParent().getFileName().toString().equals("bin")) {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
          }
        }
      }
    }
    if (top == null || !Files.isRegularFile(top.resolve("bin/opensearch"))) {
      throw new IOException(zip + " is not an OpenSearch distribution");
    }
    return top;
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("opensearch: could not delete " + dir + ": " + e);
    }
  }
}

package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * One OpenSearch cluster reached over HTTP(S) with the JDK's own client: no client library, so the
 * shaded jar stays as it was, and TLS is the JDK's (the system trust store, or a CA file given
 * with {@code --ca-file}; host names are always verified). Requests carry the credentials'
 * {@code Authorization} header; no message built here ever holds it.
 */
public final class Cluster {
  public static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code event.dataset} of a document given as JSON, or null. */
  public static String datasetOf(byte[] json) {
    try {
      return JSON.readTree(json).path("event").path("dataset").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private final URI base;
  private final String where;
  private final Credentials credentials;
  private final HttpClient http;
  private final Duration timeout;

  /** An answer: the status and the body as sent. */
  public record Response(int status, byte[] body) {
    public JsonNode json() throws IOException {
      return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** Why a request failed before an HTTP answer came back. */
  public enum Failure {
    /** connection refused, reset, timed out: the cluster may come back, so retry */
    UNREACHABLE,
    /** the TLS handshake failed (an untrusted certificate, a host name that does not match): retrying will not help */
    TLS
  }

  /** A request that got no HTTP answer; the message names the cluster and the cause, never a header. */
  public static final class ClusterException extends IOException {
    private final Failure failure;

    ClusterException(Failure failure, String message) {
      super(message);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  private Cluster(URI base, Credentials credentials, HttpClient http, Duration timeout) {
    this.base = base;
    this.where = base.toString();
    this.credentials = credentials;
    this.http = http;
    this.timeout = timeout;
  }

  /**
   * The cluster at {@code url} ({@code http://} or {@code https://}, host, optional port and path
   * prefix). A URL with a user or password in it is refused: credentials go in a file or the
   * environment, never on a command line.
   *
   * @param caFile PEM certificates to trust instead of the system trust store, or null
   * @throws IllegalArgumentException for a URL or CA file that cannot be used (a usage error)
   */
  public static Cluster connect(String url, Credentials credentials, Path caFile, Duration timeout) {
    URI uri = parseUrl(url);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
    if (caFile != null) {
      b.sslContext(trusting(caFile));
    }
    return new Cluster(uri, credentials, b.build(), timeout);
  }

  static URI parseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      // the URL may hold a password by mistake: do not repeat it
      throw new IllegalArgumentException("not a URL (like https://search.example.internal:9200)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("the cluster URL must start with http:// or https://");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("the cluster URL holds a user or password; put credentials in "
          + "--credentials-file or the " + Credentials.ENV_USERNAME + "/" + Credentials.ENV_PASSWORD + " or "
          + Credentials.ENV_API_KEY + " variables, never on the command line");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the cluster URL has no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("the cluster URL must not have a query or fragment");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + uri.getRawAuthority() + path);
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("--ca-file " + caFile + " holds no PEM certificate");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --ca-file " + caFile + ": " + e.getClass().getSimpleName());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("--ca-file " + caFile + " is not a PEM certificate: " + e.getClass().getSimpleName());
    }
  }

  /** The cluster's URL, for messages (it holds no credentials: those are refused in URLs). */
  public String where() {
    return where;
  }

  public Credentials credentials() {
    return credentials;
  }

  /** Sends a request and waits for the answer. */
  public Response send(String method, String path, byte[] body, String contentType) throws IOException {
    try {
      return sendAsync(method, path, body, contentType).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException(Failure.UNREACHABLE, "interrupted while talking to " + where);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  /** A JSON request; {@code body} may be null. */
  public Response send(String method, String path, Object body) throws IOException {
    return send(method, path, body == null ? null : JSON.writeValueAsBytes(body), "application/json");
  }

  /** Starts a request; the future fails with a {@link ClusterException} when no answer comes. */
  public CompletableFuture<Response> sendAsync(String method, String path, byte[] body, String contentType) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(where + (path.startsWith("/") ? path : "/" + path)))
        .timeout(timeout).header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      r.header("Content-Type", contentType);
    }
    if (credentials.authorization() != null) {
      r.header("Authorization", credentials.authorization());
    }
    return http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle((resp, ex) -> {
          if (ex != null) {
            throw new CompletionException(translate(ex));
          }
          return new Response(resp.statusCode(), resp.body() == null ? new byte[0] : resp.body());
        });
  }

  /** Waits for a request started with {@link #sendAsync}. */
  public Response await(CompletableFuture<Response> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException(Failure.UNREACHABLE, "interrupted while talking to " + where);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  private ClusterException translate(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ClusterException c) {
      return c;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return new ClusterException(Failure.TLS, "TLS with " + where + " failed (" + c.getClass().getSimpleName()
            + "): is the certificate signed by a CA in the system trust store, or in --ca-file?");
      }
    }
    String why = t instanceof ConnectException ? "connection refused"
        : t instanceof HttpTimeoutException ? "timed out"
        : t.getClass().getSimpleName();
    return new ClusterException(Failure.UNREACHABLE, where + " unreachable: " + why);
  }
}

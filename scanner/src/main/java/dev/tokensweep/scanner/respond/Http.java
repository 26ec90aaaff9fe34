package dev.tokensweep.scanner.respond;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The one way requests leave tokensweep: HTTPS only, redirects never followed, a connect and a
 * request timeout, at most {@link #MAX_BODY} bytes of any answer read, and per provider a cap on
 * requests in flight, a minimum interval between them and a pause when the provider asks for one
 * ({@code Retry-After}). The JDK client is built on the first request, so a run that sends nothing
 * opens nothing. Failures are described by kind only: a library's exception message can hold a
 * URL, and a URL can hold a token.
 */
final class Http {
  static final int MAX_BODY = 256 * 1024;

  /** Longest pause a provider's {@code Retry-After} may impose before its remaining requests are given up. */
  static final Duration MAX_WAIT = Duration.ofSeconds(5);

  /**
   * JVM settings that make the JDK print what it sends (request headers, decrypted TLS records),
   * tokens included: {@code --validate} and {@code revoke} refuse to run with them.
   */
  static final java.util.List<String> LEAKY_DEBUG = java.util.List.of("jdk.httpclient.HttpClient.log",
      "jdk.internal.httpclient.debug", "javax.net.debug");

  /** The first {@link #LEAKY_DEBUG} setting that is on, or null. */
  static String leakyDebug() {
    for (String p : LEAKY_DEBUG) {
      String v = System.getProperty(p);
      if (v != null && !v.isBlank() && !v.equalsIgnoreCase("false") && !v.equalsIgnoreCase("none")) {
        return p;
      }
    }
    return null;
  }

  /** What came back: an answer, or why there is none. */
  record Exchange(Answer answer, String failure) {}

  private final SSLContext ssl;
  private final Duration timeout;
  private final int concurrency;
  private final Duration interval;
  private volatile HttpClient client;
  private final Map<String, Gate> gates = new ConcurrentHashMap<>();
  private final Map<String, Integer> sent = new TreeMap<>();
  private final Map<String, java.util.Set<String>> hosts = new TreeMap<>();

  /**
   * @param ssl the TLS context; null for the JDK's default trust
   * @param timeout for connecting and for the whole request
   * @param concurrency requests in flight per provider
   * @param interval least time between two requests' starts, per provider
   */
  Http(SSLContext ssl, Duration timeout, int concurrency, Duration interval) {
    this.ssl = ssl;
    this.timeout = timeout;
    this.concurrency = concurrency;
    this.interval = interval;
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(timeout);
          if (ssl != null) {
            b.sslContext(ssl);
          }
          client = b.build();
        }
        c = client;
      }
    }
    return c;
  }

  /** Requests sent per provider, and the hosts they went to. */
  synchronized Map<String, Integer> sent() {
    return new TreeMap<>(sent);
  }

  synchronized Map<String, java.util.Set<String>> hosts() {
    Map<String, java.util.Set<String>> m = new TreeMap<>();
    hosts.forEach((k, v) -> m.put(k, new java.util.TreeSet<>(v)));
    return m;
  }

  /** Makes the provider's later requests wait {@code d} (capped), as its {@code Retry-After} asks. */
  void pause(String provider, Duration d) {
    gate(provider).blockFor(d);
  }

  /** Sends {@code request} for {@code provider}, within its limits. */
  Exchange send(String provider, HttpRequest.Builder request) {
    HttpRequest req = request.timeout(timeout).header("User-Agent", Providers.UA).build();
    URI uri = req.uri();
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      return new Exchange(null, "refused: not an https URL");
    }
    Gate g = gate(provider);
    String blocked = g.enter();
    if (blocked != null) {
      return new Exchange(null, blocked);
    }
    try {
      synchronized (this) {
        sent.merge(provider, 1, Integer::sum);
        hosts.computeIfAbsent(provider, k -> new java.util.TreeSet<>()).add(uri.getHost());
      }
      HttpResponse<InputStream> r = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = r.body()) {
        body = in.readNBytes(MAX_BODY);
      }
      return new Exchange(new Answer(r.statusCode(), r.headers(), body), null);
    } catch (HttpConnectTimeoutException e) {
      return new Exchange(null, "timeout connecting");
    } catch (HttpTimeoutException e) {
      return new Exchange(null, "timeout");
    } catch (SSLException e) {
      return new Exchange(null, "TLS failed (certificate not trusted, or not the host's)");
    } catch (ConnectException e) {
      return new Exchange(null, "connection failed");
    } catch (UnknownHostException | UnresolvedAddressException e) {
      return new Exchange(null, "host not found");
    } catch (IOException e) {
      return new Exchange(null, "network error (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Exchange(null, "interrupted");
    } catch (SecurityException e) {
      return new Exchange(null, "network access denied");
    } catch (RuntimeException e) {
      return new Exchange(null, "request failed (" + e.getClass().getSimpleName() + ")");
    } finally {
      g.leave();
    }
  }

  private Gate gate(String provider) {
    return gates.computeIfAbsent(provider, p -> new Gate(concurrency, interval));
  }

  /** One provider's limits: requests in flight, spacing, and a pause it asked for. */
  static final class Gate {
    private final Semaphore slots;
    private final long intervalNanos;
    private long next = System.nanoTime();
    private volatile long blockedUntilNanos = Long.MIN_VALUE;
    private volatile Instant blockedUntil;

    Gate(int concurrency, Duration interval) {
      this.slots = new Semaphore(Math.max(1, concurrency));
      this.intervalNanos = interval.toNanos();
    }

    void blockFor(Duration d) {
      long until = System.nanoTime() + d.toNanos();
      synchronized (this) {
        if (blockedUntilNanos == Long.MIN_VALUE || until > blockedUntilNanos) {
          blockedUntilNanos = until;
          blockedUntil = Instant.now().plus(d);
        }
      }
    }

    /** Waits for a slot; returns why not when the provider asked for a longer pause than {@link #MAX_WAIT}. */
    String enter() {
      long now = System.nanoTime();
      long blocked = blockedUntilNanos;
      if (blocked != Long.MIN_VALUE && blocked - now > MAX_WAIT.toNanos()) {
        return "rate limited: the provider asked to wait until " + blockedUntil.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + "; not sent";
      }
      try {
        if (blocked != Long.MIN_VALUE && blocked > now) {
          Thread.sleep(Duration.ofNanos(blocked - now).toMillis() + 1);
        }
        long wait;
        synchronized (this) {
          long t = System.nanoTime();
          long at = Math.max(t, next);
          next = at + intervalNanos;
          wait = at - t;
        }
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        slots.acquire();
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    void leave() {
      slots.release();
    }
  }
}

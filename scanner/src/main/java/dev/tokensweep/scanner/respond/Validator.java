package dev.tokensweep.scanner.respond;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Validation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * {@code scan --validate}: asks each supported provider about each distinct secret the scan kept,
 * once per run, and gives every finding the answer and the severity it implies. An answer the sweep
 * index already holds and that is recent enough is reused instead of asking again. Findings whose
 * provider cannot be asked get an {@code unknown} answer that says why. Every text of an answer is
 * scrubbed of secrets: a provider may quote the token it was asked about.
 */
public final class Validator {

  /**
   * How requests are made.
   *
   * @param timeout for connecting and for each whole request
   * @param concurrency requests in flight per provider
   * @param interval least time between two requests to the same provider
   */
  public record Settings(Duration timeout, int concurrency, Duration interval) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(10), 4, Duration.ofMillis(100));
    }

    public Settings withTimeout(Duration t) {
      return new Settings(t, concurrency, interval);
    }
  }

  /** Earlier answers (the sweep index): of {@code keys}, those with an answer worth reusing. */
  @FunctionalInterface
  public interface Cache {
    Cache NONE = keys -> Map.of();

    Map<String, Validation> find(java.util.Collection<String> keys);
  }

  private final Endpoints endpoints;
  private final Http http;
  private final UnaryOperator<String> scrub;
  private int reused;
  private int notAsked;

  /**
   * The JVM setting that would make the JDK print tokens it sends ({@code jdk.httpclient.HttpClient.log},
   * {@code javax.net.debug}, ...), or null when none is on. Validation and revocation refuse to run
   * with one: their requests carry secrets.
   */
  public static String unsafeJvmDebugging() {
    return Http.leakyDebug();
  }

  /**
   * A validator that asks the providers' real hosts; {@code scrub} masks the secrets in a text (the
   * scan's), for the texts of the answers.
   */
  public static Validator create(Settings s, UnaryOperator<String> scrub) {
    return new Validator(Endpoints.current(), s, scrub);
  }

  Validator(Endpoints endpoints, Settings s, UnaryOperator<String> scrub) {
    this.endpoints = endpoints;
    this.http = new Http(endpoints.ssl(), s.timeout(), s.concurrency(), s.interval());
    this.scrub = scrub;
  }

  /**
   * The scan's findings with the providers' answers: each distinct credential the capture kept is
   * asked about once (or its answer taken from {@code cache}), every finding gets an answer, and
   * severities follow {@link Severities}.
   */
  public ScanResult validate(ScanResult r, SecretCapture capture, Cache cache, Instant now) {
    // only secrets some reported finding still holds: a baselined finding is not asked about
    java.util.Set<String> reported = new java.util.HashSet<>();
    r.findings().forEach(f -> reported.add(f.evidence().fingerprint()));
    List<Credential> creds = new ArrayList<>();
    for (Credential c : capture.credentials()) {
      if (c.fingerprints().stream().anyMatch(reported::contains)) {
        creds.add(c);
      }
    }
    Map<String, Validation> answers = ask(creds, cache);
    Map<String, List<String>> keysByFingerprint = new HashMap<>();
    for (Credential c : creds) {
      for (String fp : c.fingerprints()) {
        keysByFingerprint.computeIfAbsent(fp, k -> new ArrayList<>()).add(c.key());
      }
    }
    List<Finding> out = new ArrayList<>(r.findings().size());
    for (Finding f : r.findings()) {
      String fp = f.evidence().fingerprint();
      Validation v = null;
      for (String k : keysByFingerprint.getOrDefault(fp, List.of())) {
        v = better(v, answers.get(k));
      }
      if (v == null) {
        SecretCapture.Skip s = capture.skipped(fp);
        v = Validation.notAsked(s == null ? null : s.provider(),
            s == null ? "no provider check for " + f.evidence().ruleId() : s.reason(), now);
        notAsked++;
      }
      Evidence e = Severities.apply(f.evidence(), v);
      out.add(f.withValidation(e, v));
    }
    return new ScanResult(out, r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(), r.suppressed());
  }

  /** live before invalid before unknown: one secret in two places has one answer, two pairs may differ. */
  static Validation better(Validation a, Validation b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return rank(b) > rank(a) ? b : a;
  }

  private static int rank(Validation v) {
    return v.live() ? 2 : v.invalid() ? 1 : 0;
  }

  /** Asks about every credential once, in parallel across providers; answers by key. */
  Map<String, Validation> ask(List<Credential> creds, Cache cache) {
    Map<String, Validation> answers = new HashMap<>();
    List<Credential> todo = new ArrayList<>();
    Map<String, Validation> known = creds.isEmpty() ? Map.of() : cache.find(creds.stream().map(Credential::key).toList());
    for (Credential c : creds) {
      Validation cached = known.get(c.key());
      if (cached != null) {
        // recorded by a run that may not have scrubbed it
        answers.put(c.key(), cached.withSource(Validation.SOURCE_INDEX).withKey(c.key()).scrubbed(scrub));
        reused++;
      } else {
        todo.add(c);
      }
    }
    if (todo.isEmpty()) {
      return answers;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(16, todo.size()), r -> {
      Thread t = new Thread(r, "tokensweep-validate");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Validation>> fs = new ArrayList<>();
      for (Credential c : todo) {
        fs.add(pool.submit(() -> askOne(c)));
      }
      for (int i = 0; i < todo.size(); i++) {
        Credential c = todo.get(i);
        Validation v;
        try {
          v = fs.get(i).get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          v = new Provider.Reply(c.provider().id(), c.key(), Instant.now()).unknown("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
          v = new Provider.Reply(c.provider().id(), c.key(), Instant.now())
              .unknown("internal error (" + e.getCause().getClass().getSimpleName() + ")");
        }
        answers.put(c.key(), v);
      }
    } finally {
      pool.shutdownNow();
    }
    return answers;
  }

  /** One request about {@code c} and its reading, scrubbed. Never throws, never puts the secret in a reason. */
  Validation askOne(Credential c) {
    Provider p = c.provider();
    Http.Exchange x;
    try {
      x = http.send(p.id(), p.check(p.base(endpoints, c), c, Instant.now()));
    } catch (RuntimeException e) {
      return new Provider.Reply(p.id(), c.key(), Instant.now()).unknown("request not built (" + e.getClass().getSimpleName() + ")");
    }
    return read(p, c, x, new Provider.Reply(p.id(), c.key(), Instant.now()), http).scrubbed(scrub);
  }

  /**
   * The generic reading around a provider's own: failures, redirects (never followed), the
   * provider's documented answers, then rate limits (which pause its later requests) and the rest.
   */
  static Validation read(Provider p, Credential c, Http.Exchange x, Provider.Reply r, Http http) {
    if (x.failure() != null) {
      return r.unknown(x.failure());
    }
    Answer a = x.answer();
    if (a.status() / 100 == 3) {
      return r.unknown("HTTP " + a.status() + " redirect" + redirectHost(a) + " not followed");
    }
    try {
      Validation v = p.read(a, c, r);
      if (v != null) {
        return v;
      }
      Duration wait = p.rateLimit(a, r.now());
      if (wait != null) {
        http.pause(p.id(), wait);
        return r.unknown("rate limited (HTTP " + a.status() + ", retry after " + wait.toSeconds() + " s)");
      }
    } catch (RuntimeException e) {
      return r.unknown("malformed answer");
    }
    return r.unknown(a.status() >= 500 ? "provider error (HTTP " + a.status() + ")" : "unexpected answer (HTTP " + a.status() + ")");
  }

  private static String redirectHost(Answer a) {
    String loc = a.header("Location");
    if (loc == null) {
      return "";
    }
    try {
      String h = URI.create(loc.strip()).getHost();
      return h == null ? "" : " to " + Provider.clip(h);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /**
   * The line for stderr: how many requests went to which provider and host, how many answers came
   * from the index, and how many findings could not be asked about.
   */
  public String summary() {
    Map<String, Integer> sent = http.sent();
    Map<String, java.util.Set<String>> hosts = http.hosts();
    StringBuilder b = new StringBuilder("tokensweep: validate: ");
    int total = sent.values().stream().mapToInt(Integer::intValue).sum();
    if (total == 0) {
      b.append("no requests sent");
    } else {
      StringJoiner j = new StringJoiner(", ");
      sent.forEach((p, n) -> j.add(p + " " + n + " to " + String.join(" ", hosts.getOrDefault(p, java.util.Set.of()))));
      b.append(total).append(total == 1 ? " request (" : " requests (").append(j).append(')');
    }
    if (reused > 0) {
      b.append("; ").append(reused).append(reused == 1 ? " answer" : " answers").append(" reused from the index");
    }
    if (notAsked > 0) {
      b.append("; ").append(notAsked).append(notAsked == 1 ? " finding" : " findings").append(" not asked about");
    }
    return b.toString();
  }
}

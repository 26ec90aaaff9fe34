package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.scanner.report.EcsDocuments;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends documents to a cluster with the bulk API, in batches, so that nothing is lost and nothing
 * doubles:
 *
 * <ul>
 *   <li>every document goes in a {@code create} action with its fixed id ({@code event.id}) into
 *       the month's index, so a retry, a re-run or an outbox sent twice finds it there (409) instead
 *       of adding it again;
 *   <li>429 and 5xx answers, per request or per document, and connection failures are retried a
 *       bounded number of times with exponential backoff and jitter;
 *   <li>what still cannot be sent goes to the {@link Outbox}, which the next run sends first; once
 *       the cluster is found down, the rest of the run goes straight there;
 *   <li>a sweep document is sent only when every document of this run before it was delivered,
 *       so a sweep document in the cluster means its findings are all there.
 * </ul>
 *
 * Not thread-safe: one run, one shipper.
 */
public final class Shipper {

  /**
   * How to batch and retry.
   *
   * @param bulkSize documents per bulk request
   * @param bulkBytes a batch is sent early when its body would pass this many bytes
   * @param retries how many times a request is sent again after the first try
   * @param firstBackoff wait before the first retry; doubled for each next one, up to {@code maxBackoff}
   */
  public record Settings(int bulkSize, long bulkBytes, int retries, Duration firstBackoff, Duration maxBackoff) {
    /**
     * 5000 documents of about 1.5 KB, 7-8 MB per request, inside the 5-15 MB bulk requests are
     * usually sized to; {@link #bulkBytes} (10 MiB) sends a batch of larger documents early.
     * Measured on the build machine (docs/fleet.md): faster than 1000 in every paired run, even
     * with 2500; each request costs the node a translog fsync and a round trip.
     */
    public static final int DEFAULT_BULK_SIZE = 5000;

    /** A batch is sent early past this many bytes: a full batch of ordinary findings fits, and a batch of large ones holds little memory. */
    public static final long DEFAULT_BULK_BYTES = 10L << 20;

    public static Settings defaults() {
      return new Settings(DEFAULT_BULK_SIZE, DEFAULT_BULK_BYTES, 5, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public Settings withBulkSize(int n) {
      return new Settings(n, bulkBytes, retries, firstBackoff, maxBackoff);
    }

    public Settings withRetries(int n, Duration first) {
      return new Settings(bulkSize, bulkBytes, n, first, maxBackoff);
    }
  }

  /** Watches the bulk requests; tests use it to stop the cluster while a request is in flight. */
  public interface Listener {
    /** Bulk request {@code n} (1-based, retries included) of {@code docs} documents has been sent and awaits its answer. */
    default void bulkInFlight(int n, int docs) {}
  }

  /**
   * What a run did.
   *
   * @param sent documents the cluster created
   * @param alreadyThere documents the cluster already had (an earlier try or run delivered them)
   * @param retried document sends that were repeated after a 429, a 5xx or a broken connection
   * @param rejected documents the cluster refused for good in this run (a mapping conflict); they stay in the outbox
   * @param fromOutbox documents of earlier runs delivered from the outbox
   * @param inOutbox documents waiting in the outbox when the run ended
   * @param error the first error that stopped delivery, or null
   */
  public record Report(long sent, long alreadyThere, long retried, long rejected, long fromOutbox, long inOutbox,
      String error, Path outbox, IndexTemplate.Outcome template) {

    /** Everything of this run and of the outbox is in the cluster. */
    public boolean complete() {
      return inOutbox == 0 && error == null && rejected == 0;
    }
  }

  private final Cluster cluster;
  private final String prefix;
  private final Outbox outbox;
  private final Settings settings;
  private final Listener listener;
  private final List<Outbox.Item> pending = new ArrayList<>();
  private long pendingBytes;
  private boolean down;
  private boolean outboxedThisRun;
  private String error;
  private IndexTemplate.Outcome template;
  private long sent;
  private long already;
  private long retried;
  private long rejected;
  private long fromOutbox;
  private int requests;

  public Shipper(Cluster cluster, String prefix, Outbox outbox, Settings settings, Listener listener) {
    this.cluster = cluster;
    this.prefix = prefix;
    this.outbox = outbox;
    this.settings = settings;
    this.listener = listener == null ? new Listener() {} : listener;
  }

  /**
   * Installs the index template when needed, then sends what earlier runs left in the outbox,
   * oldest first. A cluster that cannot be reached is not an exception: the run's documents then
   * go to the outbox and the report says why.
   */
  public void start() throws IOException {
    try {
      template = withRetries(() -> IndexTemplate.ensure(cluster, prefix));
    } catch (ShipException.AuthFailed e) {
      stop(e.getMessage());
      return;
    } catch (IOException e) {
      stop(e.getMessage());
      return;
    }
    if (down || !outbox.tryLock()) {
      return;
    }
    for (Path f : outbox.files()) {
      List<Outbox.Item> items;
      try {
        items = outbox.read(f);
      } catch (Outbox.BadFileException e) {
        outbox.setAside(f);
        continue;
      }
      List<Outbox.Item> left = deliver(items);
      fromOutbox += items.size() - left.size();
      outbox.replace(f, left);
      if (down) {
        return;
      }
    }
  }

  /** Adds a finding document; a full batch is sent at once. */
  public void add(Map<String, Object> document) throws IOException {
    add(Cluster.JSON.writeValueAsBytes(document), document);
  }

  /**
   * Adds a document already serialized as {@code json} ({@code document} is the same, parsed:
   * its {@code @timestamp} and {@code event.id} say where it goes).
   */
  void add(byte[] json, Map<String, Object> document) throws IOException {
    Outbox.Item item = item(json, String.valueOf(document.get("@timestamp")), EcsDocuments.eventId(document));
    queue(item);
  }

  /** Adds a document given only as JSON (from the local index or a report file). */
  public void addJson(byte[] json) throws IOException {
    JsonNode d = Cluster.JSON.readTree(json);
    queue(item(json, d.path("@timestamp").asText(), d.path("event").path("id").asText()));
  }

  private Outbox.Item item(byte[] json, String timestamp, String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("a document without event.id");
    }
    return new Outbox.Item(IndexTemplate.index(prefix, Instant.parse(timestamp)), id, json);
  }

  private void queue(Outbox.Item item) throws IOException {
    if (!pending.isEmpty() && pendingBytes + item.source().length > settings.bulkBytes()) {
      flush();
    }
    pending.add(item);
    pendingBytes += item.source().length + 100;
    if (pending.size() >= settings.bulkSize()) {
      flush();
    }
  }

  /**
   * Adds a sweep document. Everything added before it is sent first; it is sent only when all of
   * that arrived, else it waits in the outbox behind its findings.
   */
  public void addSweep(Map<String, Object> document) throws IOException {
    addSweepJson(Cluster.JSON.writeValueAsBytes(document));
  }

  /** {@link #addSweep} for a document given as JSON. */
  public void addSweepJson(byte[] json) throws IOException {
    flush();
    JsonNode d = Cluster.JSON.readTree(json);
    Outbox.Item item = item(json, d.path("@timestamp").asText(), d.path("event").path("id").asText());
    if (outboxedThisRun) {
      outbox.write(List.of(item));
    } else {
      pending.add(item);
      flush();
    }
  }

  /** Sends what is left and says what the run did. */
  public Report finish() throws IOException {
    flush();
    return new Report(sent, already, retried, rejected, fromOutbox, outbox.count(), error, outbox.dir(), template);
  }

  private void flush() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    List<Outbox.Item> batch = new ArrayList<>(pending);
    pending.clear();
    pendingBytes = 0;
    List<Outbox.Item> left = deliver(batch);
    if (!left.isEmpty()) {
      outboxedThisRun = true;
      outbox.write(left);
    }
  }

  /** Sends {@code items}, retrying as the settings allow; returns those not delivered. */
  private List<Outbox.Item> deliver(List<Outbox.Item> items) throws IOException {
    List<Outbox.Item> todo = items;
    List<Outbox.Item> undelivered = new ArrayList<>();
    int attempt = 0;
    while (!todo.isEmpty()) {
      if (down) {
        undelivered.addAll(todo);
        return undelivered;
      }
      Cluster.Response r;
      String retryWhy;
      try {
        var f = cluster.sendAsync("POST", "/_bulk", Outbox.body(todo), "application/x-ndjson");
        listener.bulkInFlight(++requests, todo.size());
        r = cluster.await(f);
        retryWhy = r.status() == 429 || r.status() >= 500 ? "HTTP " + r.status() : null;
      } catch (Cluster.ClusterException e) {
        if (e.failure() == Cluster.Failure.TLS) {
          stop(e.getMessage());
          continue;
        }
        r = null;
        retryWhy = e.getMessage();
      }
      if (retryWhy != null) {
        if (attempt >= settings.retries()) {
          stop((r == null ? retryWhy : cluster.where() + " answered " + retryWhy) + " (after " + (attempt + 1)
              + " tries)");
          continue;
        }
        attempt++;
        retried += todo.size();
        sleep(attempt);
        continue;
      }
      if (r.status() == 401 || r.status() == 403) {
        stop(new ShipException.AuthFailed(cluster, r.status()).getMessage());
        continue;
      }
      if (!r.ok()) {
        stop(ShipException.answer(cluster, "bulk request", r).getMessage());
        continue;
      }
      List<Outbox.Item> again = new ArrayList<>();
      List<ItemResult> results;
      try {
        results = itemResults(r.body(), todo.size());
      } catch (BadAnswerException e) {
        stop("bulk request at " + cluster.where() + ": " + e.getMessage());
        continue;
      }
      for (int i = 0; i < todo.size(); i++) {
        int status = results.get(i).status();
        if (status >= 200 && status < 300) {
          sent++;
        } else if (status == 409) {
          already++;
        } else if (status == 429 || status >= 500) {
          again.add(todo.get(i));
        } else {
          rejected++;
          undelivered.add(todo.get(i));
          if (error == null) {
            error = "the cluster refused documents of index " + todo.get(i).index() + ": "
                + results.get(i).reason()
                + " (a mapping conflict: fix or delete that index; the documents wait in the outbox)";
          }
        }
      }
      if (!again.isEmpty() && attempt >= settings.retries()) {
        undelivered.addAll(again);
        if (error == null) {
          error = again.size() + " documents still refused with 429/5xx after " + (attempt + 1) + " tries";
        }
        again = List.of();
      }
      if (!again.isEmpty()) {
        attempt++;
        retried += again.size();
        sleep(attempt);
      }
      todo = again;
    }
    return undelivered;
  }

  /** One document's outcome in a bulk answer: its HTTP status and, for a failure, OpenSearch's reason made safe to print. */
  record ItemResult(int status, String reason) {}

  /** A bulk answer that is not what OpenSearch sends (a proxy's page, a cut connection). */
  static final class BadAnswerException extends Exception {
    BadAnswerException(String message) {
      super(message);
    }
  }

  /**
   * The outcome of each of {@code expected} documents, in order, from a bulk answer. The answer
   * comes from the network: anything but a well-formed answer listing every document is a
   * {@link BadAnswerException}, never another exception.
   */
  static List<ItemResult> itemResults(byte[] body, int expected) throws BadAnswerException {
    JsonNode items;
    try {
      items = Cluster.JSON.readTree(body).path("items");
    } catch (IOException | RuntimeException e) {
      throw new BadAnswerException("the answer is not JSON");
    }
    if (!items.isArray() || items.size() != expected) {
      throw new BadAnswerException("the answer does not list every document");
    }
    List<ItemResult> out = new ArrayList<>(expected);
    for (JsonNode item : items) {
      JsonNode res = item.isObject() && item.size() == 1 ? item.elements().next() : null;
      if (res == null || !res.isObject() || !res.path("status").canConvertToInt()) {
        throw new BadAnswerException("the answer has an item without a status");
      }
      int status = res.path("status").asInt();
      out.add(new ItemResult(status, status >= 300 ? ShipException.reason(res.path("error")) : ""));
    }
    return out;
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  /** The template request, retried like a bulk request when the cluster cannot be reached. */
  private <T> T withRetries(Call<T> call) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.run();
      } catch (Cluster.ClusterException e) {
        if (e.failure() == Cluster.Failure.TLS || attempt >= settings.retries()) {
          throw new IOException(e.getMessage() + (attempt > 0 ? " (after " + (attempt + 1) + " tries)" : ""));
        }
        sleep(attempt + 1);
      } catch (ShipException e) {
        if (e instanceof ShipException.AuthFailed || (e.status() != 429 && e.status() < 500)
            || attempt >= settings.retries()) {
          throw e;
        }
        sleep(attempt + 1);
      }
    }
  }

  private void stop(String why) {
    down = true;
    if (error == null) {
      error = why;
    }
  }

  private void sleep(int attempt) throws IOException {
    long base = settings.firstBackoff().toMillis() << Math.min(20, attempt - 1);
    long capped = Math.min(base, settings.maxBackoff().toMillis());
    long jittered = capped - capped / 4 + (capped > 0 ? ThreadLocalRandom.current().nextLong(capped / 2 + 1) : 0);
    try {
      Thread.sleep(jittered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to retry");
    }
  }
}

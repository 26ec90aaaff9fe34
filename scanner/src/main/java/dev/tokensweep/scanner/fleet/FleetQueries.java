package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokensweep.scanner.report.EcsDocuments;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The questions a fleet asks of the cluster: on which hosts a token's fingerprint appears and
 * since when, what each host's latest sweep found that its previous sweep did not, the top rules
 * and kinds, and which hosts have not been swept lately. Lists of hosts and keys are read with
 * composite aggregations and {@code search_after}, a page at a time, so a fleet of any size is
 * read whole without deep paging.
 */
public final class FleetQueries {
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{4,64}\\*?");
  private static final int PAGE = 1000;

  private final Cluster cluster;
  private final String prefix;

  public FleetQueries(Cluster cluster, String prefix) {
    this.cluster = cluster;
    this.prefix = prefix;
  }

  /** A fingerprint query that is not hex; the message says what is expected. */
  public static final class BadQueryException extends Exception {
    public BadQueryException(String message) {
      super(message);
    }
  }

  /** Where a token sits on one host: first and last sweep that saw it, in how many sweeps, and where. */
  public record Place(String host, Instant firstSeen, Instant lastSeen, long sweeps, long findings,
      List<String> fingerprints, List<String> rules, List<String> paths) {}

  /** One finding of a host's latest sweep. */
  public record Hit(String host, String sweep, Instant time, String ruleId, String kind, String severity, String path,
      Long line, Long column, long offset, String fingerprint, String preview) {}

  /** What a host's latest sweep found that its previous one did not; {@code previousSweep} null for a first sweep. */
  public record HostNews(String host, String sweep, Instant time, String previousSweep, List<Hit> findings) {}

  /** One rule or kind across the fleet: distinct tokens, hosts, and finding documents. */
  public record Top(String value, long tokens, long hosts, long findings) {}

  /** A host and its latest sweep. */
  public record HostSweep(String host, Instant lastSweep, String sweep, long ageDays) {}

  /**
   * Where a fingerprint, or every fingerprint starting with a prefix (4 to 63 hex digits, or
   * ending in {@code *}), was found, per host, earliest first.
   */
  public List<Place> where(String fingerprint) throws IOException, BadQueryException {
    String fp = fingerprint.strip().toLowerCase(Locale.ROOT);
    if (!FINGERPRINT.matcher(fp).matches()) {
      throw new BadQueryException("a fingerprint is 64 hex digits; a prefix of at least 4 finds every fingerprint starting with it");
    }
    boolean prefixQuery = fp.endsWith("*") || fp.length() < 64;
    fp = fp.replace("*", "");
    ObjectNode body = obj();
    body.put("size", 0);
    ArrayNode filter = filter(body, EcsDocuments.DATASET_FINDING);
    filter.addObject().putObject(prefixQuery ? "prefix" : "term").put("tokensweep.finding.fingerprint", fp);
    ObjectNode hosts = body.putObject("aggs").putObject("hosts");
    hosts.putObject("composite").put("size", PAGE).putArray("sources").addObject().putObject("host")
        .putObject("terms").put("field", "host.name");
    ObjectNode sub = hosts.putObject("aggs");
    sub.putObject("first").putObject("min").put("field", "@timestamp");
    sub.putObject("last").putObject("max").put("field", "@timestamp");
    sub.putObject("sweeps").putObject("cardinality").put("field", "tokensweep.sweep_id");
    sub.putObject("fingerprints").putObject("terms").put("field", "tokensweep.finding.fingerprint").put("size", 10);
    sub.putObject("rules").putObject("terms").put("field", "rule.id").put("size", 10);
    sub.putObject("paths").putObject("terms").put("field", "tokensweep.finding.location.path").put("size", 10);
    List<Place> out = new ArrayList<>();
    for (JsonNode b : compositeBuckets(body, "hosts")) {
      out.add(new Place(b.path("key").path("host").asText(), millis(b.path("first")), millis(b.path("last")),
          b.path("sweeps").path("value").asLong(), b.path("doc_count").asLong(), keys(b.path("fingerprints")),
          keys(b.path("rules")), keys(b.path("paths"))));
    }
    out.sort(Comparator.comparing(Place::firstSeen).thenComparing(Place::host));
    return out;
  }

  /** For each host (or only {@code host}), what its latest sweep found that its previous sweep did not. */
  public List<HostNews> newSinceLast(String host) throws IOException {
    // the latest two sweeps of every host
    ObjectNode body = obj();
    body.put("size", 0);
    ArrayNode filter = filter(body, EcsDocuments.DATASET_SWEEP);
    if (host != null) {
      filter.addObject().putObject("term").put("host.name", host.toLowerCase(Locale.ROOT));
    }
    ObjectNode hosts = body.putObject("aggs").putObject("hosts");
    hosts.putObject("composite").put("size", PAGE).putArray("sources").addObject().putObject("host")
        .putObject("terms").put("field", "host.name");
    ObjectNode top = hosts.putObject("aggs").putObject("last").putObject("top_hits");
    top.put("size", 2);
    ArrayNode sort = top.putArray("sort");
    sort.addObject().put("@timestamp", "desc");
    sort.addObject().put("tokensweep.sweep_id", "desc");
    top.putObject("_source").putArray("includes").add("tokensweep.sweep_id").add("@timestamp");
    Map<String, HostNews> latest = new LinkedHashMap<>();
    Map<String, String> previousOf = new HashMap<>();
    for (JsonNode b : compositeBuckets(body, "hosts")) {
      JsonNode hits = b.path("last").path("hits").path("hits");
      if (hits.size() == 0) {
        continue;
      }
      String h = b.path("key").path("host").asText();
      JsonNode src = hits.get(0).path("_source");
      String sweep = src.path("tokensweep").path("sweep_id").asText();
      String prev = hits.size() > 1 ? hits.get(1).path("_source").path("tokensweep").path("sweep_id").asText() : null;
      latest.put(sweep, new HostNews(h, sweep, instant(src.path("@timestamp").asText()), prev, new ArrayList<>()));
      if (prev != null) {
        previousOf.put(sweep, prev);
      }
    }
    if (latest.isEmpty()) {
      return List.of();
    }
    Map<String, Set<String>> previousKeys = keysOf(new HashSet<>(previousOf.values()));
    // the findings of the latest sweeps, a page at a time
    ObjectNode q = obj();
    q.put("size", PAGE);
    ArrayNode f2 = filter(q, EcsDocuments.DATASET_FINDING);
    ArrayNode ids = f2.addObject().putObject("terms").putArray("tokensweep.sweep_id");
    latest.keySet().forEach(ids::add);
    ArrayNode s2 = q.putArray("sort");
    s2.addObject().put("host.name", "asc");
    s2.addObject().put("tokensweep.finding.location.path", "asc");
    s2.addObject().put("event.id", "asc");
    q.putArray("_source").add("@timestamp").add("host.name").add("tokensweep");
    JsonNode after = null;
    while (true) {
      if (after != null) {
        q.set("search_after", after);
      }
      JsonNode hits = search(q).path("hits").path("hits");
      for (JsonNode hit : hits) {
        JsonNode t = hit.path("_source").path("tokensweep");
        JsonNode f = t.path("finding");
        String sweep = t.path("sweep_id").asText();
        HostNews news = latest.get(sweep);
        String prev = previousOf.get(sweep);
        String key = f.path("rule_id").asText() + "|" + f.path("fingerprint").asText();
        if (news != null && (prev == null || !previousKeys.getOrDefault(prev, Set.of()).contains(key))) {
          JsonNode l = f.path("location");
          news.findings().add(new Hit(news.host(), sweep, news.time(), f.path("rule_id").asText(),
              f.path("kind").asText(), f.path("severity").asText(), l.path("path").asText(),
              l.hasNonNull("line") ? l.path("line").asLong() : null,
              l.hasNonNull("column") ? l.path("column").asLong() : null, l.path("offset").asLong(),
              f.path("fingerprint").asText(), f.path("preview").asText()));
        }
      }
      if (hits.size() < PAGE) {
        break;
      }
      after = hits.get(hits.size() - 1).path("sort");
    }
    List<HostNews> out = new ArrayList<>(latest.values());
    out.sort(Comparator.comparing(HostNews::host));
    return out;
  }

  /** {@code rule|fingerprint} keys of the findings of each sweep. */
  private Map<String, Set<String>> keysOf(Set<String> sweeps) throws IOException {
    Map<String, Set<String>> keys = new HashMap<>();
    if (sweeps.isEmpty()) {
      return keys;
    }
    ObjectNode body = obj();
    body.put("size", 0);
    ArrayNode filter = filter(body, EcsDocuments.DATASET_FINDING);
    ArrayNode ids = filter.addObject().putObject("terms").putArray("tokensweep.sweep_id");
    sweeps.forEach(ids::add);
    ObjectNode c = body.putObject("aggs").putObject("keys").putObject("composite");
    c.put("size", PAGE);
    ArrayNode sources = c.putArray("sources");
    sources.addObject().putObject("sweep").putObject("terms").put("field", "tokensweep.sweep_id");
    sources.addObject().putObject("rule").putObject("terms").put("field", "rule.id");
    sources.addObject().putObject("fp").putObject("terms").put("field", "tokensweep.finding.fingerprint");
    for (JsonNode b : compositeBuckets(body, "keys")) {
      JsonNode k = b.path("key");
      keys.computeIfAbsent(k.path("sweep").asText(), x -> new HashSet<>())
          .add(k.path("rule").asText() + "|" + k.path("fp").asText());
    }
    return keys;
  }

  /**
   * The top rules ({@code rule.id}) and kinds over the findings of the last {@code days} days,
   * ordered by distinct tokens (fingerprints; approximate beyond a few thousand).
   */
  public Map<String, List<Top>> top(int days, int limit, Instant now) throws IOException {
    ObjectNode body = obj();
    body.put("size", 0);
    ArrayNode filter = filter(body, EcsDocuments.DATASET_FINDING);
    filter.addObject().putObject("range").putObject("@timestamp").put("gte", now.minus(Duration.ofDays(days)).toString());
    ObjectNode aggs = body.putObject("aggs");
    topAgg(aggs, "rule", "rule.id", limit);
    topAgg(aggs, "kind", "rule.category", limit);
    JsonNode r = search(body).path("aggregations");
    Map<String, List<Top>> out = new LinkedHashMap<>();
    for (String k : List.of("rule", "kind")) {
      List<Top> list = new ArrayList<>();
      for (JsonNode b : r.path(k).path("buckets")) {
        list.add(new Top(b.path("key").asText(), b.path("tokens").path("value").asLong(),
            b.path("hosts").path("value").asLong(), b.path("doc_count").asLong()));
      }
      out.put(k, list);
    }
    return out;
  }

  private static void topAgg(ObjectNode aggs, String name, String field, int limit) {
    ObjectNode a = aggs.putObject(name);
    ObjectNode terms = a.putObject("terms");
    terms.put("field", field).put("size", limit);
    terms.putObject("order").put("tokens", "desc");
    ObjectNode sub = a.putObject("aggs");
    sub.putObject("tokens").putObject("cardinality").put("field", "tokensweep.finding.fingerprint");
    sub.putObject("hosts").putObject("cardinality").put("field", "host.name");
  }

  /** Every host with its latest sweep, oldest first; {@code ageDays} counts whole days before {@code now}. */
  public List<HostSweep> lastSweeps(Instant now) throws IOException {
    ObjectNode body = obj();
    body.put("size", 0);
    filter(body, EcsDocuments.DATASET_SWEEP);
    ObjectNode hosts = body.putObject("aggs").putObject("hosts");
    hosts.putObject("composite").put("size", PAGE).putArray("sources").addObject().putObject("host")
        .putObject("terms").put("field", "host.name");
    ObjectNode top = hosts.putObject("aggs").putObject("last").putObject("top_hits");
    top.put("size", 1);
    top.putArray("sort").addObject().put("@timestamp", "desc");
    top.putObject("_source").putArray("includes").add("tokensweep.sweep_id").add("@timestamp");
    List<HostSweep> out = new ArrayList<>();
    for (JsonNode b : compositeBuckets(body, "hosts")) {
      JsonNode src = b.path("last").path("hits").path("hits").path(0).path("_source");
      Instant t = instant(src.path("@timestamp").asText());
      out.add(new HostSweep(b.path("key").path("host").asText(), t, src.path("tokensweep").path("sweep_id").asText(),
          Duration.between(t, now).toDays()));
    }
    out.sort(Comparator.comparing(HostSweep::lastSweep).thenComparing(HostSweep::host));
    return out;
  }

  /** Hosts whose latest sweep is more than {@code days} days before {@code now}, oldest first. */
  public List<HostSweep> stale(int days, Instant now) throws IOException {
    Instant cutoff = now.minus(Duration.ofDays(days));
    List<HostSweep> out = new ArrayList<>();
    for (HostSweep h : lastSweeps(now)) {
      if (h.lastSweep().isBefore(cutoff)) {
        out.add(h);
      }
    }
    return out;
  }

  private static ObjectNode obj() {
    return Cluster.JSON.createObjectNode();
  }

  private static ArrayNode filter(ObjectNode body, String dataset) {
    ArrayNode f = body.putObject("query").putObject("bool").putArray("filter");
    f.addObject().putObject("term").put("event.dataset", dataset);
    return f;
  }

  /** Every bucket of the composite aggregation {@code name}, following {@code after_key} page by page. */
  private List<JsonNode> compositeBuckets(ObjectNode body, String name) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    ObjectNode composite = (ObjectNode) body.path("aggs").path(name).path("composite");
    while (true) {
      JsonNode agg = search(body).path("aggregations").path(name);
      JsonNode buckets = agg.path("buckets");
      buckets.forEach(out::add);
      JsonNode after = agg.path("after_key");
      if (buckets.size() < composite.path("size").asInt(PAGE) || after.isMissingNode() || after.isNull()) {
        return out;
      }
      composite.set("after", after);
    }
  }

  private JsonNode search(ObjectNode body) throws IOException {
    Cluster.Response r = cluster.send("POST", "/" + IndexTemplate.pattern(prefix)
        + "/_search?allow_no_indices=true&ignore_unavailable=true", body);
    if (r.status() == 401 || r.status() == 403) {
      throw new ShipException.AuthFailed(cluster, r.status());
    }
    if (!r.ok()) {
      throw ShipException.answer(cluster, "fleet query", r);
    }
    return r.json();
  }

  private static Instant instant(String s) {
    try {
      return Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  private static Instant millis(JsonNode agg) {
    JsonNode v = agg.path("value");
    return v.isNumber() ? Instant.ofEpochMilli(v.asLong()) : Instant.EPOCH;
  }

  private static List<String> keys(JsonNode terms) {
    List<String> out = new ArrayList<>();
    for (JsonNode b : terms.path("buckets")) {
      out.add(b.path("key").asText());
    }
    return out;
  }
}

package dev.tokensweep.scanner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.cli.Main;
import dev.tokensweep.scanner.report.EcsDocuments;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shipping and fleet queries against a real OpenSearch node (see {@link OpenSearchNode}): two
 * hosts found by fingerprint, a re-run that doubles nothing, the node killed in the middle of a
 * bulk request and started again, a wrong password, and a mapping conflict. Each test ships to its
 * own index prefix. Counts are printed for the measurements in the README.
 */
@ExtendWith(OpenSearchExtension.class)
class FleetIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** A directory with {@code tokens} in a shell history; returns it. */
  Path host(String name, List<String> tokens) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    StringBuilder b = new StringBuilder();
    for (String t : tokens) {
      b.append("export GITHUB_TOKEN=").append(t).append('\n');
    }
    Files.writeString(dir.resolve(".bash_history"), b.toString());
    return dir;
  }

  static void assertNoSecret(List<String> secrets, String where, String text) {
    for (int i = 0; i < secrets.size(); i++) {
      assertFalse(text.contains(secrets.get(i).substring(4, 30)), where + " holds part of secret #" + i);
    }
  }

  @Test
  void twoHosts_shippedAndQueriedByFingerprint(OpenSearchNode node) throws Exception {
    TokenForge forge = new TokenForge(new Random(18));
    String shared = forge.base62Crc32("ghp_");
    String only7 = forge.base62Crc32("gho_");
    String only9 = forge.base62Crc32("ghu_");
    String later = forge.base62Crc32("ghs_");
    String p = "it-two";
    String box = tmp.resolve("outbox").toString();
    Run a = run("scan", "--no-progress", "--format", "json", "--reveal", "--host", "build-7", "--now", "2026-11-20T02:17:00Z",
        "--ship", node.url(), "--index-prefix", p, "--outbox", box, host("a", List.of(shared, only7)).toString());
    assertEquals(1, a.exit(), a.err());
    Run b = run("scan", "--no-progress", "--host", "BUILD-9", "--now", "2026-11-21T02:17:00Z",
        "--ship", node.url(), "--index-prefix", p, "--outbox", box, host("b", List.of(only9, shared)).toString());
    assertEquals(1, b.exit(), b.err());
    // build-7 again the next night, with one more token
    Run a2 = run("scan", "--no-progress", "--host", "build-7", "--now", "2026-11-22T02:17:00Z",
        "--ship", node.url(), "--index-prefix", p, "--outbox", box, host("a2", List.of(shared, only7, later)).toString());
    assertEquals(1, a2.exit(), a2.err());
    // a host that stopped sweeping long ago
    Run old = run("scan", "--no-progress", "--host", "build-3", "--now", "2020-01-05T02:17:00Z",
        "--ship", node.url(), "--index-prefix", p, "--outbox", box, host("c", List.of(only9)).toString());
    assertEquals(1, old.exit(), old.err());
    node.refresh(p);
    String fp = null;
    // the shared token's fingerprint: the one build-7's report and build-9's documents have in common
    Set<String> fps7 = new HashSet<>();
    for (JsonNode f : JSON.readTree(a.out()).path("findings")) {
      fps7.add(f.path("fingerprint").asText());
    }
    for (String f : fps7) {
      Run w = run("fleet", "--opensearch", node.url(), "--index-prefix", p, "where", "--format", "json", f);
      assertEquals(0, w.exit(), w.err());
      JsonNode list = JSON.readTree(w.out());
      if (list.size() == 2) {
        fp = f;
        assertEquals("build-7", list.get(0).path("host").asText(), "earliest first");
        assertEquals("2026-11-20T02:17:00Z", list.get(0).path("first_seen").asText());
        assertEquals("2026-11-22T02:17:00Z", list.get(0).path("last_seen").asText());
        assertEquals(2, list.get(0).path("sweeps").asInt());
        assertEquals("build-9", list.get(1).path("host").asText(), "host names are lower-cased");
        assertEquals("2026-11-21T02:17:00Z", list.get(1).path("first_seen").asText());
      } else {
        assertEquals(1, list.size(), w.out());
      }
    }
    assertTrue(fp != null, "the shared token is found on both hosts");
    Run byPrefix = run("fleet", "--opensearch", node.url(), "--index-prefix", p, "where", fp.substring(0, 10) + "*");
    assertEquals(0, byPrefix.exit(), byPrefix.err());
    assertTrue(byPrefix.out().contains("build-7") && byPrefix.out().contains("build-9") && byPrefix.out().contains("2 hosts"),
        byPrefix.out());
    assertEquals(1, run("fleet", "--opensearch", node.url(), "--index-prefix", p, "where", "0000000000").exit());
    assertEquals(2, run("fleet", "--opensearch", node.url(), "--index-prefix", p, "where", "not-hex").exit());

    Run news = run("fleet", "--opensearch", node.url(), "--index-prefix", p, "new", "--host", "build-7", "--format", "json");
    assertEquals(0, news.exit(), news.err());
    JsonNode n7 = JSON.readTree(news.out()).get(0);
    assertEquals(1, n7.path("findings").size(), "only the token the previous sweep did not have: " + news.out());
    assertEquals("ts.github.4", n7.path("findings").get(0).path("rule_id").asText());

    Run top = run("fleet", "--opensearch", node.url(), "--index-prefix", p, "top", "--now", "2026-11-23T00:00:00Z",
        "--format", "json");
    assertEquals(0, top.exit(), top.err());
    JsonNode rules = JSON.readTree(top.out()).path("rules");
    Map<String, Long> tokensByRule = new java.util.HashMap<>();
    for (JsonNode r : rules) {
      tokensByRule.put(r.path("rule").asText(), r.path("tokens").asLong());
    }
    assertEquals(Map.of("ts.github.1", 1L, "ts.github.2", 1L, "ts.github.3", 1L, "ts.github.4", 1L), tokensByRule,
        "one token per rule within 30 days; the 2020 sweep is outside");

    Run stale = run("fleet", "--opensearch", node.url(), "--index-prefix", p, "stale", "--days", "7", "--now",
        "2026-11-23T00:00:00Z", "--format", "json");
    assertEquals(0, stale.exit(), stale.err());
    JsonNode st = JSON.readTree(stale.out());
    assertEquals(1, st.size(), stale.out());
    assertEquals("build-3", st.get(0).path("host").asText());

    String all = node.call("POST", "/" + IndexTemplate.pattern(p) + "/_search?size=100", "{\"query\":{\"match_all\":{}}}").toString();
    assertNoSecret(List.of(shared, only7, only9, later), "documents in the cluster (build-7 scanned with --reveal)", all);

    JsonNode mapping = node.call("GET", "/" + IndexTemplate.index(p, java.time.Instant.parse("2026-11-20T00:00:00Z")) + "/_mapping", null);
    JsonNode props = mapping.elements().next().path("mappings").path("properties");
    assertEquals("keyword", props.path("host").path("properties").path("name").path("type").asText());
    assertEquals("keyword", props.path("tokensweep").path("properties").path("finding").path("properties")
        .path("fingerprint").path("type").asText());
    assertEquals("date", props.path("@timestamp").path("type").asText());

    Run retention = run("ship", node.url(), "--index-prefix", p, "--outbox", box, "--retention-days", "365");
    assertEquals(0, retention.exit(), retention.err());
    assertTrue(retention.err().contains("deleted " + p + "-v1-2020.01"), retention.err());
    assertEquals(1, run("fleet", "--opensearch", node.url(), "--index-prefix", p, "stale", "--days", "7", "--now",
        "2026-11-23T00:00:00Z").exit(), "no stale host left: the 2020 sweep went with its index");
  }

  @Test
  void rerun_sameSweepShippedAgain_noDuplicates(OpenSearchNode node) throws Exception {
    TokenForge forge = new TokenForge(new Random(19));
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tokens.add(forge.base62Crc32("ghp_"));
    }
    String p = "it-rerun";
    String box = tmp.resolve("outbox").toString();
    Path index = tmp.resolve("index");
    Path report = tmp.resolve("sweep.jsonl");
    Run first = run("scan", "--no-progress", "--host", "build-7", "--format", "jsonl", "-o", report.toString(), "--index",
        index.toString(), "--ship", node.url(), "--index-prefix", p, "--outbox", box, host("h", tokens).toString());
    assertEquals(1, first.exit(), first.err());
    assertTrue(first.err().contains("9 sent, 0 already there, 0 retried, 0 in outbox"), first.err());
    Run fromIndex = run("ship", node.url(), "--from-index", index.toString(), "--index-prefix", p, "--outbox", box);
    assertEquals(0, fromIndex.exit(), fromIndex.err());
    assertTrue(fromIndex.err().contains("0 sent, 9 already there"), fromIndex.err());
    Run report1 = run("ship", node.url(), report.toString(), "--host", "build-7", "--index-prefix", p, "--outbox", box);
    Run report2 = run("ship", node.url(), report.toString(), "--host", "build-7", "--index-prefix", p, "--outbox", box);
    assertEquals(0, report2.exit(), report2.err());
    assertTrue(report1.err().contains("9 sent"), "a report is a sweep of its own (its own id): " + report1.err());
    assertTrue(report2.err().contains("0 sent, 9 already there"), report2.err());
    assertEquals(18, node.count(p, null), "two sweeps of 8 findings and a sweep document each; nothing doubled");
    assertEquals(2, node.count(p, EcsDocuments.DATASET_SWEEP));
    System.out.printf("rerun: first run %s%n        again %s%n", last(first.err()), last(report2.err()));
  }

  @Test
  void nodeKilledInTheMiddleOfABulk_outboxDeliversEverythingOnce(OpenSearchNode node) throws Exception {
    String p = "it-crash";
    int n = 10_000;
    List<Map<String, Object>> docs = ShipperTest.findings(n, "build-7", "crash-sweep");
    Cluster cluster = Cluster.connect(node.url(), Credentials.NONE, null, Duration.ofSeconds(30));
    int killAt = 4;
    Shipper.Report cut;
    try (Outbox box = Outbox.open(tmp.resolve("outbox"), cluster.where())) {
      Shipper s = new Shipper(cluster, p, box, Shipper.Settings.defaults().withBulkSize(1000)
          .withRetries(2, Duration.ofMillis(300)), new Shipper.Listener() {
            @Override
            public void bulkInFlight(int k, int size) {
              if (k == killAt) {
                try {
                  node.kill();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          });
      s.start();
      for (Map<String, Object> d : docs) {
        s.add(d);
      }
      s.addSweep(ShipperTest.sweep("build-7", "crash-sweep", n));
      cut = s.finish();
    } finally {
      node.launch();
    }
    assertFalse(cut.complete());
    assertTrue(cut.error().contains("unreachable"), cut.error());
    assertTrue(cut.sent() >= (killAt - 1) * 1000L, String.valueOf(cut));
    assertEquals(n + 1 - cut.sent(), cut.inOutbox(), "everything not acknowledged waits: " + cut);
    Shipper.Report resumed;
    try (Outbox box = Outbox.open(tmp.resolve("outbox"), cluster.where())) {
      Shipper s = new Shipper(cluster, p, box, Shipper.Settings.defaults().withBulkSize(1000), null);
      s.start();
      resumed = s.finish();
    }
    assertTrue(resumed.complete(), String.valueOf(resumed));
    assertEquals(n + 1, node.count(p, null), "every document once: the bulk cut in the middle doubled nothing");
    assertEquals(cut.inOutbox(), resumed.fromOutbox());
    assertEquals(n + 1, cut.sent() + resumed.sent() + resumed.alreadyThere(),
        "acknowledged before the crash, plus what the outbox brought (some of the cut bulk may have been stored: already there)");
    System.out.printf("crash: killed during bulk %d; first run %d sent, %d retried, %d in outbox (%s);"
        + " after restart %d from the outbox (%d sent, %d already there); %d documents in the index, duplicates 0%n",
        killAt, cut.sent(), cut.retried(), cut.inOutbox(), cut.error(), resumed.fromOutbox(), resumed.sent(),
        resumed.alreadyThere(), node.count(p, null));
  }

  @Test
  void wrongPassword_oneClearErrorExitCode5AndTheOutboxKept(OpenSearchNode node) throws Exception {
    TokenForge forge = new TokenForge(new Random(20));
    String token = forge.base62Crc32("ghp_");
    String p = "it-auth";
    String box = tmp.resolve("outbox").toString();
    Path creds = tmp.resolve("creds");
    Files.writeString(creds, "username=shipper\npassword=not-the-one-42\n");
    Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-------"));
    try (AuthProxy proxy = new AuthProxy(node.url(), "shipper", "correct-horse-7")) {
      Run wrong = run("scan", "--no-progress", "--host", "build-7", "--ship", proxy.url(), "--credentials-file",
          creds.toString(), "--index-prefix", p, "--outbox", box, host("h", List.of(token)).toString());
      assertEquals(Main.EXIT_SHIP_INCOMPLETE, wrong.exit(), wrong.err());
      List<String> errors = wrong.err().lines().filter(l -> l.contains("shipping incomplete")).toList();
      assertEquals(1, errors.size(), wrong.err());
      assertTrue(errors.get(0).contains("authentication failed at " + proxy.url() + " (HTTP 401"), errors.get(0));
      assertTrue(errors.get(0).contains("2 in outbox"), errors.get(0));
      assertFalse(wrong.err().contains("not-the-one-42"), "the password is never printed");
      assertEquals(1, proxy.refused.get(), "a refused password is not retried");
      assertEquals(0, node.count(p, null));
      long waiting = 0;
      try (Stream<Path> files = Files.walk(Path.of(box))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".ndjson")).toList()) {
          waiting += Files.readAllLines(f).size() / 2;
        }
      }
      assertEquals(2, waiting, "the finding and the sweep document wait on disk");

      Files.writeString(creds, "username=shipper\npassword=correct-horse-7\n");
      Run right = run("ship", proxy.url(), "--credentials-file", creds.toString(), "--index-prefix", p, "--outbox", box);
      assertEquals(0, right.exit(), right.err());
      assertTrue(right.err().contains("2 sent, 0 already there, 0 retried, 0 in outbox (2 of them delivered from the outbox)"),
          right.err());
      assertEquals(2, node.count(p, null));
      System.out.printf("auth: wrong password -> exit %d, %s%n      right password -> %s%n", wrong.exit(),
          errors.get(0), last(right.err()));
    }
  }

  @Test
  void mappingConflict_clearErrorAndTheDocumentsWait(OpenSearchNode node) throws Exception {
    TokenForge forge = new TokenForge(new Random(21));
    String p = "it-map";
    String box = tmp.resolve("outbox").toString();
    // someone made this month's index by hand, with host.name as a number
    node.call("PUT", "/" + p + "-v1-2026.11", "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
        + "\"mappings\":{\"properties\":{\"host\":{\"properties\":{\"name\":{\"type\":\"long\"}}}}}}");
    Run r = run("scan", "--no-progress", "--host", "build-7", "--now", "2026-11-15T02:17:00Z", "--ship", node.url(),
        "--index-prefix", p, "--outbox", box, host("h", List.of(forge.base62Crc32("gho_"), forge.base62Crc32("ghp_"))).toString());
    assertEquals(Main.EXIT_SHIP_INCOMPLETE, r.exit(), r.err());
    List<String> errors = r.err().lines().filter(l -> l.contains("shipping incomplete")).toList();
    assertEquals(1, errors.size(), r.err());
    String e = errors.get(0);
    assertTrue(e.contains(p + "-v1-2026.11") && e.contains("mapper_parsing_exception") && e.contains("[host.name]")
        && e.contains("mapping conflict"), e);
    assertFalse(e.contains("Preview of field"), e);
    assertTrue(e.contains("3 in outbox"), e);

    node.call("DELETE", "/" + p + "-v1-2026.11", null);
    Run again = run("ship", node.url(), "--index-prefix", p, "--outbox", box);
    assertEquals(0, again.exit(), again.err());
    assertEquals(3, node.count(p, null), "fixed by the operator: the waiting documents arrive, with the template's mapping");
    System.out.printf("mapping: %s%n         after the index was deleted: %s%n", e, last(again.err()));
  }

  @Test
  void throughput_findingsPerSecondToTheLocalNode(OpenSearchNode node) throws Exception {
    // measured, not asserted: printed for the README
    int n = 10_000;
    List<Map<String, Object>> docs = ShipperTest.findings(n, "perf-host", "perf-sweep");
    Cluster cluster = Cluster.connect(node.url(), Credentials.NONE, null, Duration.ofSeconds(60));
    for (int bulk : new int[] {200, 1000, 2500, 5000}) {
      String p = "it-perf-" + bulk;
      try (Outbox box = Outbox.open(tmp.resolve("outbox-" + bulk), cluster.where())) {
        Shipper s = new Shipper(cluster, p, box, Shipper.Settings.defaults().withBulkSize(bulk), null);
        s.start();
        long t0 = System.nanoTime();
        for (Map<String, Object> d : docs) {
          s.add(d);
        }
        Shipper.Report r = s.finish();
        double secs = (System.nanoTime() - t0) / 1e9;
        assertTrue(r.complete(), String.valueOf(r));
        System.out.printf("throughput: bulk %5d: %d findings in %.2f s = %.0f findings/s%n", bulk, n, secs, n / secs);
      }
      node.call("DELETE", "/" + IndexTemplate.pattern(p), null);
    }
  }

  private static String last(String err) {
    List<String> lines = err.lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}

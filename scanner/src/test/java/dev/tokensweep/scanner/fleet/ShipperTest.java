package dev.tokensweep.scanner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.report.EcsDocuments;
import dev.tokensweep.scanner.report.ReportModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipping against a fake node: retries, the outbox, idempotent ids, and failures that must be said once and clearly. */
class ShipperTest {

  static final Instant T = Instant.parse("2026-11-02T02:17:00Z");

  @TempDir
  Path tmp;

  static List<Map<String, Object>> findings(int n, String host, String sweep) {
    List<Map<String, Object>> out = new ArrayList<>();
    EcsDocuments.Origin o = new EcsDocuments.Origin(host, sweep, T);
    for (int i = 0; i < n; i++) {
      String fp = String.format("%064x", 7_000_000L + i);
      Finding f = new Finding(Location.text("/var/log/app-" + i + ".log", i + 1, 5, i * 40L),
          new Evidence("ts.github.2", "GitHub OAuth access token", Kind.ACCESS_TOKEN, Severity.HIGH, "gho_…ab" + (i % 10) + "d",
              fp, 40, 4.8, null, "unknown", null, List.of(), "rule severity"), null);
      out.add(EcsDocuments.finding(ReportModel.finding(f), o, false));
    }
    return out;
  }

  static Map<String, Object> sweep(String host, String sweep, int n) {
    return EcsDocuments.sweep(Map.of("files", 3, "findings", n, "complete", true), new EcsDocuments.Origin(host, sweep, T));
  }

  Shipper.Report ship(FakeCluster fake, Credentials c, int bulk, int retries, List<Map<String, Object>> docs,
      Map<String, Object> sweepDoc) throws IOException {
    Cluster cluster = Cluster.connect(fake == null ? "http://127.0.0.1:" + closedPort() : fake.url(), c, null,
        Duration.ofSeconds(5));
    try (Outbox box = Outbox.open(tmp.resolve("outbox"), cluster.where())) {
      Shipper s = new Shipper(cluster, "ts", box, Shipper.Settings.defaults().withBulkSize(bulk)
          .withRetries(retries, Duration.ofMillis(5)), null);
      s.start();
      for (Map<String, Object> d : docs) {
        s.add(d);
      }
      if (sweepDoc != null) {
        s.addSweep(sweepDoc);
      }
      return s.finish();
    }
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void ship_sameSweepTwice_createsEachDocumentOnce() throws IOException {
    try (FakeCluster fake = new FakeCluster()) {
      List<Map<String, Object>> docs = findings(25, "build-7", "s1");
      Shipper.Report first = ship(fake, Credentials.NONE, 10, 2, docs, sweep("build-7", "s1", 25));
      assertTrue(first.complete(), String.valueOf(first));
      assertEquals(26, first.sent());
      assertEquals(IndexTemplate.Outcome.INSTALLED, first.template());
      Shipper.Report again = ship(fake, Credentials.NONE, 10, 2, docs, sweep("build-7", "s1", 25));
      assertEquals(0, again.sent());
      assertEquals(26, again.alreadyThere(), "the same ids: the node already has every document");
      assertEquals(IndexTemplate.Outcome.PRESENT, again.template(), "the template is installed once");
      assertEquals(26, fake.documents.size());
      // four bulk requests per run: 10 + 10 + 5 findings, then the sweep document after them
      assertEquals(8, fake.bulks().size());
      assertTrue(fake.bulks().get(0).bodyText().contains("\"_index\":\"ts-v1-2026.11\""));
    }
  }

  @Test
  void ship_503TwiceThenOk_retriesWithBackoffAndDeliversEverything() throws IOException {
    try (FakeCluster fake = new FakeCluster()) {
      fake.failBulks.set(2);
      Shipper.Report r = ship(fake, Credentials.NONE, 100, 3, findings(30, "h", "s"), null);
      assertTrue(r.complete(), String.valueOf(r));
      assertEquals(30, r.sent());
      assertEquals(60, r.retried(), "the 30 documents were sent again twice");
      assertEquals(0, r.inOutbox());
    }
  }

  @Test
  void ship_someDocumentsRejectedWith429_retriesOnlyThose() throws IOException {
    try (FakeCluster fake = new FakeCluster()) {
      Set<String> once = new HashSet<>();
      List<Map<String, Object>> docs = findings(20, "h", "s");
      String busy = EcsDocuments.eventId(docs.get(3));
      fake.itemStatus = id -> id.equals(busy) && once.add(id) ? 429 : 0;
      Shipper.Report r = ship(fake, Credentials.NONE, 100, 3, docs, null);
      assertTrue(r.complete(), String.valueOf(r));
      assertEquals(20, r.sent());
      assertEquals(1, r.retried());
      assertEquals(2, fake.bulks().size());
      assertEquals(2, fake.bulks().get(1).bodyText().split("\n").length, "only the refused document is sent again");
    }
  }

  @Test
  void ship_clusterDown_everythingWaitsInTheOutboxAndTheNextRunSendsItFirst() throws IOException {
    List<Map<String, Object>> docs = findings(12, "build-7", "s1");
    Shipper.Report down;
    try (FakeCluster fake = new FakeCluster()) {
      fake.failBulks.set(1000);
      down = ship(fake, Credentials.NONE, 5, 2, docs, sweep("build-7", "s1", 12));
      assertFalse(down.complete());
      assertEquals(13, down.inOutbox(), "twelve findings and the sweep document");
      assertTrue(down.error().contains("HTTP 503") && down.error().contains("after 3 tries"), down.error());
      assertEquals(3, fake.bulks().size(), "once down, the rest of the run goes straight to the outbox");

      fake.failBulks.set(0);
      Shipper.Report next = ship(fake, Credentials.NONE, 5, 2, findings(2, "build-9", "s2"), null);
      assertTrue(next.complete(), String.valueOf(next));
      assertEquals(13, next.fromOutbox());
      assertEquals(15, next.sent());
      assertEquals(15, fake.documents.size());
      assertTrue(fake.bulks().get(3).bodyText().contains("build-7"), "the outbox goes first");
    }
  }

  @Test
  void ship_connectionRefused_keepsDocumentsAndSaysUnreachable() throws IOException {
    Shipper.Report r = ship(null, Credentials.NONE, 5, 1, findings(7, "h", "s"), sweep("h", "s", 7));
    assertFalse(r.complete());
    assertEquals(8, r.inOutbox());
    assertTrue(r.error().contains("unreachable") && r.error().contains("connection refused"), r.error());
  }

  @Test
  void ship_wrongPassword_failsOnceWithoutRetriesAndKeepsTheOutbox() throws Exception {
    try (FakeCluster fake = new FakeCluster()) {
      Path file = tmp.resolve("creds");
      java.nio.file.Files.writeString(file, "username=shipper\npassword=right-horse-battery\n");
      Credentials right = Credentials.load(file, Map.of());
      fake.requiredAuthorization = right.authorization();
      java.nio.file.Files.writeString(file, "username=shipper\npassword=wrong-staple-9\n");
      Credentials wrong = Credentials.load(file, Map.of());
      Shipper.Report r = ship(fake, wrong, 5, 5, findings(6, "h", "s"), sweep("h", "s", 6));
      assertFalse(r.complete());
      assertTrue(r.error().startsWith("authentication failed at " + fake.url() + " (HTTP 401"), r.error());
      assertFalse(r.error().contains("wrong-staple-9"));
      assertEquals(1, fake.requests.size(), "a 401 is not retried: one request, then the outbox");
      assertEquals(7, r.inOutbox());

      java.nio.file.Files.writeString(file, "username=shipper\npassword=right-horse-battery\n");
      Shipper.Report ok = ship(fake, Credentials.load(file, Map.of()), 5, 5, List.of(), null);
      assertTrue(ok.complete(), String.valueOf(ok));
      assertEquals(7, ok.fromOutbox());
    }
  }

  @Test
  void ship_mappingConflict_namesTheIndexAndErrorButNotTheValue() throws IOException {
    try (FakeCluster fake = new FakeCluster()) {
      fake.itemStatus = id -> 400;
      Shipper.Report r = ship(fake, Credentials.NONE, 50, 3, findings(4, "h", "s"), sweep("h", "s", 4));
      assertFalse(r.complete());
      assertEquals(4, r.rejected());
      assertEquals(0, r.retried(), "a mapping conflict is not retried");
      assertNotNull(r.error());
      assertTrue(r.error().contains("ts-v1-2026.11") && r.error().contains("mapper_parsing_exception")
          && r.error().contains("[host.name] of type [long]"), r.error());
      assertFalse(r.error().contains("Preview") || r.error().contains("'build-7'"), r.error());
      assertEquals(5, r.inOutbox(), "the refused findings wait, and the sweep document waits behind them");
    }
  }

  @Test
  void ship_sweepAfterAnUndeliveredFinding_isHeldBack() throws IOException {
    try (FakeCluster fake = new FakeCluster()) {
      List<Map<String, Object>> docs = findings(3, "h", "s");
      String bad = EcsDocuments.eventId(docs.get(1));
      fake.itemStatus = id -> id.equals(bad) ? 400 : 0;
      Shipper.Report r = ship(fake, Credentials.NONE, 50, 0, docs, sweep("h", "s", 3));
      assertEquals(2, r.sent());
      assertEquals(2, r.inOutbox());
      assertNull(fake.documents.get(EcsDocuments.eventId(sweep("h", "s", 3))),
          "no sweep document in the cluster while one of its findings is missing");
    }
  }

  @Test
  void ship_garbageAnswer_stopsAndKeepsTheDocuments() throws IOException {
    try (FakeCluster fake = new FakeCluster()) {
      fake.bulkAnswerOverride = "<html>proxy error</html>".getBytes();
      Shipper.Report r = ship(fake, Credentials.NONE, 50, 0, findings(3, "h", "s"), null);
      assertFalse(r.complete());
      assertEquals(3, r.inOutbox());
      assertTrue(r.error().contains("not JSON"), r.error());
    }
  }
}

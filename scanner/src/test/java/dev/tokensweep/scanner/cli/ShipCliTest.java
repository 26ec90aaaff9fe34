package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.fleet.FleetTestAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scan --ship} and {@code ship} against a fake node: exit codes, the one stderr line, and no secret anywhere. */
class ShipCliTest {

  @TempDir
  Path tmp;

  List<String> secrets = new ArrayList<>();

  Path plant(String name) throws IOException {
    TokenForge forge = new TokenForge(new Random(name.hashCode()));
    Path dir = Files.createDirectories(tmp.resolve(name));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      String t = forge.base62Crc32(i % 2 == 0 ? "ghp_" : "gho_");
      secrets.add(t);
      b.append("export GITHUB_TOKEN=").append(t).append('\n');
    }
    Files.writeString(dir.resolve(".bash_history"), b.toString());
    return dir;
  }

  static Run run(String... args) {
    return Run.run(args);
  }

  String outboxText() throws IOException {
    StringBuilder b = new StringBuilder();
    if (Files.isDirectory(tmp.resolve("outbox"))) {
      try (Stream<Path> s = Files.walk(tmp.resolve("outbox"))) {
        for (Path p : s.filter(Files::isRegularFile).toList()) {
          b.append(Files.readString(p, StandardCharsets.ISO_8859_1));
        }
      }
    }
    return b.toString();
  }

  @Test
  void scanShip_withReveal_sendsEverythingButNoSecret() throws IOException {
    Path dir = plant("a");
    try (FleetTestAccess node = new FleetTestAccess()) {
      Run r = run("scan", "--reveal", "--no-progress", "--host", "build-7", "--format", "json",
          "--ship", node.url(), "--outbox", tmp.resolve("outbox").toString(), dir.toString());
      assertEquals(1, r.exit(), r.err());
      assertTrue(r.err().contains("shipped to " + node.url() + ": 7 sent, 0 already there, 0 retried, 0 in outbox"), r.err());
      assertEquals(7, node.documents().size(), "six findings and the sweep document");
      ReportFormatsTest.assertNoSecret(secrets, "documents sent", node.allBodies());
      assertTrue(r.out().contains(secrets.get(0)), "--reveal still reveals in the report itself");
    }
  }

  @Test
  void scanShip_clusterFailing_exits5WithOneLineAndTheOutboxHoldsNoSecret() throws IOException {
    Path dir = plant("b");
    try (FleetTestAccess node = new FleetTestAccess()) {
      node.failBulks(100);
      Run r = run("scan", "--reveal", "--no-progress", "--quiet", "--host", "build-7", "--ship", node.url(),
          "--outbox", tmp.resolve("outbox").toString(), "--ship-retries", "1", "--ship-backoff-ms", "5", dir.toString());
      assertEquals(Main.EXIT_SHIP_INCOMPLETE, r.exit(), r.err());
      List<String> lines = r.err().lines().filter(l -> l.contains("shipping incomplete")).toList();
      assertEquals(1, lines.size(), r.err());
      assertTrue(lines.get(0).contains("7 in outbox"), lines.get(0));
      String box = outboxText();
      assertTrue(box.contains("build-7"), "the outbox holds the documents");
      ReportFormatsTest.assertNoSecret(secrets, "outbox", box);

      node.failBulks(0);
      Run again = run("ship", node.url(), "--outbox", tmp.resolve("outbox").toString());
      assertEquals(0, again.exit(), again.err());
      assertTrue(again.err().contains("7 sent, 0 already there, 0 retried, 0 in outbox (7 of them delivered from the outbox)"),
          again.err());
      assertEquals(7, node.documents().size());
    }
  }

  @Test
  void shipFromIndex_sendsTheSameDocumentsAsScanShip() throws IOException {
    Path dir = plant("c");
    Path index = tmp.resolve("index");
    try (FleetTestAccess direct = new FleetTestAccess(); FleetTestAccess later = new FleetTestAccess()) {
      Run r = run("scan", "--no-progress", "--host", "build-7", "--index", index.toString(), "--ship",
          direct.url(), "--outbox", tmp.resolve("outbox").toString(), dir.toString());
      assertEquals(1, r.exit(), r.err());
      Run s = run("ship", later.url(), "--from-index", index.toString(), "--outbox",
          tmp.resolve("outbox").toString());
      assertEquals(0, s.exit(), s.err());
      assertEquals(direct.documents().keySet(), later.documents().keySet(), "the same ids");
      ObjectMapper m = new ObjectMapper();
      for (Map.Entry<String, byte[]> e : direct.documents().entrySet()) {
        assertEquals(m.readTree(e.getValue()), m.readTree(later.documents().get(e.getKey())), "the same document");
      }
    }
  }

  @Test
  void shipReport_twice_addsNothingTheSecondTime() throws IOException {
    Path dir = plant("d");
    Path report = tmp.resolve("r.jsonl");
    assertEquals(1, run("scan", "--no-progress", "--reveal", "--format", "jsonl", "-o", report.toString(), dir.toString()).exit());
    try (FleetTestAccess node = new FleetTestAccess()) {
      Run first = run("ship", node.url(), report.toString(), "--host", "Build-9", "--outbox",
          tmp.resolve("outbox").toString());
      assertEquals(0, first.exit(), first.err());
      assertTrue(first.err().contains("7 sent"), first.err());
      Run second = run("ship", node.url(), report.toString(), "--host", "build-9", "--outbox",
          tmp.resolve("outbox").toString());
      assertEquals(0, second.exit(), second.err());
      assertTrue(second.err().contains("0 sent, 7 already there"), second.err());
      ReportFormatsTest.assertNoSecret(secrets, "documents from a --reveal report", node.allBodies());
      JsonNode any = new ObjectMapper().readTree(node.documents().values().iterator().next());
      assertEquals("build-9", any.path("host").path("name").asText());
    }
  }

  @Test
  void shipAndFleet_clusterErrorQuotesAToken_errorLinesDoNotPrintIt() throws IOException {
    Path dir = plant("e");
    String echoed = new TokenForge(new Random(77)).base62Crc32("ghp_");
    try (FleetTestAccess node = new FleetTestAccess()) {
      // an error body that quotes what the server was sent, with a token in it
      node.errorReason("failed to parse [" + echoed + "]");
      node.failStatus(400); // not retried: the answer's error is the line's reason
      node.failBulks(100);
      Run failed = run("scan", "--no-progress", "--quiet", "--host", "build-7", "--ship", node.url(),
          "--outbox", tmp.resolve("outbox").toString(), "--ship-retries", "0", dir.toString());
      assertEquals(Main.EXIT_SHIP_INCOMPLETE, failed.exit(), failed.err());
      assertTrue(failed.err().contains("shipping incomplete: bulk request at"), failed.err());
      failed.assertNotPrinted(echoed.substring(4), "a token a failed bulk request quoted");

      node.failBulks(0);
      node.refuseDocuments(400);
      Run refused = run("ship", node.url(), "--outbox", tmp.resolve("outbox").toString());
      assertEquals(Main.EXIT_SHIP_INCOMPLETE, refused.exit(), refused.err());
      assertTrue(refused.err().contains("the cluster refused documents of index"), refused.err());
      refused.assertNotPrinted(echoed.substring(4), "a token a refused document's error quoted");

      Run query = run("fleet", "--opensearch", node.url(), "top");
      assertEquals(Main.EXIT_SHIP_INCOMPLETE, query.exit(), query.err());
      assertTrue(query.err().contains("fleet query failed"), query.err());
      query.assertNotPrinted(echoed.substring(4), "a token a failed query's error quoted");
    }
  }

  @Test
  void ship_usageErrors_exit2WithoutEchoingCredentials() throws IOException {
    Run r = run("ship", "https://admin:Hunter2Pass@127.0.0.1:9", "--outbox", tmp.toString());
    assertEquals(2, r.exit());
    assertFalse(r.err().contains("Hunter2Pass"), r.err());
    assertEquals(2, run("ship", "http://127.0.0.1:9", tmp.resolve("missing.jsonl").toString()).exit());
    assertEquals(2, run("ship", "http://127.0.0.1:9", "--index-prefix", "Bad Prefix").exit());
    Path notReport = tmp.resolve("x.txt");
    Files.writeString(notReport, "hello\n");
    try (FleetTestAccess node = new FleetTestAccess()) {
      Run bad = run("ship", node.url(), notReport.toString(), "--outbox", tmp.resolve("outbox").toString());
      assertEquals(Main.EXIT_INCOMPLETE, bad.exit(), bad.err());
      assertTrue(bad.err().contains("not shipped: x.txt"), bad.err());
    }
    assertEquals(2, run("fleet", "--opensearch", "http://127.0.0.1:9").exit(), "a question is needed");
  }
}

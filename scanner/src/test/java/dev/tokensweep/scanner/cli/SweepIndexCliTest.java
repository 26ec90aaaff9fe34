package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps into one index: what is new since the last sweep, and where else a token sits. */
class SweepIndexCliTest {

  @TempDir
  Path tmp;

  static Run run(String... args) {
    return Run.run(args);
  }

  static Set<String> fingerprints(String jsonReport) throws IOException {
    Set<String> fps = new HashSet<>();
    for (JsonNode f : new ObjectMapper().readTree(jsonReport).get("findings")) {
      fps.add(f.get("fingerprint").asText());
    }
    return fps;
  }

  @Test
  void newSinceLast_secondSweep_showsExactlyTheNewFindings() throws IOException {
    TokenForge forge = new TokenForge(new Random(21));
    String old1 = forge.base62Crc32("ghp_");
    String old2 = forge.base62Crc32("gho_");
    String new1 = forge.base62Crc32("ghs_");
    String new2 = forge.base62Crc32("ghu_");
    Path dir = Files.createDirectories(tmp.resolve("runner"));
    Path index = tmp.resolve("index");
    Files.writeString(dir.resolve("a.log"), "token " + old1 + "\n");
    Files.writeString(dir.resolve("b.log"), "token " + old2 + "\n");

    Run first = run("scan", "--format", "json", "--index", index.toString(), "--host", "build-7",
        "--new-since", "last", "--no-progress", dir.toString());
    assertEquals(1, first.exit(), first.err());
    assertEquals(2, fingerprints(first.out()).size(), "the first sweep of a host: everything is new");

    // the directory changes: one old token stays, one goes, a new file and a new token in an old file appear
    Files.delete(dir.resolve("b.log"));
    Files.writeString(dir.resolve("a.log"), "token " + old1 + "\nlater " + new1 + "\n");
    Files.writeString(dir.resolve("c.log"), "moved " + old2 + "\nfresh " + new2 + "\n");
    Run second = run("scan", "--format", "json", "--index", index.toString(), "--host", "build-7",
        "--new-since", "last", "--no-progress", dir.toString());
    assertEquals(1, second.exit(), second.err());
    JsonNode doc = new ObjectMapper().readTree(second.out());
    Set<String> rules = new HashSet<>();
    for (JsonNode f : doc.get("findings")) {
      rules.add(f.get("rule_id").asText());
    }
    assertEquals(Set.of("ts.github.4", "ts.github.3"), rules, "only the ghs_ and ghu_ tokens are new");
    assertEquals(2, doc.get("summary").get("suppressed").get("new-since").asInt(), "old1 and the moved old2");

    // a third sweep with nothing new reports nothing and exits 0
    Run third = run("scan", "--format", "json", "--index", index.toString(), "--host", "build-7",
        "--new-since", "last", "--no-progress", dir.toString());
    assertEquals(0, third.exit(), third.err());
    assertEquals(0, fingerprints(third.out()).size());

    Run sweeps = run("sweeps", "--index", index.toString(), "--format", "json");
    assertEquals(0, sweeps.exit(), sweeps.err());
    JsonNode list = new ObjectMapper().readTree(sweeps.out());
    assertEquals(3, list.size());
    assertEquals(List.of(1L, 2L, 3L), List.of(list.get(0).get("seq").asLong(), list.get(1).get("seq").asLong(),
        list.get(2).get("seq").asLong()));
    assertEquals(4, list.get(2).get("findings").asInt(), "the index records every finding, not only the new ones");

    Run newest = run("search", "--index", index.toString(), "--new-since", "last", "--format", "json",
        "host:build-7");
    assertEquals(1, newest.exit(), "the latest sweep found nothing its previous sweep had not");
  }

  @Test
  void search_byFingerprint_findsTheTokenOnBothHosts() throws IOException {
    TokenForge forge = new TokenForge(new Random(5));
    String shared = forge.base62Crc32("ghp_");
    String other = forge.base62Crc32("gho_");
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    Path index = tmp.resolve("index");
    Files.writeString(a.resolve(".bash_history"), "export GITHUB_TOKEN=" + shared + "\n");
    Files.writeString(b.resolve("deploy.log"), "using " + shared + "\nand " + other + "\n");
    Run ra = run("scan", "--format", "json", "--index", index.toString(), "--host", "build-7",
        "--no-progress", a.toString());
    run("scan", "--format", "json", "--index", index.toString(), "--host", "build-9", "--no-progress", b.toString());
    String fp = fingerprints(ra.out()).iterator().next();

    Run hits = run("search", "--index", index.toString(), "--format", "json", "fingerprint:" + fp);
    assertEquals(0, hits.exit(), hits.err());
    ReportFormatsTest.assertNoSecret(List.of(shared, other), "search output", hits.out());
    Set<String> hosts = new HashSet<>();
    for (JsonNode h : new ObjectMapper().readTree(hits.out())) {
      hosts.add(h.get("host").asText());
      assertEquals(fp, h.get("fingerprint").asText());
    }
    assertEquals(Set.of("build-7", "build-9"), hosts);

    Run fielded = run("search", "--index", index.toString(), "host:BUILD-9 AND severity:high",
        "AND", "time:[2000-01-01 TO 2100-01-01}");
    assertEquals(0, fielded.exit(), fielded.err());
    assertTrue(fielded.out().contains("2 findings"), fielded.out());
    ReportFormatsTest.assertNoSecret(List.of(shared, other), "search text", fielded.out());

    Run byPath = run("search", "--index", index.toString(), "path:" + a.resolve(".bash_history"));
    assertEquals(0, byPath.exit(), byPath.out() + byPath.err());
    assertTrue(byPath.out().contains("1 finding"), byPath.out());
    assertEquals(1, run("search", "--index", index.toString(), "host:nowhere").exit());
    assertEquals(2, run("search", "--index", index.toString(), "host:(unclosed").exit(), "a bad query is a usage error");
    assertEquals(2, run("search", "--index", tmp.resolve("none").toString(), "x").exit());
  }
}

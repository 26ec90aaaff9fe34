package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuppressionCliTest {

  @TempDir
  Path tmp;

  @Test
  void baseline_earlierReport_hidesKnownFindingsOnly() throws IOException {
    TokenForge f = new TokenForge(new Random(3));
    Path dir = Files.createDirectories(tmp.resolve("d"));
    Files.writeString(dir.resolve("a.log"), "t " + f.base62Crc32("ghp_") + "\n");
    for (String fmt : new String[] {"json", "jsonl", "ecs"}) {
      Path base = tmp.resolve("base." + fmt);
      assertEquals(1, Run.run("scan", "--format", fmt, "-o", base.toString(), "--no-progress",
          dir.toString()).exit());
      Path more = Files.createDirectories(tmp.resolve("more-" + fmt));
      Files.copy(dir.resolve("a.log"), more.resolve("a.log"));
      Files.writeString(more.resolve("b.log"), "t " + f.base62Crc32("ghs_") + "\n");
      Run r = Run.run("scan", "--format", "json", "--baseline", base.toString(),
          "--no-progress", more.toString());
      assertEquals(1, r.exit(), r.err());
      JsonNode doc = new ObjectMapper().readTree(r.out());
      assertEquals(1, doc.get("findings").size(), fmt);
      assertEquals("ts.github.4", doc.get("findings").get(0).get("rule_id").asText());
      assertEquals(1, doc.get("summary").get("suppressed").get("baseline").asInt());
    }
  }

  @Test
  void baseline_reportOf200kFindings_loadsInASmallHeap() throws Exception {
    // a report read whole as a tree took ~1 KB of heap a finding: a baseline from a dense scan
    // (the million findings) ran out of memory before the scan began
    TokenForge f = new TokenForge(new Random(6));
    Path dir = Files.createDirectories(tmp.resolve("d"));
    Files.writeString(dir.resolve("a.log"), "t " + f.base62Crc32("ghp_") + "\n");
    Path one = tmp.resolve("one.json");
    assertEquals(1, Run.run("scan", "--format", "json", "-o", one.toString(), "--no-progress", dir.toString()).exit());
    JsonNode known = new ObjectMapper().readTree(one.toFile()).get("findings").get(0);
    Path base = tmp.resolve("base.json");
    try (java.io.BufferedWriter w = Files.newBufferedWriter(base)) {
      w.write("{\"schema\":\"tokensweep-report\",\"findings\":[");
      Random r = new Random(7);
      for (int i = 0; i < 200_000; i++) {
        w.write("{\"rule_id\":\"ts.github.1\",\"fingerprint\":\"" + Long.toHexString(r.nextLong()) + "0".repeat(48)
            + "\",\"severity\":\"high\",\"location\":{\"path\":\"/srv/logs/app-" + i + ".log\",\"line\":" + i
            + ",\"column\":7,\"offset\":" + (i * 80L) + "},\"preview\":\"ghp_…abcd\",\"confidence\":\"high\"},");
      }
      w.write(known.toString());
      w.write("]}\n");
    }
    Path jvm = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(jvm.toString(), "-Xmx48m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "scan", "--format", "json", "--no-progress", "--baseline", base.toString(), dir.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "the scan ends");
    assertEquals(0, p.exitValue(), "the baseline's finding is hidden, nothing else found (" + out.length() + " chars of output)");
  }

  @Test
  void baseline_notAReport_isAUsageError() throws IOException {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"hello\": 1}");
    Run r = Run.run("scan", "--baseline", bad.toString(), tmp.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("not a tokensweep report"), r.err());
  }

  @Test
  void config_inScannedRoot_disablesRulesAndSetsFormat() throws IOException {
    TokenForge f = new TokenForge(new Random(4));
    Path dir = Files.createDirectories(tmp.resolve("d"));
    Files.writeString(dir.resolve("a.log"), "t " + f.base62Crc32("ghp_") + "\nu " + f.base62Crc32("ghs_") + "\n");
    Files.writeString(dir.resolve("tokensweep.yaml"), "format: jsonl\ndisable: [ts.github.4]\n");
    Run r = Run.run("scan", "--no-progress", dir.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().startsWith("{\"type\":\"finding\""), r.out());
    assertTrue(r.out().contains("ts.github.1") && !r.out().contains("ts.github.4"));
    assertTrue(r.err().contains("using " + dir.resolve("tokensweep.yaml")), "the notice says a found config is in use");

    Run untrusted = Run.run("scan", "--no-root-config", "--format", "json",
        "--no-progress", dir.toString());
    assertTrue(untrusted.out().contains("ts.github.4"), "--no-root-config ignores the scanned tree's config");

    Files.writeString(dir.resolve("tokensweep.yaml"), "format: jsonl\ndisable: [ts.github.4]\nlimits:\n  max_dept: 2\n");
    Run bad = Run.run("scan", dir.toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("tokensweep.yaml:4: unknown key 'max_dept'"), bad.err());
  }

  @Test
  void config_inScannedRoot_disabledRuleFindingsAreCounted() throws IOException {
    // a tokensweep.yaml found in the tree is input: one planted in an evidence bundle that
    // disables a rule turned its findings into "0 findings" with no trace in the report
    TokenForge f = new TokenForge(new Random(8));
    Path dir = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(dir.resolve("a.log"), "t " + f.base62Crc32("ghp_") + "\nu " + f.base62Crc32("ghp_") + "\n");
    Files.writeString(dir.resolve("tokensweep.yaml"), "disable: [ts.github.1]\n");
    for (String fmt : new String[] {"json", "jsonl"}) {
      Run r = Run.run("scan", "--format", fmt, "--no-progress", dir.toString());
      assertEquals(0, r.exit(), "the disabled rule's findings are not reported");
      assertTrue(!r.out().contains("\"type\":\"finding\"") && !r.out().contains("\"rule_id\""), fmt);
      JsonNode summary = fmt.equals("json") ? new ObjectMapper().readTree(r.out()).get("summary")
          : new ObjectMapper().readTree(r.out().strip());
      assertEquals(2, summary.get("suppressed").path("config-disable").asInt(), fmt + ": counted in the summary");
      assertTrue(r.err().contains("config-disable"), "and in the one-line summary");
    }
    // the user's own --config disables a rule outright, as before
    Run own = Run.run("scan", "--format", "json", "--no-progress", "--config", dir.resolve("tokensweep.yaml").toString(),
        dir.toString());
    assertEquals(0, own.exit());
    assertTrue(new ObjectMapper().readTree(own.out()).get("summary").get("suppressed").isEmpty(), "nothing counted");

    // the sanitizer redacts what the input directory's config disables: the copy is shared
    Path out = tmp.resolve("clean");
    Run s = Run.run("sanitize", dir.toString(), "-o", out.toString());
    assertEquals(0, s.exit(), "sanitized and verified clean");
    assertEquals(1, Run.run("scan", "--no-root-config", "--quiet", "--no-progress", dir.toString()).exit(), "input kept");
    assertEquals(0, Run.run("scan", "--no-root-config", "--quiet", "--no-progress", out.toString()).exit(),
        "no token left in the copy");
  }

  @Test
  void quiet_plantedIgnoreEverything_isStillAnnounced() throws IOException {
    TokenForge f = new TokenForge(new Random(5));
    Path dir = Files.createDirectories(tmp.resolve("planted"));
    Files.writeString(dir.resolve("a.log"), "t " + f.base62Crc32("ghp_") + "\n");
    Files.writeString(dir.resolve(".tokensweepignore"), "*\n");
    Files.writeString(dir.resolve("tokensweep.yaml"), "disable: [ts.github.1]\n");
    Run r = Run.run("scan", "--quiet", dir.toString());
    assertEquals(0, r.exit(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].contains(dir.resolve(".tokensweepignore").toString()), r.err());
    assertTrue(lines[0].contains(dir.resolve("tokensweep.yaml").toString()), r.err());
    assertTrue(lines[0].contains("--no-root-config"), r.err());
    // and --no-root-config finds the token the planted files hid
    assertEquals(1, Run.run("scan", "--quiet", "--no-root-config", dir.toString()).exit());
  }
}

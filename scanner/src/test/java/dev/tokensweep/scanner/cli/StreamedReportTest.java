package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.Run.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON lines, CSV and ECS reports written as the scan goes; the bound of the reports that collect. */
class StreamedReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private static List<JsonNode> lines(String jsonl) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : jsonl.split("\n")) {
      if (!l.isBlank()) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  private static String place(JsonNode f) {
    return f.get("location").get("path").asText() + "@" + f.get("location").get("offset").asLong() + "/"
        + f.get("rule_id").asText() + "/" + f.get("fingerprint").asText();
  }

  @Test
  void scan_100kFindingsInAForkedJvmWith64MiB_completesWritingJsonl() throws Exception {
    Path log = tmp.resolve("dense.log");
    String first = DenseLog.write(log, 100_000, 14);
    Path report = tmp.resolve("dense.jsonl");
    // a scan that collected its findings ran out of memory here (and exited 1, as if it had
    // simply found something): the findings alone need more than this heap
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "scan",
        "--format", "jsonl", "-o", report.toString(), "--threads", "2", "--no-progress", "--fingerprint-key-file",
        ReportFormatsTest.keyFile(tmp).toString(), log.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("fork.out").toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the forked scan did not end in 120 s");
    String said = Files.readString(tmp.resolve("fork.out"));
    assertEquals(1, p.exitValue(), "exit (findings); the scan said: " + said.lines().limit(5).toList());
    long findings = 0;
    Set<String> fingerprints = new HashSet<>();
    JsonNode last = null;
    try (BufferedReader r = Files.newBufferedReader(report, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        assertFalse(line.contains(first.substring(4, 30)), "the report holds a token");
        JsonNode n = JSON.readTree(line);
        if (n.get("type").asText().equals("finding")) {
          findings++;
          fingerprints.add(n.get("fingerprint").asText());
        }
        last = n;
      }
    }
    assertEquals(100_000, findings, "one finding per line, none twice across chunk borders");
    assertEquals(100_000, fingerprints.size(), "every token its own finding");
    assertEquals("summary", last.get("type").asText(), "the summary comes last");
    assertEquals(100_000, last.get("findings").asLong());
    assertTrue(last.get("complete").asBoolean(), "nothing left unscanned");
  }

  @Test
  void scan_manyFilesPastTheHold_sameJsonlEveryRunAndSameFindingsAsJson() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    for (int i = 0; i < 4; i++) {
      DenseLog.write(dir.resolve("app" + i + ".log"), 4_000, 100 + i); // 16k findings: past ReportSink.HOLD
    }
    Path key = ReportFormatsTest.keyFile(tmp);
    String[] common = {"--now", "2026-11-22T10:00:00Z", "--no-progress", "--threads", "3", "--fingerprint-key-file",
        key.toString(), dir.toString()};
    List<String> outputs = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      Run r = run(concat(new String[] {"scan", "--format", "jsonl"}, common));
      assertEquals(1, r.exit(), r.err());
      outputs.add(r.out().replaceAll("\"seconds\":[0-9.Ee-]+", "\"seconds\":0"));
    }
    assertEquals(outputs.get(0), outputs.get(1), "the streamed order depends on the input, not on the threads' timing");
    List<JsonNode> streamed = lines(outputs.get(0));
    Set<String> streamedPlaces = new TreeSet<>();
    for (JsonNode n : streamed) {
      if (n.get("type").asText().equals("finding")) {
        assertTrue(streamedPlaces.add(place(n)), "a finding written twice");
      }
    }
    assertEquals(16_000, streamedPlaces.size());
    assertEquals(16_000, streamed.get(streamed.size() - 1).get("findings").asLong());
    Run json = run(concat(new String[] {"scan", "--format", "json", "--max-findings", "20000"}, common));
    Set<String> collected = new TreeSet<>();
    json(json.out()).get("findings").forEach(f -> collected.add(place(f)));
    assertEquals(collected, streamedPlaces, "streamed and collected reports hold the same findings");
  }

  @Test
  void scan_csvStreamedAndToFile_oneHeaderAndOneRowPerFinding() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    DenseLog.write(dir.resolve("a.log"), 12_000, 5);
    Path report = tmp.resolve("out.csv");
    Run r = run("scan", "--format", "csv", "-o", report.toString(), "--no-progress", "--threads", "2", dir.toString());
    assertEquals(1, r.exit(), r.err());
    List<String> rows = Files.readAllLines(report);
    assertEquals(12_001, rows.size());
    assertTrue(rows.get(0).startsWith("rule_id,rule_name,"), "the header first");
    assertEquals(1, rows.stream().filter(l -> l.startsWith("rule_id,")).count(), "one header");
    assertTrue(r.err().contains(": 12000 findings"), r.err());
  }

  @Test
  void scan_maxFindings_jsonListsTheBoundCountsAllAndSaysSo() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    DenseLog.write(dir.resolve("a.log"), 30, 6);
    Run r = run("scan", "--format", "json", "--max-findings", "10", "--no-progress", dir.toString());
    assertEquals(1, r.exit(), r.err());
    JsonNode doc = json(r.out());
    assertEquals(10, doc.get("findings").size(), "the report lists the bound");
    assertEquals(10, doc.get("summary").get("findings").asLong(), "its summary counts what it lists");
    assertFalse(doc.get("summary").get("complete").asBoolean());
    String said = doc.get("problems").get(0).get("message").asText();
    assertTrue(said.startsWith("max-findings: ") && said.contains("20 more"), said);
    assertTrue(r.err().contains(": 30 findings"), "the summary line counts every finding: " + r.err());
    // the streamed formats have no such bound
    Run jsonl = run("scan", "--format", "jsonl", "--max-findings", "10", "--no-progress", dir.toString());
    assertEquals(31, lines(jsonl.out()).size());
  }

  @Test
  void scan_baselineWhileStreaming_dropsWhatTheBaselineHolds() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    DenseLog.write(dir.resolve("a.log"), 20, 8);
    Path key = ReportFormatsTest.keyFile(tmp);
    Run all = run("scan", "--format", "json", "--no-progress", "--fingerprint-key-file", key.toString(), dir.toString());
    Path baseline = tmp.resolve("baseline.json");
    Files.writeString(baseline, all.out());
    DenseLog.write(dir.resolve("b.log"), 5, 9);
    Run r = run("scan", "--format", "jsonl", "--baseline", baseline.toString(), "--no-progress", "--fingerprint-key-file",
        key.toString(), dir.toString());
    assertEquals(1, r.exit(), r.err());
    List<JsonNode> out = lines(r.out());
    assertEquals(6, out.size(), "the 5 new findings and the summary");
    JsonNode summary = out.get(5);
    assertEquals(5, summary.get("findings").asLong());
    assertEquals(20, summary.get("suppressed").get("baseline").asLong());
  }

  private static JsonNode json(String s) throws IOException {
    return JSON.readTree(s);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

package dev.tokensweep.scanner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

public class SarifReporterTest {

  /** The official schema lives beside the repository ({@code ../shared/schemas}), never in it. */
  static Path schemaPath() {
    if (System.getProperty("tokensweep.sarif.schema") != null) {
      return Path.of(System.getProperty("tokensweep.sarif.schema"));
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("detectors"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("../shared/schemas/sarif-schema-2.1.0.json")
        : dir.resolveSibling("shared").resolve("schemas").resolve("sarif-schema-2.1.0.json");
  }

  /** Schema violations of a SARIF document; skips the test, saying why, when the schema is not there. */
  public static Set<String> violations(String sarif) throws IOException {
    Path schema = schemaPath();
    Assumptions.assumeTrue(Files.isRegularFile(schema),
        "SARIF schema not found at " + schema + " (it sits in shared/ beside the repository); validation skipped");
    ObjectMapper json = new ObjectMapper();
    JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
        .getSchema(json.readTree(Files.readString(schema)));
    Set<ValidationMessage> errors = s.validate(json.readTree(sarif));
    return errors.stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
  }

  static Evidence evidence(String rule, Severity sev) {
    return new Evidence(rule, "GitHub OAuth access token", Kind.ACCESS_TOKEN, sev, "gho_…abcd",
        "9f3c".repeat(16), 40, 4.9, null, "unknown", null, List.of(), "rule severity");
  }

  static ScanResult mixed() {
    Location archived = new Location("bundle.tar.gz!var/log/app.log.1.gz!", 12L, 7L, 300, null, null, null, null,
        null, "text");
    Location binary = new Location("core.1234", null, null, 4096, null, null, "utf-16le", null, null, "minidump");
    Location json = new Location("session.har", 1L, 900L, 899, null, null, null, "log.entries[3].request.headers[1].value",
        List.of("base64"), "har");
    Location spaced = Location.text("dir with space/ä.log", 3, 1, 40);
    return new ScanResult(List.of(new Finding(archived, evidence("ts.github.2", Severity.HIGH), null),
        new Finding(binary, evidence("ts.github.2", Severity.CRITICAL), null),
        new Finding(json, evidence("ts.github.2", Severity.MEDIUM), null),
        new Finding(spaced, evidence("custom.rule.1", Severity.LOW), "gho_THE_REVEALED_SECRET")),
        List.of(new Problem("broken.zip", Problem.Type.CORRUPT, "truncated central directory")), 4, 6, 10_000, 0.5);
  }

  static String sarif(ScanResult r, Path root) throws IOException {
    ReportContext ctx = new ReportContext(false, false, "h", Instant.parse("2026-11-22T10:00:00Z"), null, root,
        Rules.builtin());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Reporter.forFormat("sarif", ctx).report(r, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void report_archivesBinariesAndJsonPaths_validateAgainstSchema() throws IOException {
    String s = sarif(mixed(), Path.of("").toAbsolutePath());
    // kept for scripts/check-sarif.sh, which runs Microsoft's validator outside the build
    Path sample = Path.of("target", "sarif-samples", "mixed.sarif");
    Files.createDirectories(sample.getParent());
    Files.writeString(sample, s);
    assertEquals(Set.of(), violations(s));
  }

  @Test
  void report_archiveChain_becomesLogicalLocationsUnderTheOuterFile() throws IOException {
    JsonNode run = new ObjectMapper().readTree(sarif(mixed(), Path.of("").toAbsolutePath())).get("runs").get(0);
    JsonNode loc = run.get("results").get(0).get("locations").get(0);
    assertEquals("bundle.tar.gz", loc.get("physicalLocation").get("artifactLocation").get("uri").asText());
    assertEquals("SRCROOT", loc.get("physicalLocation").get("artifactLocation").get("uriBaseId").asText());
    assertEquals(1, loc.get("physicalLocation").get("region").get("startLine").asInt(),
        "a line inside a member is not a line of the archive: the archive as a whole");
    JsonNode logical = loc.get("logicalLocations");
    assertEquals("bundle.tar.gz!var/log/app.log.1.gz", logical.get(0).get("fullyQualifiedName").asText());
    assertEquals("bundle.tar.gz!var/log/app.log.1.gz!", logical.get(1).get("fullyQualifiedName").asText());
    JsonNode binary = run.get("results").get(1).get("locations").get(0).get("physicalLocation").get("region");
    assertEquals(4096, binary.get("byteOffset").asInt());
    assertEquals("error", run.get("results").get(1).get("level").asText());
    assertEquals("warning", run.get("results").get(2).get("level").asText());
    assertEquals("dir%20with%20space/%C3%A4.log",
        run.get("results").get(3).get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").asText());
    assertEquals("9f3c".repeat(16), run.get("results").get(0).get("properties").get("fingerprint").asText());
    assertEquals(64, run.get("results").get(0).get("partialFingerprints").get("tokensweep/finding/v1").asText().length());
    assertFalse(run.get("invocations").get(0).get("executionSuccessful").asBoolean());
  }

  @Test
  void report_everyRuleHasHelpAndSecuritySeverity() throws IOException {
    JsonNode rules = new ObjectMapper().readTree(sarif(mixed(), null)).get("runs").get(0).get("tool").get("driver")
        .get("rules");
    assertEquals(Rules.builtin().size() + 1, rules.size(), "built-in rules plus the custom one a finding names");
    for (JsonNode r : rules) {
      assertTrue(r.get("help").get("text").asText().length() > 40, r.get("id").asText());
      assertTrue(r.get("properties").has("security-severity"), r.get("id").asText());
    }
  }

  @Test
  void report_revealedFinding_stillHoldsNoSecret() throws IOException {
    assertFalse(sarif(mixed(), null).contains("THE_REVEALED_SECRET"), "SARIF never carries a revealed secret");
  }

  static String sarif(ScanResult r, Path root, List<Path> roots) throws IOException {
    ReportContext ctx = new ReportContext(false, false, "h", Instant.parse("2026-11-22T10:00:00Z"), null, root,
        Rules.builtin(), roots);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Reporter.forFormat("sarif", ctx).report(r, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void report_sameTokenTwiceInOneFile_getsTwoDistinctStablePartialFingerprints() throws IOException {
    ScanResult twice = new ScanResult(List.of(
        new Finding(Location.text("/a/x.log", 1, 1, 0), evidence("ts.github.2", Severity.HIGH), null),
        new Finding(Location.text("/a/x.log", 9, 1, 400), evidence("ts.github.2", Severity.HIGH), null),
        new Finding(Location.text("/a/y.log", 1, 1, 0), evidence("ts.github.2", Severity.HIGH), null)),
        List.of(), 2, 2, 500, 0.1);
    JsonNode results = new ObjectMapper().readTree(sarif(twice, Path.of("/a"))).get("runs").get(0).get("results");
    Set<String> fps = new java.util.HashSet<>();
    for (JsonNode r : results) {
      fps.add(r.get("partialFingerprints").get(SarifReporter.FINGERPRINT_KEY).asText());
    }
    assertEquals(3, fps.size(), "GitHub folds results that share ruleId and partialFingerprints into one alert");
    // the same files checked out somewhere else give the same fingerprints
    ScanResult moved = new ScanResult(List.of(
        new Finding(Location.text("/b/x.log", 1, 1, 0), evidence("ts.github.2", Severity.HIGH), null),
        new Finding(Location.text("/b/x.log", 9, 1, 400), evidence("ts.github.2", Severity.HIGH), null),
        new Finding(Location.text("/b/y.log", 1, 1, 0), evidence("ts.github.2", Severity.HIGH), null)),
        List.of(), 2, 2, 500, 0.1);
    JsonNode again = new ObjectMapper().readTree(sarif(moved, Path.of("/b"))).get("runs").get(0).get("results");
    for (int i = 0; i < 3; i++) {
      assertEquals(results.get(i).get("partialFingerprints"), again.get(i).get("partialFingerprints"));
    }
  }

  @Test
  void report_columnsAreUtf16CodeUnits_afterNonAsciiText(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    // "é" is 2 bytes and 1 UTF-16 unit, "😀" 4 bytes and 2 units: the secret starts at byte column 22
    String line = "x\nprefix é 😀 token=gho_" + "a".repeat(36) + "\n";
    Path f = tmp.resolve("u.log");
    Files.writeString(f, line);
    long offset = line.getBytes(StandardCharsets.UTF_8).length - 41L;
    Location loc = Location.text(f.toString(), 2, offset - 2 + 1, offset);
    ScanResult one = new ScanResult(List.of(new Finding(loc, evidence("ts.github.2", Severity.HIGH), null)),
        List.of(), 1, 1, 100, 0.1);
    JsonNode run = new ObjectMapper().readTree(sarif(one, tmp)).get("runs").get(0);
    assertEquals("utf16CodeUnits", run.get("columnKind").asText());
    JsonNode region = run.get("results").get(0).get("locations").get(0).get("physicalLocation").get("region");
    int expected = "prefix é 😀 token=".length() + 1;
    assertEquals(expected, region.get("startColumn").asInt());
    assertEquals(expected + 40, region.get("endColumn").asInt());
    assertEquals(line.split("\n")[1].indexOf("gho_") + 1, expected, "a Java String counts UTF-16 units as GitHub does");
    // a location whose offset is not where the line says (the file changed): the line alone
    Location wrong = Location.text(f.toString(), 2, 5, offset);
    JsonNode r2 = new ObjectMapper().readTree(sarif(new ScanResult(List.of(new Finding(wrong,
        evidence("ts.github.2", Severity.HIGH), null)), List.of(), 1, 1, 100, 0.1), tmp)).get("runs").get(0)
        .get("results").get(0).get("locations").get(0).get("physicalLocation").get("region");
    assertEquals(2, r2.get("startLine").asInt());
    assertFalse(r2.has("startColumn"), r2.toString());
  }

  @Test
  void report_severalRoots_relativeUrisWithOneBaseIdEach() throws IOException {
    ScanResult two = new ScanResult(List.of(
        new Finding(Location.text("/home/alice/.bash_history", 1, 1, 0), evidence("ts.github.2", Severity.HIGH), null),
        new Finding(Location.text("/var/log/app/x.log", 1, 1, 0), evidence("ts.github.2", Severity.HIGH), null),
        new Finding(Location.text("/work/repo/src/a.txt", 1, 1, 0), evidence("ts.github.2", Severity.HIGH), null)),
        List.of(), 3, 3, 500, 0.1);
    JsonNode run = new ObjectMapper().readTree(sarif(two, Path.of("/work/repo"),
        List.of(Path.of("/home/alice"), Path.of("/var/log"), Path.of("/work/repo/src")))).get("runs").get(0);
    JsonNode bases = run.get("originalUriBaseIds");
    assertEquals("file:///work/repo/", bases.get("SRCROOT").get("uri").asText());
    assertEquals("file:///home/alice/", bases.get("ROOT1").get("uri").asText());
    assertEquals("file:///var/log/", bases.get("ROOT2").get("uri").asText());
    String[][] expected = {{".bash_history", "ROOT1"}, {"app/x.log", "ROOT2"}, {"src/a.txt", "SRCROOT"}};
    for (int i = 0; i < 3; i++) {
      JsonNode a = run.get("results").get(i).get("locations").get(0).get("physicalLocation").get("artifactLocation");
      assertEquals(expected[i][0], a.get("uri").asText());
      assertEquals(expected[i][1], a.get("uriBaseId").asText());
      assertTrue(bases.has(a.get("uriBaseId").asText()));
    }
    assertEquals("tokensweep/20261122T100000Z", run.get("automationDetails").get("id").asText());
  }

  @Test
  void utf16Column_randomFilesAndLocations_neverThrowAndStayOnTheLine(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException {
    java.util.Random r = new java.util.Random(23);
    Path f = tmp.resolve("r.log");
    long deadline = System.nanoTime() + 2_000_000_000L;
    for (int n = 0; n < 2_000 && System.nanoTime() < deadline; n++) {
      byte[] b = new byte[r.nextInt(300)];
      for (int i = 0; i < b.length; i++) {
        int k = r.nextInt(10);
        b[i] = (byte) (k == 0 ? '\n' : k == 1 ? 0xc3 : k == 2 ? 0xa9 : k == 3 ? r.nextInt(256) : 'a' + r.nextInt(26));
      }
      Files.write(f, b);
      long offset = r.nextInt(b.length + 20) - 5;
      long column = r.nextInt(80) - 2;
      Location l = new Location(f.toString(), (long) r.nextInt(9), column, offset, null, null, null, null, null, "text");
      Long c = SarifReporter.utf16Column(f.toString(), l);
      if (c != null) {
        assertTrue(c >= 1 && c <= column, "column " + c + " from byte column " + column);
      }
    }
  }
}

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
import dev.tokensweep.detectors.Evidence;
import dev.tokensweep.detectors.Kind;
import dev.tokensweep.detectors.Rules;
import dev.tokensweep.detectors.Severity;
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
    assertEquals("9f3c".repeat(16), run.get("results").get(0).get("partialFingerprints").get("tokensweep/secret/v1").asText());
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
}

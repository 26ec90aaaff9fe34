package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.Run.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.report.Reporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden files for every format: a fixed synthetic tree, a fixed clock, host and fingerprint key,
 * one thread. Run with {@code -Dtokensweep.golden.update=true} to rewrite them after a deliberate
 * change, then read the diff.
 */
class ReportFormatsTest {

  static final String NOW = "2026-11-22T10:00:00Z";
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @TempDir
  Path tmp;

  /** The synthetic tree; returns every secret planted in it, shown or suppressed. */
  static List<String> plant(Path dir) throws IOException {
    TokenForge f = new TokenForge(new Random(7));
    List<String> secrets = new ArrayList<>();
    String pat = f.base62Crc32("ghp_");
    String oauth = f.base62Crc32("gho_");
    String user = f.base62Crc32("ghu_");
    String server = f.base62Crc32("ghs_");
    String allowed = f.base62Crc32("ghp_");
    String ignored = f.base62Crc32("gho_");
    secrets.addAll(List.of(pat, oauth, user, server, allowed, ignored));
    Files.writeString(dir.resolve(".bash_history"), "ls -la\nexport GITHUB_TOKEN=" + pat + "\ngit push\n");
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("logs/app.log"), "2026-11-02T10:11:12Z INFO login ok\n"
        + "{\"access_token\":\"" + oauth + "\",\"token_type\":\"bearer\"}\n"
        + "curl -H \"Authorization: token " + user + "\" https://api.github.com/user\n");
    // a name that needs quoting in CSV and percent-encoding in SARIF
    Files.writeString(dir.resolve("notes, \"v2\".txt"), "runner token " + server + "\n");
    Files.writeString(dir.resolve("fixture.env"), "TEST_TOKEN=" + allowed + "  # tokensweep:allow test fixture\n");
    Files.createDirectories(dir.resolve("vendor"));
    Files.writeString(dir.resolve("vendor/cache.json"), "{\"token\":\"" + ignored + "\"}\n");
    Files.writeString(dir.resolve(".tokensweepignore"), "# third-party caches\nvendor/\n");
    // pairs: a secret access key after its key id, a URL password with its user
    String keyId = f.awsKeyId("AKIA", 123_456_789_012L);
    String awsSecret = f.random(TokenForge.ALNUM + "/+", 40);
    String password = f.random(TokenForge.ALNUM, 32);
    secrets.addAll(List.of(awsSecret, password));
    Files.writeString(dir.resolve("ci.env"), "export AWS_ACCESS_KEY_ID=" + keyId + "\nexport AWS_SECRET_ACCESS_KEY="
        + awsSecret + "\nREPO_URL=https://ci-bot:" + password + "@git.example.com/acme/infra.git\n");
    return secrets;
  }

  static Path keyFile(Path dir) throws IOException {
    Path k = dir.resolve("key");
    Files.writeString(k, "golden-test-key\n");
    return k;
  }

  /** Makes output independent of the temp directory and the clock. */
  static String normalize(String s, Path dir) {
    String uri = dir.toUri().toString();
    return s.replace(uri.endsWith("/") ? uri : uri + "/", "file:///DIR/")
        .replace(dir.toString(), "/DIR")
        .replaceAll("\"seconds\" ?: ?[0-9.Ee-]+", "\"seconds\" : 0.0")
        .replaceAll("[0-9]+\\.[0-9]{2} s\\b", "0.00 s")
        .replace("\r\n", "\n")
        // ECS event ids hash the absolute path, which the temp directory changes
        .replaceAll("\"event\":\\{\"id\":\"[0-9a-f]{32}\"", "\"event\":{\"id\":\"ID\"");
  }

  static void assertNoSecret(List<String> secrets, String where, String text) {
    for (int i = 0; i < secrets.size(); i++) {
      String s = secrets.get(i);
      // neither the whole secret nor its random middle; the message names the secret by number only
      assertFalse(text.contains(s), where + " holds whole secret #" + i);
      assertFalse(text.contains(s.substring(4, 30)), where + " holds part of secret #" + i);
    }
  }

  private static void assertGolden(String name, String actual) throws IOException {
    Path golden = GOLDEN.resolve(name);
    if (Boolean.getBoolean("tokensweep.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(golden), "no golden file " + golden + "; run with -Dtokensweep.golden.update=true");
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, "output differs from " + golden);
  }

  @Test
  void scan_everyFormat_matchesGoldenAndHoldsNoSecret() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    List<String> secrets = plant(dir);
    Path key = keyFile(tmp);
    for (String format : Reporter.FORMATS) {
      Run r = run("scan", "--format", format, "--now", NOW, "--host", "golden-host", "--threads", "1", "--no-progress",
          "--fingerprint-key-file", key.toString(), dir.toString());
      assertEquals(1, r.exit(), format + " exit; stderr: " + r.err());
      assertNoSecret(secrets, format + " stdout", r.out());
      assertNoSecret(secrets, format + " stderr", r.err());
      assertGolden("report." + format, normalize(r.out(), dir));
    }
  }

  @Test
  void scan_everyFormatToFile_holdsNoSecret() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    List<String> secrets = plant(dir);
    for (String format : Reporter.FORMATS) {
      Path report = tmp.resolve("report." + format);
      Run r = run("scan", "--format", format, "--output", report.toString(), "--no-progress", dir.toString());
      assertEquals(1, r.exit(), format);
      assertNoSecret(secrets, format + " file", Files.readString(report));
      assertNoSecret(secrets, format + " stderr", r.err());
    }
  }

  @Test
  void scan_suppressions_areCountedByReason() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    plant(dir);
    Run r = run("scan", "--format", "json", "--no-progress", dir.toString());
    JsonNode summary = new ObjectMapper().readTree(r.out()).get("summary");
    assertEquals(6, summary.get("findings").asInt());
    assertEquals(1, summary.get("suppressed").get("inline-allow").asInt());
    assertEquals(1, summary.get("suppressed").get("ignore-file").asInt());
    assertTrue(r.err().contains("suppressed: 1 ignore-file files, 1 inline-allow"), r.err());
  }

  @Test
  void scan_quietText_hasNoSummaryAndOnlyTheRootIgnoreNotice() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    plant(dir);
    Run r = run("scan", "--quiet", dir.toString());
    assertEquals(1, r.exit());
    assertFalse(r.out().contains("Summary"), r.out());
    assertEquals("tokensweep: using " + dir.resolve(".tokensweepignore") + " from the scanned directory"
        + " (--no-root-config ignores it)", r.err().strip());
    Run loud = run("scan", "--no-progress", dir.toString());
    assertTrue(loud.out().contains("Summary"), loud.out());
  }

  @Test
  void csv_quote_followsRfc4180() {
    assertEquals("plain", dev.tokensweep.scanner.report.ReportTestAccess.csvQuote("plain"));
    assertEquals("\"a,b\"", dev.tokensweep.scanner.report.ReportTestAccess.csvQuote("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", dev.tokensweep.scanner.report.ReportTestAccess.csvQuote("say \"hi\""));
    assertEquals("\"two\nlines\"", dev.tokensweep.scanner.report.ReportTestAccess.csvQuote("two\nlines"));
  }

  @Test
  void scan_sarif_validatesAgainstTheOfficialSchema() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    plant(dir);
    Run r = run("scan", "--format", "sarif", "--no-progress", dir.toString());
    assertEquals(java.util.Set.of(), dev.tokensweep.scanner.report.SarifReporterTest.violations(r.out()));
  }
}

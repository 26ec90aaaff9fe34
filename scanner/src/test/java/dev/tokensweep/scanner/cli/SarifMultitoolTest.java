package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our SARIF through Microsoft's SARIF Multitool with GitHub's rules ({@code validate --rule-kind
 * Gh}), the validator GitHub's documentation points to. The tool comes from npm
 * ({@code @microsoft/sarif-multitool}); {@code .ci/run} installs it and names it in
 * {@code TOKENSWEEP_SARIF_MULTITOOL}. Where it is not installed the test is skipped and says so;
 * the schema and the checks in {@code SarifReporterTest} run always.
 */
class SarifMultitoolTest {

  @TempDir
  Path tmp;

  /** The multitool: $TOKENSWEEP_SARIF_MULTITOOL, else sarif-multitool on PATH; null when neither. */
  static Path multitool() {
    String env = System.getenv("TOKENSWEEP_SARIF_MULTITOOL");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "sarif-multitool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** What the multitool reports at level error or warning for one SARIF file, one line each. */
  static List<String> complaints(Path tool, Path sarif, Path work) throws IOException, InterruptedException {
    Path out = work.resolve(sarif.getFileName() + ".validation.sarif");
    Files.deleteIfExists(out);
    Process p = new ProcessBuilder(tool.toString(), "validate", "--rule-kind", "Gh", "--output", out.toString(),
        sarif.toString()).redirectErrorStream(true).directory(work.toFile()).start();
    String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the multitool did not finish");
    assertTrue(Files.isRegularFile(out), "the multitool wrote no result (exit " + p.exitValue() + "):\n" + console);
    List<String> found = new ArrayList<>();
    for (JsonNode run : new ObjectMapper().readTree(out.toFile()).path("runs")) {
      for (JsonNode r : run.path("results")) {
        String level = r.path("level").asText("warning");
        if (level.equals("error") || level.equals("warning")) {
          found.add(level + " " + r.path("ruleId").asText() + ": " + r.path("message").path("arguments"));
        }
      }
    }
    return found;
  }

  @Test
  void sarif_singleAndSeveralRoots_passGitHubRules() throws Exception {
    Path tool = multitool();
    Assumptions.assumeTrue(tool != null, "SARIF Multitool not installed (npm install @microsoft/sarif-multitool, then "
        + "set TOKENSWEEP_SARIF_MULTITOOL to node_modules/.bin/sarif-multitool); GitHub-rule validation skipped");
    Path one = Files.createDirectories(tmp.resolve("one"));
    ReportFormatsTest.plant(one);
    Path other = Files.createDirectories(tmp.resolve("other root"));
    TokenForge f = new TokenForge(new Random(9));
    Files.writeString(other.resolve("ünï code.log"), "prefix é 😀 token=" + f.base62Crc32("gho_") + "\n"
        + "again " + f.base62Crc32("gho_") + "\n");
    Path single = tmp.resolve("single.sarif");
    Path several = tmp.resolve("several.sarif");
    assertEquals(1, Run.run("scan", "--format", "sarif", "--no-progress", "-o", single.toString(),
        one.toString()).exit());
    assertEquals(1, Run.run("scan", "--format", "sarif", "--no-progress", "-o", several.toString(),
        one.toString(), other.toString()).exit());
    for (Path s : List.of(single, several)) {
      assertEquals(List.of(), complaints(tool, s, tmp), s.getFileName().toString());
    }
    // and the validator does complain about what GitHub refuses: a result message without text
    Path bad = tmp.resolve("bad.sarif");
    Files.writeString(bad, Files.readString(single).replaceFirst("\"message\" : \\{\\s*\"text\"", "\"message\" : {\"id\""));
    assertTrue(!complaints(tool, bad, tmp).isEmpty(), "the multitool found nothing wrong in a SARIF GitHub refuses");
  }
}

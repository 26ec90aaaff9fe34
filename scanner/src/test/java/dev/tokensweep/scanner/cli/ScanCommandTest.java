package dev.tokensweep.scanner.cli;

import static dev.tokensweep.scanner.cli.Run.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {

  @TempDir
  Path dir;

  /** Writes files holding synthetic tokens and returns the tokens. */
  private List<String> plant() throws IOException {
    TokenForge f = new TokenForge(new Random(11));
    List<String> secrets = new ArrayList<>();
    String pat = f.base62Crc32("ghp_");
    String oauth = f.base62Crc32("gho_");
    String npm = f.base62Crc32("npm_");
    secrets.add(pat);
    secrets.add(oauth);
    secrets.add(npm);
    Files.writeString(dir.resolve(".bash_history"), "ls -la\nexport GITHUB_TOKEN=" + pat + "\ngit status\n");
    Files.writeString(dir.resolve("app.log"), "2026-11-02T10:11:12Z INFO login ok\n"
        + "{\"access_token\":\"" + oauth + "\",\"token_type\":\"bearer\"}\n");
    Files.writeString(dir.resolve(".npmrc"), "//registry.npmjs.org/:_authToken=" + npm + "\n");
    return secrets;
  }

  private static void assertNoSecret(List<String> secrets, String where, String text) {
    for (String s : secrets) {
      // neither the whole secret nor its random middle may appear
      assertFalse(text.contains(s), where + " leaks a whole secret");
      assertFalse(text.contains(s.substring(4, 30)), where + " leaks part of a secret");
    }
  }

  @Test
  void scan_everyFormat_neverPrintsASecret() throws IOException {
    List<String> secrets = plant();
    for (String format : List.of("text", "json", "jsonl")) {
      Path report = dir.resolve("report." + format);
      Run toStdout = run("scan", "--format", format, dir.resolve(".bash_history").toString(), dir.resolve("app.log").toString());
      assertEquals(1, toStdout.exit(), format + ": " + toStdout.err());
      assertNoSecret(secrets, format + " stdout", toStdout.out());
      assertNoSecret(secrets, format + " stderr", toStdout.err());
      Run toFile = run("scan", "--format", format, "--output", report.toString(), dir.resolve("app.log").toString());
      assertEquals(1, toFile.exit());
      assertNoSecret(secrets, format + " file", Files.readString(report));
      assertTrue(Files.readString(report).contains("gho_…"), format + " report shows the public prefix and last four");
    }
  }

  @Test
  void scan_outputIsAFifo_writesIntoItInsteadOfReplacingIt() throws Exception {
    // -o /dev/null used to move a temp file over the device; as root that replaced /dev/null
    plant();
    Path fifo = dir.resolve("report.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
      try {
        return Files.readAllBytes(fifo);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Run r = run("scan", "--format", "json", "--output", fifo.toString(), dir.resolve("app.log").toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(new String(read.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8).contains("\"findings\""));
    assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced by a file");
  }

  @Test
  void scan_reveal_printsSecretsAndWarns() throws IOException {
    List<String> secrets = plant();
    Run r = run("scan", "--reveal", "--format", "json", dir.resolve(".bash_history").toString());
    assertTrue(r.out().contains(secrets.get(0)));
    assertTrue(r.err().contains("WARNING"));
  }

  @Test
  void scan_json_locatesFindingByLineColumnAndOffset() throws IOException {
    plant();
    Run r = run("scan", "--format", "json", "--threads", "1", dir.toString());
    assertEquals(1, r.exit());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(1, doc.get("version").asInt());
    JsonNode hist = null;
    for (JsonNode f : doc.get("findings")) {
      if (f.get("location").get("path").asText().endsWith(".bash_history")) {
        hist = f;
      }
    }
    assertTrue(hist != null, "finding in .bash_history");
    assertEquals("ts.github.1", hist.get("rule_id").asText());
    assertEquals(2, hist.get("location").get("line").asInt());
    assertEquals(21, hist.get("location").get("column").asInt());
    assertEquals("ls -la\nexport GITHUB_TOKEN=".length(), hist.get("location").get("offset").asInt());
    assertEquals(64, hist.get("fingerprint").asText().length());
    int github = 0;
    for (JsonNode f : doc.get("findings")) {
      github += f.get("rule_id").asText().startsWith("ts.github.") ? 1 : 0;
    }
    assertEquals(2, github, "the PAT in the history and the OAuth token in the log");
  }

  @Test
  void scan_decodeDepth_zeroLeavesEncodedSecretsAlone_outOfRangeIsAUsageError() throws IOException {
    String pat = new TokenForge(new Random(12)).base62Crc32("ghp_");
    Path log = dir.resolve("encoded.log");
    Files.writeString(log, "INFO payload=" + java.util.Base64.getEncoder().encodeToString(
        ("export GITHUB_TOKEN=" + pat).getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n");
    Run decoded = run("scan", "--format", "jsonl", log.toString());
    assertEquals(1, decoded.exit(), decoded.err());
    assertTrue(decoded.out().contains("\"decodings\":[\"base64\"]"), "found inside the base64 run");
    Run plain = run("scan", "--format", "jsonl", "--decode-depth", "0", log.toString());
    assertEquals(0, plain.exit(), plain.err());
    assertTrue(plain.err().contains("0 findings"), plain.err());
    for (String bad : List.of("-1", "5")) {
      Run r = run("scan", "--decode-depth", bad, log.toString());
      assertEquals(2, r.exit(), bad);
      assertTrue(r.err().contains("--decode-depth must be 0 to 4"), r.err());
    }
    assertNoSecret(List.of(pat), "stdout", decoded.out() + plain.out());
  }

  @Test
  void scan_cleanDirectory_exitsZero() throws IOException {
    Files.writeString(dir.resolve("README"), "nothing to see here\ncommit 3f786850e387550fdab836ed7e6dc881de23001b\n");
    Run r = run("scan", "--format", "json", dir.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("0 findings"));
  }

  @Test
  void scan_missingPath_exitsThreeAndNamesIt() {
    Path missing = dir.resolve("gone.log");
    Run r = run("scan", missing.toString());
    assertEquals(3, r.exit());
    assertTrue(r.err().contains(missing.toString()));
  }

  @Test
  void scan_unreadableFile_exitsThreeAndNamesIt() throws IOException {
    Files.writeString(dir.resolve("ok.log"), "fine\n");
    Path unreadable;
    if (Files.isReadable(Path.of("/proc/self/mem"))) {
      // root can read any mode; /proc/self/mem is a regular file whose read fails with EIO
      unreadable = Path.of("/proc/self/mem");
    } else {
      unreadable = dir.resolve("secret.log");
      Files.writeString(unreadable, "x\n");
      unreadable.toFile().setReadable(false, false);
    }
    Run r = run("scan", "--format", "jsonl", dir.toString(), unreadable.toString());
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().contains(unreadable.toString()), r.err());
    assertTrue(r.err().contains("scanned 2 files") || r.err().contains("scanned 1 file"), r.err());
  }

  @Test
  void scan_problemLines_sayNotScannedOnlyWhereTheDataWasNotRead() throws IOException {
    byte[] nothing = "nothing here\n".getBytes(StandardCharsets.US_ASCII);
    byte[] tar = dev.tokensweep.scanner.pipeline.Archives.tar(java.util.Map.of("a.log", "x".repeat(5000).getBytes(
        StandardCharsets.US_ASCII)));
    Path cut = Files.write(dir.resolve("cut.tar"), java.util.Arrays.copyOf(tar, 512 + 1000)); // a member cut short
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      z.putNextEntry(new java.util.zip.ZipEntry("../../etc/evil.log"));
      z.write(nothing);
      z.closeEntry();
    }
    Path slip = Files.write(dir.resolve("slip.zip"), bo.toByteArray());
    Path unreadable = unreadableFile();
    // the text report writes its problems after the scan, a streamed format as it goes
    for (String format : List.of("text", "jsonl")) {
      Run r = run("scan", "--format", format, cut.toString(), slip.toString(), unreadable.toString());
      assertEquals(3, r.exit(), r.err());
      assertTrue(r.err().contains("tokensweep: partly scanned: " + cut + "!a.log: corrupt: "), format + ": " + r.err());
      assertTrue(r.err().contains("tokensweep: note: " + slip + "!../../etc/evil.log: unsafe-name: "), format + ": " + r.err());
      assertTrue(r.err().contains("tokensweep: not scanned: " + unreadable + ": unreadable: "), format + ": " + r.err());
      assertFalse(r.err().contains("not scanned: " + cut) || r.err().contains("not scanned: " + slip), format + ": " + r.err());
    }
  }

  @Test
  void scan_followSymlinksIntoALoop_reportsTheLoopAndScansTheRest() throws IOException {
    List<String> secrets = plant();
    Path sub = Files.createDirectories(dir.resolve("sub"));
    Files.createSymbolicLink(sub.resolve("up"), dir); // sub/up -> its parent: a loop when followed
    Run r = run("scan", "--follow-symlinks", "--format", "jsonl", dir.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().contains("\"problem\":\"symlink-loop\""), r.out());
    assertTrue(r.out().contains(sub.resolve("up").toString()), "the loop is located");
    assertTrue(r.out().contains("\"findings\":3"), "the other inputs are still scanned");
    assertNoSecret(secrets, "jsonl", r.out());
    Path clean = Files.createDirectories(dir.resolve("clean"));
    Files.writeString(clean.resolve("a.log"), "nothing here\n");
    Files.createSymbolicLink(clean.resolve("loop"), clean);
    Run onlyLoop = run("scan", "--follow-symlinks", clean.toString());
    assertEquals(3, onlyLoop.exit(), "a loop and nothing found is an incomplete scan");
    assertTrue(onlyLoop.err().contains(clean.resolve("loop").toString()), onlyLoop.err());
  }

  @Test
  void scan_linkToADirectoryNamedAsARoot_isFollowedAndNamedByTheLink() throws IOException {
    List<String> secrets = plant();
    Path link = Files.createSymbolicLink(dir.resolve("logs-link"), dir); // as find -H: a root is followed
    Run r = run("scan", "--format", "jsonl", link.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().contains("\"findings\":3"), "the linked directory's files are scanned: " + r.err());
    assertTrue(r.out().contains("\"path\":\"" + link.resolve("app.log") + "\""), "located under the name given");
    assertFalse(r.out().contains(dir + "/./"), "no path through the walk's own 'link/.'");
    assertNoSecret(secrets, "jsonl", r.out());
  }

  /** A regular file whose read fails, as root too (root reads any mode: /proc/self/mem then). */
  private Path unreadableFile() throws IOException {
    if (Files.isReadable(Path.of("/proc/self/mem"))) {
      return Path.of("/proc/self/mem");
    }
    Path locked = dir.resolve("locked.log");
    Files.writeString(locked, "x\n");
    locked.toFile().setReadable(false, false);
    return locked;
  }

  @Test
  void scan_unreadableFileBesideAFinding_exitsOne() throws IOException {
    plant();
    Path unreadable = unreadableFile();
    Run r = run("scan", "--format", "jsonl", dir.toString(), unreadable.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().contains("\"problem\":\"unreadable\""), r.out());
    assertTrue(r.err().contains(unreadable.toString()), r.err());
  }

  @Test
  void help_everySubcommand_printsUsageAndExitsZero() {
    for (String[] cmd : new String[][] {{"scan", "--help"}, {"sanitize", "--help"}, {"redact", "--help"},
        {"rules", "list", "--help"}, {"search", "--help"}, {"sweeps", "--help"}, {"--help"}}) {
      Run r = run(cmd);
      assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: tokensweep"), String.join(" ", cmd));
    }
  }

  @Test
  void scan_badUsage_exitsTwo() {
    assertEquals(2, run("scan", "--format", "xml", dir.toString()).exit());
    assertEquals(2, run("scan", "--fail-on", "severe", dir.toString()).exit());
    assertEquals(2, run("scan").exit());
    assertEquals(2, run("scan", "--rules", dir.resolve("nope.yml").toString(), dir.toString()).exit());
  }

  @Test
  void scan_failOnAboveFindings_exitsZero() throws IOException {
    plant();
    assertEquals(0, run("scan", "--fail-on", "critical", dir.resolve(".npmrc").toString()).exit());
  }

  @Test
  void rulesCheck_badCustomRule_namesTheProblem() throws IOException {
    Path rules = dir.resolve("custom.yml");
    Files.writeString(rules, """
        - id: acme.internal.1
          name: ACME internal token
          kind: api_key
          keywords: [acme_]
          pattern: '\\b(acme_[a-z0-9]{32})\\b'
          severity: high
          examples: ['ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuv']
          negative_examples: ['ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuvwxyz0000']
        - id: acme.internal.2
          name: Broken
          kind: api_key
          keywords: [zzz_]
          pattern: 'zzz_[a-z]{4}'
          severity: low
          examples: ['zzz_abcd']
          negative_examples: ['nothing']
        """);
    Run r = run("rules", "check", rules.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("custom.yml:13: acme.internal.2: pattern: no capture group 1"), r.err());
    assertFalse(r.err().contains("acme.internal.1:"), r.err());
  }

  @Test
  void rulesList_json_hasEveryBuiltinRuleWithPattern() throws IOException {
    Run r = run("rules", "list", "--format", "json");
    assertEquals(0, r.exit());
    JsonNode rules = new ObjectMapper().readTree(r.out());
    assertTrue(rules.size() >= 6);
    for (JsonNode n : rules) {
      assertTrue(n.get("pattern").asText().contains("("), n.get("id").asText());
    }
  }

  @Test
  void scan_stdin_readsDash() throws IOException {
    TokenForge f = new TokenForge(new Random(2));
    String t = f.base62Crc32("ghs_");
    java.io.InputStream saved = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(("job token " + t + "\n").getBytes(StandardCharsets.US_ASCII)));
      Run r = run("scan", "--format", "jsonl", "-");
      assertEquals(1, r.exit());
      assertTrue(r.out().contains("\"path\":\"(stdin)\""), r.out());
    } finally {
      System.setIn(saved);
    }
  }
}

package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.pipeline.Bombs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker who controls the scanned input or a file the run reads may try: a token where
 * a library or a parser will quote it in an error, and files that never end. Each test is named
 * after what broke. Failure messages name where a secret leaked, never the secret.
 */
class HostileInputCliTest {

  @TempDir
  Path dir;

  private final String token = new TokenForge(new Random(404)).base62Crc32("ghp_");

  private void assertNoToken(String where, String text) {
    assertFalse(text.contains(token.substring(4)), where + " holds the token");
  }

  private void assertNoToken(Run r) {
    assertNoToken("stdout", r.out());
    assertNoToken("stderr", r.err());
  }

  // ---- a library's exception message quotes a header value

  @Test
  void scan_tarWhosePaxHeaderValueIsAToken_problemReportedWithoutTheToken() throws IOException {
    for (String key : List.of("size", "uid", "mtime", "GNU.sparse.size")) {
      Path tar = dir.resolve(key + ".tar");
      Files.write(tar, Bombs.paxTar(Map.of(key, token), "app.log", "hello\n".getBytes(StandardCharsets.US_ASCII)));
      Path report = dir.resolve(key + ".json");
      Run r = Run.run("scan", "--format", "json", "-o", report.toString(), tar.toString());
      assertNoToken(r);
      assertNoToken(key + " report", Files.readString(report));
      assertTrue(r.err().contains("scanned: " + tar), key + ": the damage is reported with its location");
      assertTrue(r.exit() == 3 || r.exit() == 1, key + ": exit " + r.exit());
    }
  }

  // ---- a token after an archive's or a compressed stream's end

  @Test
  void scanAndSanitize_tokenAfterTheEndOfAGzipOrATar_foundAndLeftOutOfTheCopy() throws IOException {
    byte[] tail = ("export GITHUB_TOKEN=" + token + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] nothing = "nothing here\n".getBytes(StandardCharsets.US_ASCII);
    Map<String, byte[]> inputs = Map.of(
        "a.log.gz", concat(dev.tokensweep.scanner.pipeline.Archives.gzip(nothing), tail),
        "b.tar", concat(dev.tokensweep.scanner.pipeline.Archives.tar(Map.of("x.log", nothing)), tail));
    for (Map.Entry<String, byte[]> in : inputs.entrySet()) {
      Path f = Files.write(dir.resolve(in.getKey()), in.getValue());
      Run scan = Run.run("scan", f.toString());
      assertNoToken(scan);
      assertEquals(1, scan.exit(), in.getKey() + ": the token after the end is a finding: " + scan.err());
      assertTrue(scan.err().contains(f + "!<after "), in.getKey() + ": the data after the end is named: " + scan.err());
      Path copy = dir.resolve("clean-" + in.getKey());
      Run sanitize = Run.run("sanitize", f.toString(), "-o", copy.toString());
      assertNoToken(sanitize);
      assertEquals(3, sanitize.exit(), in.getKey() + ": left out, so incomplete: " + sanitize.err());
      assertTrue(sanitize.err().contains("left out of the copy"), in.getKey() + ": " + sanitize.err());
      assertEquals(0, Run.run("scan", copy.toString()).exit(), in.getKey() + ": the copy scans clean");
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  // ---- configuration and rule errors echo the value

  @Test
  void scan_rootConfigWithATokenAsFormat_errorNamesFileAndLineNotTheValue() throws IOException {
    Files.writeString(dir.resolve("tokensweep.yaml"), "version: 1\nformat: " + token + "\n");
    Run r = Run.run("scan", dir.toString());
    assertEquals(2, r.exit(), r.err());
    assertNoToken(r);
    assertTrue(r.err().contains("tokensweep.yaml:2: format"), r.err());
  }

  @Test
  void scan_rootConfigWithATokenInABadPattern_errorNamesFileLineAndField() throws IOException {
    Files.writeString(dir.resolve("tokensweep.yaml"), String.join("\n", "rules:",
        "  - id: acme.internal.1",
        "    name: ACME token",
        "    kind: api_key",
        "    keywords: [acme_]",
        "    pattern: '((" + token + "'",
        "    severity: high",
        "    examples: ['ACME=acme_0123456789abcdefghijklmnopqrstuv']",
        "    negative_examples: ['ACME=acme_<token>']", ""));
    Run r = Run.run("scan", dir.toString());
    assertEquals(2, r.exit(), r.err());
    assertNoToken(r);
    assertTrue(r.err().contains("tokensweep.yaml:6: acme.internal.1: pattern: does not compile (missing closing ))"),
        r.err());
  }

  @Test
  void rulesFile_tokenAsAKeyOrAValueOrAPattern_neverEchoed() throws IOException {
    String[] files = {
        "- id: acme.internal.1\n  " + token + ": 1\n",
        "- id: acme.internal.1\n  name: x\n  kind: " + token + "\n  keywords: [acme_]\n  pattern: '(x)'\n  severity: high\n",
        "- id: acme.internal.1\n  name: x\n  kind: api_key\n  keywords: [acme_]\n  pattern: '((" + token + "'\n"
            + "  severity: high\n  examples: ['acme_x']\n  negative_examples: ['y']\n",
        "- id: acme.internal.1\n  name: x\n  kind: api_key\n  keywords: [acme_]\n  pattern: '(x)'\n  severity: high\n"
            + "  validate: [" + token + "]\n  examples: ['acme_x']\n  negative_examples: ['y']\n",
        "[ \"" + token + "\n"};
    for (int i = 0; i < files.length; i++) {
      Path f = dir.resolve("rules" + i + ".yml");
      Files.writeString(f, files[i]);
      for (String[] args : new String[][] {{"rules", "check", f.toString()}, {"scan", "--rules", f.toString(), dir.toString()},
          {"redact", "--rules", f.toString()}}) {
        Run r = Run.run(args);
        assertNoToken(r);
        assertTrue(r.exit() == 1 || r.exit() == 2, "file " + i + " " + args[0] + ": exit " + r.exit());
        assertTrue(r.err().contains(f + ":"), "file " + i + " " + args[0] + ": the error names the file and line: " + r.err());
      }
    }
  }

  // ---- files read whole that never end

  @Test
  @Timeout(60)
  void options_fileThatNeverEndsOrIsHuge_oneLineAndExit2() throws IOException {
    Path huge = dir.resolve("huge");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(300L << 20); // sparse: 300 MB that take no disk
    }
    Path log = Files.writeString(dir.resolve("a.log"), "x\n");
    for (String file : List.of("/dev/zero", huge.toString())) {
      for (String opt : List.of("--fingerprint-key-file", "--config", "--ignore-file", "--baseline", "--rules")) {
        Run r = Run.run("scan", opt, file, log.toString());
        assertEquals(2, r.exit(), opt + " " + file + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), opt + " " + file + ": one line: " + r.err());
        assertTrue(r.err().contains(file), r.err());
      }
    }
  }

  @Test
  @Timeout(60)
  void scan_hugeRootConfigOrIgnoreFile_exit2() throws IOException {
    for (String name : List.of("tokensweep.yaml", ".tokensweepignore")) {
      Path root = Files.createDirectories(dir.resolve("root-" + name));
      Files.writeString(root.resolve("a.log"), "x\n");
      try (RandomAccessFile f = new RandomAccessFile(root.resolve(name).toFile(), "rw")) {
        f.setLength(300L << 20);
      }
      Run r = Run.run("scan", root.toString());
      assertEquals(2, r.exit(), name + ": " + r.err());
      assertTrue(r.err().contains("larger than"), r.err());
    }
  }

  // ---- a planted root configuration raises the limits a bomb would otherwise hit

  @Test
  void scan_rootConfigRaisingLimits_onlyLowersThem_butConfigNamedByTheUserMay() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    byte[] inner = ("export GITHUB_TOKEN=" + token + "\n").getBytes(StandardCharsets.US_ASCII);
    // the token ten archives deep: past the default depth of 8
    for (int level = 0; level < 10; level++) {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b)) {
        z.putNextEntry(new java.util.zip.ZipEntry(level == 0 ? "env.txt" : "l" + level + ".zip"));
        z.write(inner);
        z.closeEntry();
      }
      inner = b.toByteArray();
    }
    Files.write(tree.resolve("deep.zip"), inner);
    Path yaml = Files.writeString(tree.resolve("tokensweep.yaml"), "limits:\n  max_depth: 50\n  max_ratio: 1000000\n");

    Run planted = Run.run("scan", "--format", "json", tree.toString());
    assertEquals(3, planted.exit(), "the planted max_depth must not open the 10th level: " + planted.err());
    assertTrue(planted.err().contains("depth"), planted.err());

    Run named = Run.run("scan", "--format", "json", "--config", yaml.toString(), tree.toString());
    assertEquals(1, named.exit(), "a --config the user names may raise the depth: " + named.err());
    assertNoToken(named);

    // sanitize reads the same root file under the same rule
    Run copy = Run.run("sanitize", tree.toString(), "-o", dir.resolve("copy").toString());
    assertEquals(3, copy.exit(), "the planted max_depth must not open the 10th level in sanitize either: " + copy.err());
    assertTrue(copy.err().contains("depth"), copy.err());
    assertNoToken(copy);
  }
}

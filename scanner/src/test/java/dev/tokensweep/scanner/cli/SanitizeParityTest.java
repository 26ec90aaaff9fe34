package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sanitize} runs with what {@code scan} runs with (issue 14, second bullet): the
 * configuration file (in the input directory, or {@code --config}), {@code --no-root-config},
 * {@code --rules}, and the limit options; a secret that scan reports through a custom rule is
 * redacted, and a bad rules file is one line naming file and line.
 */
class SanitizeParityTest {

  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(66));

  private static final String RULE = String.join("\n",
      "  - id: acme.internal.1",
      "    name: ACME internal token",
      "    kind: api_key",
      "    keywords: [acme_]",
      "    pattern: '\\b(acme_[a-z0-9]{32})\\b'",
      "    severity: high",
      "    examples: ['ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuv']",
      "    negative_examples: ['ACME_TOKEN=acme_short']", "");

  private String acme() {
    return "acme_" + forge.random("abcdefghijklmnopqrstuvwxyz0123456789", 32);
  }

  @Test
  void sanitize_rootConfigCustomRule_secretRedacted_noRootConfigLeavesIt() throws IOException {
    String token = acme();
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("tokensweep.yaml"), "version: 1\nrules:\n" + RULE);
    // no built-in rule reports this line: only the custom rule does
    Files.writeString(in.resolve("app.log"), "start\nacme request " + token + " done\nend\n");
    Run scan = Run.run("scan", in.toString());
    assertEquals(1, scan.exit(), "scan reports the token through the custom rule");

    Run r = Run.run("sanitize", in.toString(), "-o", dir.resolve("out").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("tokensweep.yaml from the input directory"), r.err());
    String copy = Files.readString(dir.resolve("out/app.log"));
    assertFalse(copy.contains(token), "the custom rule's secret is redacted");
    assertTrue(copy.startsWith("start\nacme request [REDACTED:api_key:") && copy.endsWith("] done\nend\n"), copy);

    Run untrusted = Run.run("sanitize", in.toString(), "-o", dir.resolve("raw").toString(),
        "--no-root-config");
    assertEquals(0, untrusted.exit(), untrusted.err());
    assertTrue(Files.readString(dir.resolve("raw/app.log")).contains(token), "--no-root-config: the root's rules are not used");
  }

  @Test
  void sanitize_configOptionRulesAndLimits_appliedToAFile() throws Exception {
    String token = acme();
    Path cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, "version: 1\nlimits:\n  max_entries: 2\nrules:\n" + RULE);
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", ("ACME_TOKEN=" + token + "\n").getBytes(StandardCharsets.US_ASCII));
    Path log = Files.write(dir.resolve("a.log"), m.get("a.log"));
    Run r = Run.run("sanitize", log.toString(), "-o", dir.resolve("a.clean.log").toString(),
        "--config", cfg.toString());
    assertEquals(0, r.exit(), r.err());
    assertFalse(Files.readString(dir.resolve("a.clean.log")).contains(token));

    for (int i = 0; i < 3; i++) {
      m.put("m" + i + ".log", ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    Path tar = Files.write(dir.resolve("many.tar"), dev.tokensweep.scanner.pipeline.Archives.tar(m));
    Run limited = Run.run("sanitize", tar.toString(), "-o", dir.resolve("many.clean.tar").toString(),
        "--config", cfg.toString());
    assertEquals(3, limited.exit(), limited.err());
    assertTrue(limited.err().contains("many.tar: limit: max-entries: more than 2 entries"), limited.err());
    assertFalse(limited.err().contains(token));
  }

  @Test
  void sanitize_limitOptions_sameAsScan_exit3NamingTheMember() throws Exception {
    byte[] inner = dev.tokensweep.scanner.pipeline.Archives.zip(Map.of("deep.log",
        ("export GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII)));
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("logs/inner.zip", inner);
    m.put("logs/app.log", "nothing\n".getBytes(StandardCharsets.US_ASCII));
    Path tgz = Files.write(dir.resolve("b.tar.gz"),
        dev.tokensweep.scanner.pipeline.Archives.gzip(dev.tokensweep.scanner.pipeline.Archives.tar(m)));
    Run scan = Run.run("scan", tgz.toString(), "--max-depth", "2");
    Run r = Run.run("sanitize", tgz.toString(), "-o", dir.resolve("c.tar.gz").toString(),
        "--max-depth", "2");
    assertEquals(3, scan.exit(), scan.err());
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().contains("b.tar.gz!logs/inner.zip: limit: max-depth"), r.err());
    assertTrue(scan.out().contains("b.tar.gz!logs/inner.zip") || scan.err().contains("b.tar.gz!logs/inner.zip"),
        "scan names the same member");
  }

  @Test
  void sanitize_rulesFileWithABadPattern_oneLineNamingFileAndLine() throws IOException {
    String token = forge.base62Crc32("ghp_");
    Path f = dir.resolve("bad.yml");
    Files.writeString(f, "- id: acme.internal.1\n  name: x\n  kind: api_key\n  keywords: [acme_]\n  pattern: '((" + token
        + "'\n  severity: high\n  examples: ['acme_x']\n  negative_examples: ['y']\n");
    Path log = Files.writeString(dir.resolve("a.log"), "nothing\n");
    Run r = Run.run("sanitize", log.toString(), "-o", dir.resolve("b.log").toString(),
        "--rules", f.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(f + ":5:"), r.err());
    assertFalse(r.err().contains(token.substring(4)), "the bad value is not echoed");
    assertFalse(r.err().contains("jackson") || r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(dir.resolve("b.log")));
  }
}

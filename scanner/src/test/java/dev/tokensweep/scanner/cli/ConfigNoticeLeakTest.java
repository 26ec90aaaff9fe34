package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What scan and sanitize say about a configuration file they find or cannot read: the notice
 * names a directory the user may not have named (a token as a directory name), and an error may
 * quote a key of the file (an API key pasted as one).
 */
class ConfigNoticeLeakTest {
  private final TokenForge forge = new TokenForge(new Random(97));

  @TempDir
  Path dir;

  @Test
  void configFoundInATokenNamedDirectory_noticeShowsTheNameRedacted() throws Exception {
    String token = forge.base62Crc32("ghp_");
    Path root = Files.createDirectories(dir.resolve("cache-" + token));
    Files.writeString(root.resolve("tokensweep.yaml"), "version: 1\n");
    Files.writeString(root.resolve("a.log"), "nothing secret here\n");
    String middle = token.substring(6, 26);
    Run scan = Run.run("scan", root.toString());
    assertTrue(scan.err().contains("tokensweep: using "), "the configuration file is announced");
    assertFalse(scan.err().contains(middle), "scan's notice prints the directory's token at " + scan.err().indexOf(middle));
    Run sanitize = Run.run("sanitize", root.toString(), "-o", dir.resolve("copy").toString());
    assertTrue(sanitize.err().contains("tokensweep: using "), "the configuration file is announced");
    assertFalse(sanitize.err().contains(middle), "sanitize's notice prints the directory's token at "
        + sanitize.err().indexOf(middle));
  }

  @Test
  void configKeyThatIsAnApiKey_errorNamesTheLineNotTheKey() throws Exception {
    // 32 hex digits, as many API keys are: no rule knows one without its context
    String key = "a" + forge.random("0123456789abcdef", 31);
    Path cfg = dir.resolve("config.yaml");
    Files.writeString(cfg, "version: 1\nseverity:\n  " + key + ": bogus\n");
    Files.writeString(dir.resolve("a.log"), "nothing secret here\n");
    Run r = Run.run("scan", "--config", cfg.toString(), dir.resolve("a.log").toString());
    assertEquals(Main.EXIT_USAGE, r.exit(), "a bad configuration is a usage error");
    assertTrue(r.err().contains("config.yaml:3: invalid value"), "the error names the line");
    assertFalse(r.err().contains(key.substring(0, 12)), "the error quotes the key at " + r.err().indexOf(key.substring(0, 12)));
  }
}

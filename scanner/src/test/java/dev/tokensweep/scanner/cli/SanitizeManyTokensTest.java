package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sanitize of a log with hundreds of distinct tokens, as a gateway or CI log of a busy day holds:
 * the replacement's automaton over every stored form of every secret passed its state limit at
 * about 80 secrets, and sanitize stopped with an internal error (exit 4) and no copy.
 */
class SanitizeManyTokensTest {

  @TempDir
  Path tmp;

  @Test
  void fiveHundredDistinctTokens_allMasked_verifiedClean() throws IOException {
    TokenForge forge = new TokenForge(new Random(43));
    List<String> tokens = new ArrayList<>();
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      String t = forge.base62Crc32(i % 2 == 0 ? "ghp_" : "gho_");
      tokens.add(t);
      log.append("2026-12-05T10:").append(i % 60).append(":00Z INFO job=").append(i).append(" GITHUB_TOKEN=").append(t)
          .append(" status=ok\n");
    }
    Path in = tmp.resolve("ci.log");
    Files.writeString(in, log);
    byte[] before = Files.readAllBytes(in);
    Path out = tmp.resolve("ci.sanitized.log");

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(0, r.exit(), "sanitized and verified clean");
    assertTrue(r.err().contains("500 secrets, 500 occurrences replaced; verification clean"), "every token masked");
    assertArrayEquals(before, Files.readAllBytes(in), "input unchanged");
    String copy = Files.readString(out);
    assertEquals(500, copy.lines().count(), "every line kept");
    for (int i = 0; i < tokens.size(); i++) {
      assertTrue(!copy.contains(tokens.get(i)), "token " + i + " masked");
      r.assertNotPrinted(tokens.get(i), "token " + i);
    }
  }
}

package dev.tokensweep.scanner.suppress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {
  @TempDir
  Path dir;

  @Test
  void load_notJsonHoldingAToken_messageHidesTheToken() throws IOException {
    // Jackson's message quoted the unparsable word, so a leaking file given as --baseline printed its token
    String token = new TokenForge(new Random(11)).base62Crc32("ghp_");
    Path p = dir.resolve("oops.json");
    Files.writeString(p, "[{\"rule_id\": " + token + "}]\n");
    Baseline.BadBaselineException e = assertThrows(Baseline.BadBaselineException.class, () -> Baseline.load(p));
    assertFalse(e.getMessage().contains(token.substring(4, 12)), "the message quotes the token");
    assertTrue(e.getMessage().contains("not JSON"), "the message says what is wrong");
  }
}

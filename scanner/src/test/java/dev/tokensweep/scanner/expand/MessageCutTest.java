package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tokensweep.detectors.rule.TokenForge;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A library's message is cut short before it is quoted in a problem, and scrubbed of secrets
 * after: a cut inside a secret must not leave its first part, which no rule recognizes any more.
 */
class MessageCutTest {
  private static final String TOKEN = new TokenForge(new Random(57)).base62Crc32("ghp_");

  @Test
  void aCutInsideATokenDropsTheWholeToken() {
    String m = "Unable to parse long from string value: " + "x".repeat(100) + " " + TOKEN + " and more";
    String cut = ArchiveExpander.cut(m, 160);
    assertFalse(cut.contains(TOKEN.substring(0, 8)), "the first part of a secret cut short is kept");
    assertEquals(m.substring(0, m.indexOf(TOKEN)), cut, "the cut ends where the secret began");
  }

  @Test
  void aCutBetweenWordsKeepsEverythingBefore() {
    String m = "a".repeat(10) + " " + "b".repeat(200);
    assertEquals(m.substring(0, 11), ArchiveExpander.cut(m, 20));
    String spaced = "word ".repeat(50);
    assertEquals(spaced.substring(0, 160), ArchiveExpander.cut(spaced, 160), "a cut at a space keeps all before it");
  }
}

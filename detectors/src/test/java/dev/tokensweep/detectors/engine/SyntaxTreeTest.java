package dev.tokensweep.detectors.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.SyntaxTree;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The one place tokensweep reaches into re2j's internals ({@code com.google.re2j.SyntaxTree} reads
 * the package-private parser). The window filters and fixed shapes are derived from this tree, so
 * an re2j upgrade that renames an operator, simplifies differently or changes how classes and
 * repeats are stored must fail here, by name, before it silently changes what is found.
 */
class SyntaxTreeTest {

  private static String shape(SyntaxTree.Node n) {
    StringBuilder b = new StringBuilder(n.op());
    if (n.foldCase()) {
      b.append("/i");
    }
    if (n.runes().length > 0) {
      b.append(Arrays.toString(n.runes()));
    }
    if (n.op().equals("REPEAT")) {
      b.append('{').append(n.min()).append(',').append(n.max()).append('}');
    }
    if (n.subs().length > 0) {
      b.append('(');
      for (int i = 0; i < n.subs().length; i++) {
        b.append(i > 0 ? " " : "").append(shape(n.subs()[i]));
      }
      b.append(')');
    }
    return b.toString();
  }

  @Test
  void parse_githubTokenPattern_theTreeTheFiltersAreBuiltFrom() {
    SyntaxTree.Node n = SyntaxTree.parse("\\b(ghp_[A-Za-z0-9]{36})\\b");
    assertEquals("CONCAT(WORD_BOUNDARY CAPTURE(CONCAT(LITERAL[103, 104, 112, 95] REPEAT{36,36}(CHAR_CLASS[48, 57, 65, 90, 97, 122]))) WORD_BOUNDARY)",
        shape(n), "re2j's parse tree changed: check WindowFilter, FixedShape and Detector.parse before upgrading");
  }

  @Test
  void parse_caseFoldedKeyword_keepsTheFoldFlag() {
    SyntaxTree.Node n = SyntaxTree.parse("(?i:bearer)\\s+([A-Za-z0-9._-]{20,})");
    SyntaxTree.Node first = n.subs()[0];
    assertEquals("LITERAL", first.op());
    assertTrue(first.foldCase(), shape(n));
    assertArrayEquals("BEARER".codePoints().toArray(), first.runes(), "re2j stores a folded literal in upper case");
  }

  @Test
  void parse_badPattern_failsAsPatternCompileDoes() {
    org.junit.jupiter.api.Assertions.assertThrows(com.google.re2j.PatternSyntaxException.class, () -> SyntaxTree.parse("(unclosed"));
  }
}

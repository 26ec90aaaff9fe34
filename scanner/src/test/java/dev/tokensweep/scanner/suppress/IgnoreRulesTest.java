package dev.tokensweep.scanner.suppress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IgnoreRulesTest {

  static IgnoreRules rules(String text) {
    return IgnoreRules.parse(text, "test");
  }

  @Test
  void ignored_gitignoreSyntax_matchesLikeGit() {
    IgnoreRules r = rules("""
        # comment
        *.bak
        /build
        logs/
        docs/**/draft?.md
        **/cache/*.json
        !keep.bak
        \\#literal
        """);
    assertTrue(r.ignored("a.bak"));
    assertTrue(r.ignored("deep/dir/a.bak"), "a pattern without / matches at any depth");
    assertFalse(r.ignored("keep.bak"), "negation re-includes");
    assertTrue(r.ignored("build/out.txt"));
    assertFalse(r.ignored("src/build/out.txt"), "a leading / anchors at the root");
    assertTrue(r.ignored("x/logs/app.log"), "dir/ ignores everything under such a directory");
    assertFalse(r.ignored("logs"), "dir/ does not match a file of that name");
    assertTrue(r.ignored("docs/a/b/draft1.md"));
    assertTrue(r.ignored("docs/draft2.md"), "**/ matches zero directories");
    assertFalse(r.ignored("docs/draft10.md"), "? is one character");
    assertTrue(r.ignored("x/y/cache/z.json"));
    assertFalse(r.ignored("x/y/cache/sub/z.json"), "* stops at /");
    assertTrue(r.ignored("#literal"));
    assertFalse(r.ignored("comment"));
  }

  @Test
  void ignored_fileUnderIgnoredDirectory_cannotBeReincluded() {
    IgnoreRules r = rules("vendor/\n!vendor/keep.txt\n");
    assertTrue(r.ignored("vendor/keep.txt"));
  }

  @Test
  void ignored_characterClass_andNegatedClass() {
    IgnoreRules r = rules("log[0-9].txt\nx[!a].txt\n");
    assertTrue(r.ignored("log7.txt"));
    assertFalse(r.ignored("logA.txt"));
    assertTrue(r.ignored("xb.txt"));
    assertFalse(r.ignored("xa.txt"));
  }
}

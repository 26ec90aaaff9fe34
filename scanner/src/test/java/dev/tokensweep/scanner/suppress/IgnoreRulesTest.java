package dev.tokensweep.scanner.suppress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IgnoreRulesTest {

  static IgnoreRules rules(String text) throws Exception {
    return IgnoreRules.parse(text, "test");
  }

  @Test
  void ignored_gitignoreSyntax_matchesLikeGit() throws Exception {
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
  void ignored_fileUnderIgnoredDirectory_cannotBeReincluded() throws Exception {
    IgnoreRules r = rules("vendor/\n!vendor/keep.txt\n");
    assertTrue(r.ignored("vendor/keep.txt"));
  }

  @Test
  void ignored_characterClass_andNegatedClass() throws Exception {
    IgnoreRules r = rules("log[0-9].txt\nx[!a].txt\n");
    assertTrue(r.ignored("log7.txt"));
    assertFalse(r.ignored("logA.txt"));
    assertTrue(r.ignored("xb.txt"));
    assertFalse(r.ignored("xa.txt"));
  }

  /** A name of 200 'a's against a pattern with many stars: exponential for a backtracking engine. */
  @Test
  void ignored_backtrackingPattern_longName_decidedInLinearTime() throws Exception {
    IgnoreRules r = rules("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n");
    String name = "a".repeat(200);
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      assertFalse(r.ignored(name));
      assertFalse(r.ignored("dir/" + name));
      assertTrue(r.ignored(name + "b"));
    });
  }

  /** The linear-time engine decides as java.util.regex did on the same translation, for small inputs. */
  @Test
  void ignored_sameAnswersAsJavaUtilRegex_onSmallInputs() throws Exception {
    List<String> globs = List.of("*a*a*b", "*a*a*a*b", "a*b?", "**/a*", "a/**", "a/**/b", "[ab]*a",
        "[!a]b*", "?*?", "b/*a", "\\*a", "a.b", "(a)+|b", "[a-b]?a*", "*[ab]");
    List<String> paths = new ArrayList<>();
    paths.add("");
    for (int len = 1; len <= 5; len++) {
      int size = paths.size();
      for (int i = 0; i < size; i++) {
        String p = paths.get(i);
        if (p.length() == len - 1) {
          for (char c : new char[] {'a', 'b', '/', '*', '.'}) {
            paths.add(p + c);
          }
        }
      }
    }
    int checked = 0;
    for (String glob : globs) {
      IgnoreRules r = rules(glob);
      boolean anchored = glob.indexOf('/') >= 0;
      java.util.regex.Pattern oracle = java.util.regex.Pattern.compile(IgnoreRules.toRegex(glob, anchored));
      for (String path : paths) {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
          continue;
        }
        // one rule, not negated, not dir-only: ignored when the path or a directory above it matches
        boolean expected = oracle.matcher(path).matches();
        for (int i = path.indexOf('/'); i >= 0 && !expected; i = path.indexOf('/', i + 1)) {
          expected = oracle.matcher(path.substring(0, i)).matches();
        }
        assertEquals(expected, r.ignored(path), glob + " on " + path);
        checked++;
      }
    }
    assertTrue(checked > 10_000, "checked " + checked);
  }
}

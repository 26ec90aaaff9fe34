package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The built-in catalogue passes the rule lint: one dynamic test per example and negative example. */
class RuleCatalogTest {

  @Test
  void lint_builtinCatalogue_hasNoProblems() {
    List<RuleLinter.Problem> problems = RuleLinter.lint(Rules.builtin());
    assertTrue(problems.isEmpty(), () -> "rule problems:\n" + String.join("\n", problems.stream().map(Object::toString).toList()));
  }

  @TestFactory
  Stream<DynamicTest> examples_eachIsFound() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Rule r : Rules.builtin()) {
      for (int i = 0; i < r.examples().size(); i++) {
        int n = i;
        tests.add(DynamicTest.dynamicTest(r.id() + " example " + (i + 1), () -> assertNull(RuleLinter.checkExample(r, n))));
      }
      for (int i = 0; i < r.negativeExamples().size(); i++) {
        int n = i;
        tests.add(DynamicTest.dynamicTest(r.id() + " negative " + (i + 1), () -> assertNull(RuleLinter.checkNegative(r, n))));
      }
    }
    return tests.stream();
  }

  @Test
  void catalogue_everyRuleHasTwoContextExamplesAndANegative() {
    for (Rule r : Rules.builtin()) {
      assertTrue(r.examples().size() >= 2, r.id() + " needs at least two examples in log or shell context");
      assertTrue(r.negativeExamples().size() >= 1, r.id() + " needs a negative example");
      for (String ex : r.examples()) {
        // an example in context has text around the secret, not just the bare token
        assertTrue(ex.strip().contains(" ") || ex.contains("=") || ex.contains(":"), r.id() + " has a bare example");
      }
    }
  }

  @Test
  void catalogue_idsAreUniqueAndFilesAreIndexed() {
    Set<String> ids = new HashSet<>();
    for (Rule r : Rules.builtin()) {
      assertTrue(ids.add(r.id()), "duplicate " + r.id());
      assertTrue(r.id().startsWith("ts."), r.id());
    }
    assertEquals(new HashSet<>(Rules.builtinFiles()).size(), Rules.builtinFiles().size(), "index.txt lists a file twice");
  }

  @Test
  void catalogue_wholeDetectorFindsEveryExampleAmongAllRules() {
    // The whole catalogue together: an example must still be found by its own rule when every
    // other rule competes for the same keywords.
    Detector d = new KeywordDetector(Rules.builtin());
    for (Rule r : Rules.builtin()) {
      for (String ex : r.examples()) {
        boolean found = d.findAll(ex.getBytes(java.nio.charset.StandardCharsets.UTF_8)).stream()
            .anyMatch(m -> m.rule().id().equals(r.id()));
        assertTrue(found, r.id() + " example not found by the full detector: " + ex.substring(0, Math.min(12, ex.length()))
            .toLowerCase(Locale.ROOT) + "...");
      }
    }
  }

  /** Where the built-in rule files are, relative to the module (tests run there). */
  static final java.nio.file.Path RULES_DIR = java.nio.file.Path.of("src/main/resources/dev/tokensweep/rules");

  @Test
  void index_listsEveryRuleFileOfTheDirectoryAndNothingElse() throws java.io.IOException {
    // a provider file missing from index.txt would load nothing, silently
    assertTrue(java.nio.file.Files.isDirectory(RULES_DIR), "rules directory not found from " + java.nio.file.Path.of("")
        .toAbsolutePath());
    Set<String> onDisk = new java.util.TreeSet<>();
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(RULES_DIR)) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
          .forEach(onDisk::add);
    }
    Set<String> indexed = new java.util.TreeSet<>(Rules.builtinFiles());
    Set<String> notIndexed = new java.util.TreeSet<>(onDisk);
    notIndexed.removeAll(indexed);
    Set<String> missing = new java.util.TreeSet<>(indexed);
    missing.removeAll(onDisk);
    assertEquals(Set.of(), notIndexed, "rule files that index.txt does not list (they load nothing)");
    assertEquals(Set.of(), missing, "files index.txt lists that do not exist");
  }

  @Test
  void catalogue_everyRuleCitesAnHttpsReference() {
    List<String> without = new ArrayList<>();
    for (Rule r : Rules.builtin()) {
      boolean https = false;
      for (String ref : r.references()) {
        try {
          java.net.URI u = new java.net.URI(ref);
          https |= "https".equals(u.getScheme()) && u.getHost() != null && !u.getHost().isEmpty();
        } catch (java.net.URISyntaxException e) {
          // not a URL at all: does not count
        }
      }
      if (!https) {
        without.add(r.id());
      }
    }
    assertEquals(List.of(), without, "rules without an https reference to the provider's documentation");
  }
}

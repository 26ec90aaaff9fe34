package dev.tokensweep.scanner.cli;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.engine.RuleLinter;
import dev.tokensweep.detectors.rule.Rules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options that choose the rule set, shared by the commands that detect. */
public final class RuleOptions {
  @Option(names = "--rules", paramLabel = "FILE", description = "Add the rules in this YAML file (same schema as the built-in ones).")
  List<Path> ruleFiles = new ArrayList<>();

  @Option(names = "--no-builtin-rules", description = "Use only the rules given with --rules.")
  boolean noBuiltin;

  /**
   * The custom rules, then the built-in ones: where a custom rule and a built-in one confirm the
   * same secret, the rule listed first wins, and a rule the user wrote for their own token says
   * more than the generic rule that would otherwise report it. Custom files are linted first and
   * rejected with their problems.
   */
  public List<Rule> rules() {
    List<Rule> all = new ArrayList<>();
    for (Path p : ruleFiles) {
      List<Rule> custom;
      List<String> problems;
      try {
        String yaml = Rules.read(p);
        custom = Rules.parse(yaml, p.toString());
        problems = RuleLinter.lint(yaml, custom, p.toString(), java.util.Set.of());
      } catch (IOException e) {
        throw new Main.UsageException("cannot read rules file " + p + ": " + e.getClass().getSimpleName());
      } catch (Rules.RuleFileException e) {
        throw new Main.UsageException(e.getMessage());
      }
      if (!problems.isEmpty()) {
        throw new Main.UsageException("rules file " + p + " fails the lint:\n  " + String.join("\n  ", problems));
      }
      all.addAll(custom);
    }
    if (!noBuiltin) {
      all.addAll(Rules.builtin());
    }
    if (all.isEmpty()) {
      throw new Main.UsageException("no rules: --no-builtin-rules needs at least one --rules file");
    }
    return all;
  }
}

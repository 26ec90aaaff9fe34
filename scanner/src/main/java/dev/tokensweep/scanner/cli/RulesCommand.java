package dev.tokensweep.scanner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.detectors.Rule;
import dev.tokensweep.detectors.RuleLinter;
import dev.tokensweep.detectors.Rules;
import dev.tokensweep.scanner.model.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rules list} and {@code rules check FILE}. */
@Command(name = "rules", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, description = "List the rules or lint a custom rules file.",
    subcommands = {RulesCommand.ListCommand.class, RulesCommand.CheckCommand.class})
final class RulesCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
      description = {"List the rules: id, kind, severity and name.",
          "As json, each rule also has its keywords, pattern, validators and references."})
  static final class ListCommand implements Callable<Integer> {
    @Mixin
    TextOrJsonOption textOrJson;

    @Mixin
    RuleOptions ruleOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      List<Rule> rules = ruleOptions.rules();
      if (textOrJson.json()) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Rule r : rules) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", r.id());
          m.put("name", r.name());
          m.put("kind", r.kind().id());
          m.put("severity", r.severity().id());
          m.put("keywords", r.keywords());
          m.put("pattern", r.pattern());
          m.put("validate", r.validate());
          m.put("references", r.references());
          list.add(m);
        }
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
      } else {
        for (Rule r : rules) {
          out.printf("%-18s %-14s %-9s %s%n", SafeText.terminal(r.id()), r.kind().id(), r.severity().id(),
              SafeText.terminal(r.name()));
        }
        out.printf("%d rules%n", rules.size());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
      description = "Lint a rules file: ids, patterns, examples and negative examples.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:no problems", "1:problems, each named on stderr", "2:the file cannot be read"})
  static final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The rules file (YAML, the schema of the built-in rules).")
    Path file;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<Rule> rules;
      try {
        rules = Rules.load(file);
      } catch (IOException e) {
        throw new Main.UsageException("cannot read " + file + ": " + e.getClass().getSimpleName());
      } catch (Rules.RuleFileException e) {
        err.println(SafeText.terminal(e.getMessage()));
        return 1;
      }
      List<RuleLinter.Problem> problems = RuleLinter.lint(rules);
      // a custom rule must not reuse a built-in id
      java.util.Set<String> builtin = new java.util.HashSet<>();
      Rules.builtin().forEach(r -> builtin.add(r.id()));
      for (Rule r : rules) {
        if (builtin.contains(r.id())) {
          problems = new ArrayList<>(problems);
          problems.add(new RuleLinter.Problem(r.id(), "id is taken by a built-in rule"));
        }
      }
      for (RuleLinter.Problem p : problems) {
        err.println(SafeText.terminal(file + ": " + p));
      }
      int examples = rules.stream().mapToInt(r -> r.examples().size() + r.negativeExamples().size()).sum();
      out.printf("%s: %d rules, %d examples checked, %d problems%n", SafeText.terminal(file.toString()), rules.size(), examples, problems.size());
      out.flush();
      err.flush();
      return problems.isEmpty() ? 0 : 1;
    }
  }
}

package dev.tokensweep.scanner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.engine.RuleLinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.check.Validators;
import dev.tokensweep.scanner.model.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rules list}, {@code rules stats} and {@code rules check FILE}. */
@Command(name = "rules", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, description = "List the rules, count them or lint a custom rules file.",
    subcommands = {RulesCommand.ListCommand.class, RulesCommand.StatsCommand.class, RulesCommand.CheckCommand.class})
final class RulesCommand {

  /** Made on first use: picocli instantiates every command at startup, and a mapper costs ~0.1 s to make. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** The rule's validators that are offline checks of a provider-defined structure (checksum, macaroon, ...). */
  static List<String> offlineChecks(Rule r) {
    return r.validate().stream().filter(Validators::isOfflineCheck).toList();
  }

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
      description = {"List the rules: id, provider, kind, severity, offline check and name.",
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
          m.put("provider", r.provider());
          m.put("kind", r.kind().id());
          m.put("severity", r.severity().id());
          m.put("offline_checks", offlineChecks(r));
          m.put("keywords", r.keywords());
          m.put("pattern", r.pattern());
          m.put("validate", r.validate());
          m.put("references", r.references());
          list.add(m);
        }
        out.println(Json.MAPPER.writeValueAsString(list));
      } else {
        int id = "id".length();
        int provider = "provider".length();
        int check = "offline check".length();
        for (Rule r : rules) {
          id = Math.max(id, r.id().length());
          provider = Math.max(provider, r.provider().length());
          check = Math.max(check, String.join(",", offlineChecks(r)).length());
        }
        String row = "%-" + id + "s  %-" + provider + "s  %-13s  %-8s  %-" + check + "s  %s%n";
        out.printf(row, "id", "provider", "kind", "severity", "offline check", "name");
        for (Rule r : rules) {
          List<String> checks = offlineChecks(r);
          out.printf(row, SafeText.terminal(r.id()), SafeText.terminal(r.provider()), r.kind().id(), r.severity().id(),
              checks.isEmpty() ? "-" : String.join(",", checks), SafeText.terminal(r.name()));
        }
        long checked = rules.stream().filter(r -> !offlineChecks(r).isEmpty()).count();
        out.printf("%d rules, %d with an offline check%n", rules.size(), checked);
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
      description = "Count the rules by provider and by kind (and severity), to see what the catalogue covers.")
  static final class StatsCommand implements Callable<Integer> {
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
      Map<String, long[]> byProvider = new TreeMap<>(); // rules, with an offline check
      Map<String, Long> byKind = new TreeMap<>();
      Map<String, Long> bySeverity = new LinkedHashMap<>();
      for (Severity s : Severity.values()) {
        bySeverity.put(s.id(), 0L);
      }
      long checked = 0;
      for (Rule r : rules) {
        long[] c = byProvider.computeIfAbsent(r.provider(), k -> new long[2]);
        c[0]++;
        if (!offlineChecks(r).isEmpty()) {
          c[1]++;
          checked++;
        }
        byKind.merge(r.kind().id(), 1L, Long::sum);
        bySeverity.merge(r.severity().id(), 1L, Long::sum);
      }
      if (textOrJson.json()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rules", rules.size());
        m.put("providers", byProvider.size());
        m.put("with_offline_check", checked);
        Map<String, Object> providers = new LinkedHashMap<>();
        byProvider.forEach((p, c) -> {
          Map<String, Object> x = new LinkedHashMap<>();
          x.put("rules", c[0]);
          x.put("with_offline_check", c[1]);
          providers.put(p, x);
        });
        m.put("by_provider", providers);
        m.put("by_kind", byKind);
        m.put("by_severity", bySeverity);
        out.println(Json.MAPPER.writeValueAsString(m));
      } else {
        out.printf("%d rules, %d providers, %d with an offline check%n", rules.size(), byProvider.size(), checked);
        int w = "provider".length();
        for (String p : byProvider.keySet()) {
          w = Math.max(w, p.length());
        }
        String row = "  %-" + w + "s  %5d  %13d%n";
        out.println();
        out.printf("  %-" + w + "s  %5s  %13s%n", "provider", "rules", "offline check");
        byProvider.forEach((p, c) -> out.printf(row, SafeText.terminal(p), c[0], c[1]));
        out.println();
        out.printf("  %-13s  %5s%n", "kind", "rules");
        byKind.forEach((k, n) -> out.printf("  %-13s  %5d%n", k, n));
        out.println();
        out.printf("  %-13s  %5s%n", "severity", "rules");
        bySeverity.forEach((k, n) -> out.printf("  %-13s  %5d%n", k, n));
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
      List<String> problems;
      String yaml;
      try {
        yaml = Rules.read(file);
      } catch (IOException e) {
        throw new Main.UsageException("cannot read " + file + ": " + e.getClass().getSimpleName());
      } catch (Rules.RuleFileException e) {
        // missing, not a regular file, too large: the file cannot be read, exit 2 as the help says
        throw new Main.UsageException(e.getMessage());
      }
      try {
        rules = Rules.parse(yaml, file.toString());
        java.util.Set<String> builtin = new java.util.HashSet<>();
        Rules.builtin().forEach(r -> builtin.add(r.id()));
        problems = RuleLinter.lint(yaml, rules, file.toString(), builtin);
      } catch (Rules.RuleFileException e) {
        err.println(SafeText.terminal(BuiltinDetector.scrub(e.getMessage())));
        return 1;
      }
      // the lines quote no value, but they name the file, and a rule's names are the user's text:
      // whatever a built-in rule sees as a secret in them is redacted
      problems.forEach(p -> err.println(SafeText.terminal(BuiltinDetector.scrub(p))));
      int examples = rules.stream().mapToInt(r -> r.examples().size() + r.negativeExamples().size()).sum();
      String shown = SafeText.terminal(BuiltinDetector.scrubPath(file.toString()));
      out.printf("%s: %d rules, %d examples checked, %d problems%n", shown, rules.size(), examples, problems.size());
      out.flush();
      err.flush();
      return problems.isEmpty() ? 0 : 1;
    }
  }
}

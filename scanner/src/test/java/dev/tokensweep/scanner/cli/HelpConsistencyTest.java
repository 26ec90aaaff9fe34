package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's help is complete and reads the same way: a summary sentence the command list
 * can show whole, placeholders in capitals, defaults written {@code (default: X)}, the same
 * defaults for the same option, and a version that names the build's commit.
 */
class HelpConsistencyTest {

  private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*(\\.\\.\\.)?|last");

  static List<CommandLine> all() {
    List<CommandLine> out = new ArrayList<>();
    collect(Main.commandLine(), out);
    return out;
  }

  private static void collect(CommandLine cl, List<CommandLine> out) {
    out.add(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandName().equals("help")) {
        collect(sub, out);
      }
    }
  }

  private static String text(String[] description) {
    return String.join(" ", description);
  }

  @Test
  void everyCommand_hasASummarySentenceAndCompleteDescriptions() {
    for (CommandLine cl : all()) {
      CommandSpec spec = cl.getCommandSpec();
      String[] d = spec.usageMessage().description();
      assertTrue(d.length > 0, spec.qualifiedName() + " has no description");
      for (String line : d) {
        // the command list shows the first line alone; every line is whole sentences, none cut mid-way
        assertTrue(line.endsWith(".") || line.endsWith(")") || line.endsWith("'"),
            spec.qualifiedName() + ": a description line that does not end a sentence: " + line);
      }
      String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertFalse(help.contains("<"), spec.qualifiedName() + " help has a <placeholder>:\n" + help);
    }
  }

  @Test
  void everyOption_capitalPlaceholdersAndOneWayOfNamingDefaults() {
    for (CommandLine cl : all()) {
      CommandSpec spec = cl.getCommandSpec();
      List<ArgSpec> args = new ArrayList<>(spec.options());
      args.addAll(spec.positionalParameters());
      for (ArgSpec a : args) {
        String where = spec.qualifiedName() + " " + (a instanceof OptionSpec o ? o.longestName() : a.paramLabel());
        String desc = text(a.description());
        assertTrue(desc.endsWith(".") || desc.endsWith(")"), where + ": description is not a sentence: " + desc);
        assertFalse(desc.contains("Default:"), where + ": defaults are written '(default: X)': " + desc);
        if (a.typeInfo().isBoolean() || a.arity().max() == 0) {
          continue;
        }
        assertTrue(PLACEHOLDER.matcher(a.paramLabel()).matches(), where + ": placeholder " + a.paramLabel());
        if (a.defaultValue() != null) {
          assertTrue(desc.contains("(default: " + a.defaultValue() + ")"), where + ": default not named: " + desc);
        }
      }
    }
  }

  @Test
  void failOn_hasTheSameDefaultInScanAndSanitize() {
    List<String> defaults = new ArrayList<>();
    for (CommandLine cl : all()) {
      OptionSpec o = cl.getCommandSpec().findOption("--fail-on");
      if (o != null) {
        defaults.add(cl.getCommandName() + "=" + o.defaultValue());
      }
    }
    assertEquals(List.of("scan=info", "sanitize=info"), defaults);
  }

  @Test
  void version_namesTheCommitOnEveryCommand() {
    String top = null;
    for (CommandLine cl : all()) {
      java.io.StringWriter out = new java.io.StringWriter();
      cl.setOut(new java.io.PrintWriter(out, true));
      cl.printVersionHelp(cl.getOut());
      String v = out.toString();
      // a source tree without git (an unpacked source archive) builds as commit "unknown"
      String commit = java.nio.file.Files.exists(java.nio.file.Path.of("..", ".git")) ? "[0-9a-f]{7,40}(-dirty)?" : "\\S+";
      assertTrue(v.matches("(?s)tokensweep \\S+ \\(commit " + commit + "(, [^)]*)?\\)\nJava .*"),
          cl.getCommandSpec().qualifiedName() + ": " + v);
      if (top == null) {
        top = v;
      }
      assertEquals(top, v);
    }
  }
}

package dev.tokensweep.scanner.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the tokensweep jar. */
@Command(name = "tokensweep", mixinStandardHelpOptions = true, version = "tokensweep 0.1.0",
    description = "Finds leaked OAuth device codes, bearer tokens and other credentials, without printing them.",
    subcommands = {ScanCommand.class, SanitizeCommand.class, RedactCommand.class, SearchCommand.class,
        SweepsCommand.class, RulesCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:nothing found",
        "1:findings at or above --fail-on",
        "2:usage error",
        "3:scan incomplete (unreadable inputs, limits hit) and nothing found",
        "4:internal error"})
public final class Main {

  public static final int EXIT_FINDINGS = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_INCOMPLETE = 3;
  public static final int EXIT_INTERNAL = 4;

  /** Subcommands that run the built-in rules, whose detector is compiled while the command line is parsed. */
  private static final Set<String> DETECTING = Set.of("scan", "sanitize", "redact");

  public static void main(String[] args) {
    if (args.length > 0 && DETECTING.contains(args[0]) && !List.of(args).contains("--no-builtin-rules")) {
      BuiltinDetector.start();
    }
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_INTERNAL);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("tokensweep: " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      if (ex instanceof UsageException) {
        c.getErr().println("tokensweep: " + ex.getMessage());
        return EXIT_USAGE;
      }
      // never print the exception message of arbitrary code: it could quote input
      c.getErr().println("tokensweep: internal error: " + ex.getClass().getName()
          + (ex.getStackTrace().length > 0 ? " at " + ex.getStackTrace()[0] : ""));
      return EXIT_INTERNAL;
    });
    return cl;
  }

  private static volatile java.io.OutputStream stdout = System.out;

  /** The byte stream for commands that write raw bytes ({@code redact}); tests may replace it. */
  static java.io.OutputStream stdout() {
    return stdout;
  }

  static void setStdout(java.io.OutputStream out) {
    stdout = out;
  }

  /** A usage problem found after parsing (bad key file, bad rules file): exit 2 with this message. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }
}

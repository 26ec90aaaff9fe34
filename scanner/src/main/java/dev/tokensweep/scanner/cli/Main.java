package dev.tokensweep.scanner.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the tokensweep jar. */
@Command(name = "tokensweep", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
    description = "Finds leaked OAuth device codes, bearer tokens and other credentials, without printing them.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:nothing found",
        "1:findings at or above --fail-on",
        "2:usage error",
        "3:scan incomplete (unreadable inputs, limits hit) and nothing at or above --fail-on found",
        "4:internal error",
        "5:shipping incomplete (documents wait in the outbox) or the cluster refused a fleet query"})
public final class Main {

  public static final int EXIT_FINDINGS = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_INCOMPLETE = 3;
  public static final int EXIT_INTERNAL = 4;
  public static final int EXIT_SHIP_INCOMPLETE = 5;

  /**
   * The subcommands, in the order help lists them. Added by {@link #commandLine(String...)}, not
   * by the annotation: picocli reflects over every command it is given, so a run that names its
   * subcommand gets only that one.
   */
  private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("scan", ScanCommand.class);
    m.put("sanitize", SanitizeCommand.class);
    m.put("redact", RedactCommand.class);
    m.put("search", SearchCommand.class);
    m.put("sweeps", SweepsCommand.class);
    m.put("revoke", RevokeCommand.class);
    m.put("ship", ShipCommand.class);
    m.put("fleet", FleetCommand.class);
    m.put("rules", RulesCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return m;
  }

  /** Subcommands that run the built-in rules, whose detector is compiled while the command line is parsed. */
  private static final Set<String> DETECTING = Set.of("scan", "sanitize", "redact", "revoke");

  public static void main(String[] args) {
    if (args.length > 0 && DETECTING.contains(args[0]) && !List.of(args).contains("--no-builtin-rules")) {
      BuiltinDetector.start();
    }
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // what the user can do about it: the reports that list every finding hold them all until
      // the end (a million in JSON or SARIF need more than a 256 MB heap), the streamed ones do not
      err.println("tokensweep: out of memory (a " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB heap): give the JVM"
          + " more (TOKENSWEEP_JAVA_OPTS=-Xmx4g with the launcher) or, with many findings, use --format jsonl, csv or ecs,"
          + " which are written as the scan goes");
      err.flush();
      return EXIT_INTERNAL;
    } catch (Error e) {
      // picocli hands only exceptions to the handler below; an OutOfMemoryError or a
      // StackOverflowError would end the JVM with status 1, which says "findings"
      err.println("tokensweep: internal error: " + e.getClass().getName());
      err.flush();
      return EXIT_INTERNAL;
    }
  }

  /** The whole command line, every subcommand included. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code args}: with only the subcommand they start with, when that is one
   * (other than {@code help}); else with all, for the top-level help and for suggestions.
   */
  static CommandLine commandLine(String... argv) {
    CommandLine cl = new CommandLine(new Main());
    String first = argv.length > 0 ? argv[0] : "";
    if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
      cl.addSubcommand(first, SUBCOMMANDS.get(first));
    } else {
      SUBCOMMANDS.forEach(cl::addSubcommand);
    }
    cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_INTERNAL);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("tokensweep: " + dev.tokensweep.scanner.model.SafeText.terminal(BuiltinDetector.scrub(ex.getMessage())));
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      if (ex instanceof UsageException) {
        c.getErr().println("tokensweep: " + dev.tokensweep.scanner.model.SafeText.terminal(BuiltinDetector.scrub(ex.getMessage())));
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

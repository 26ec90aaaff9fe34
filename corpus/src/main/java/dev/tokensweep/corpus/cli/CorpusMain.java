package dev.tokensweep.corpus.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of tokensweep-corpus.jar. */
@Command(name = "tokensweep-corpus", mixinStandardHelpOptions = true, version = "tokensweep-corpus 0.1.0",
    description = "Generates labelled corpora of leaked (synthetic) secrets and measures a scan's precision and recall.",
    subcommands = {GenerateCommand.class, EvaluateCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:evaluate: --min-precision or --min-recall not met", "2:usage error", "4:internal error"})
public final class CorpusMain {
  private CorpusMain() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new CorpusMain());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? 2 : 4);
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException) {
        c.getErr().println("tokensweep-corpus: " + ex.getMessage());
        return ex instanceof IllegalArgumentException ? 2 : 4;
      }
      c.getErr().println("tokensweep-corpus: internal error: " + ex);
      return 4;
    });
    return cl.execute(args);
  }
}

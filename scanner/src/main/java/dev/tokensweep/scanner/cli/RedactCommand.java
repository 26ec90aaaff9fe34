package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.sanitize.LineRedactor;
import dev.tokensweep.scanner.sanitize.MaskStyle;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokensweep redact}: stdin to stdout, each line redacted as soon as it is complete. */
@Command(name = "redact", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = {"Filter stdin to stdout, replacing secrets line by line.",
        "Each line is written as soon as it is complete, in bounded memory. Example: "
            + "'kubectl logs pod | tokensweep redact > clean.log'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stdin was filtered to its end", "2:usage error",
        "3:stdin was filtered to its end, but an encoded payload in it could not be examined whole (said on stderr)",
        "4:internal error"})
final class RedactCommand implements Callable<Integer> {
  /** Buffer over stdout: redacted lines go out in few writes. */
  private static final int OUTPUT_BUFFER = 1 << 16;

  @Option(names = "--mask", defaultValue = "tag", paramLabel = "STYLE",
      description = "tag ([REDACTED:kind:fingerprint]), same-length (****) or drop (default: ${DEFAULT-VALUE}).")
  String mask;

  @Mixin
  KeyOptions keyOptions;

  @Mixin
  RuleOptions ruleOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    MaskStyle style;
    try {
      style = MaskStyle.of(mask);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    LineRedactor r = new LineRedactor(BuiltinDetector.forRules(ruleOptions.rules()), keyOptions.fingerprinter(), style,
        dev.tokensweep.scanner.model.ScanLimits.DEFAULT_MAX_LINE_BYTES);
    OutputStream out = new BufferedOutputStream(Main.stdout(), OUTPUT_BUFFER);
    r.filter(System.in, out);
    out.flush();
    if (r.unexamined() > 0) {
      dev.tokensweep.scanner.model.Problem p = r.firstUnexamined();
      spec.commandLine().getErr().println("tokensweep: redact: " + r.unexamined() + " encoded payload(s) could not be"
          + " examined whole, so a token in what was not examined passed through; the first: " + p.type().code() + ": "
          + p.message());
      return 3;
    }
    return 0;
  }
}

package dev.tokensweep.scanner.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code -f text|json}, for the commands that list things: the sweep index, the rules. */
public final class TextOrJsonOption {
  @Option(names = {"-f", "--format"}, defaultValue = "text", paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  String format;

  /** True for json, false for text; a usage error otherwise. */
  boolean json() {
    String f = format.toLowerCase(Locale.ROOT);
    if (!f.equals("text") && !f.equals("json")) {
      throw new Main.UsageException("--format: unknown format '" + format + "' (text, json)");
    }
    return f.equals("json");
  }
}

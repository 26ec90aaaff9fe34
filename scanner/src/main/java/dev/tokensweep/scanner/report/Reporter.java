package dev.tokensweep.scanner.report;

import dev.tokensweep.scanner.ScanResult;
import java.io.IOException;
import java.io.OutputStream;

/** Writes a scan result in one format. Does not close {@code out}. */
public interface Reporter {
  void report(ScanResult result, OutputStream out) throws IOException;

  /** The reporter for a {@code --format} name. */
  static Reporter forFormat(String format, boolean color) {
    return switch (format) {
      case "text" -> new TextReporter(color);
      case "json" -> new JsonReporter(false);
      case "jsonl" -> new JsonReporter(true);
      default -> throw new IllegalArgumentException("unknown format '" + format + "' (text, json, jsonl)");
    };
  }
}

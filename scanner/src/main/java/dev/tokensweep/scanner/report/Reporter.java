package dev.tokensweep.scanner.report;

import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Writes a scan result in one format. Does not close {@code out}. */
public interface Reporter {
  void report(ScanResult result, OutputStream out) throws IOException;

  /** The {@code --format} names, in the order help lists them. */
  List<String> FORMATS = List.of("text", "json", "jsonl", "csv", "sarif", "ecs");

  /** The reporter for a {@code --format} name. */
  static Reporter forFormat(String format, boolean color) {
    return forFormat(format, ReportContext.plain().withColor(color));
  }

  /** The reporter for a {@code --format} name, with what the format needs to know about the sweep. */
  static Reporter forFormat(String format, ReportContext context) {
    return switch (format) {
      case "text" -> new TextReporter(context.color(), context.quiet());
      case "json" -> new JsonReporter(false);
      case "jsonl" -> new JsonReporter(true);
      case "csv" -> new CsvReporter();
      case "sarif" -> new SarifReporter(context);
      case "ecs" -> new EcsReporter(context);
      default -> throw new IllegalArgumentException("unknown format '" + format + "' (" + String.join(", ", FORMATS) + ")");
    };
  }
}

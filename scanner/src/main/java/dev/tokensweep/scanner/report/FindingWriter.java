package dev.tokensweep.scanner.report;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes a report one finding at a time, as the scan settles them, for the formats whose records
 * stand alone (JSON lines, CSV, ECS): a scan with millions of findings then writes its report in
 * memory that does not grow with them. What needs the whole scan (JSON lines' problems and
 * summary) comes at {@link #finish}. The output is the same as the {@link Reporter} of the format
 * writes for the same findings in the same order.
 */
public interface FindingWriter {

  /** The formats written as the scan goes. */
  List<String> FORMATS = List.of("jsonl", "csv", "ecs");

  void finding(Finding f) throws IOException;

  /**
   * Ends the report: {@code result} holds the problems and counters, {@code tally} counts every
   * finding written. Flushes, does not close.
   */
  void finish(ScanResult result, FindingTally tally) throws IOException;

  /** Whether {@code format} is written as the scan goes. */
  static boolean streams(String format) {
    return FORMATS.contains(format);
  }

  /** The writer of {@code format} into {@code out}; the format must {@link #streams stream}. */
  static FindingWriter forFormat(String format, ReportContext context, OutputStream out) {
    return switch (format) {
      case "jsonl" -> new JsonReporter.LineWriter(out);
      case "csv" -> new CsvReporter.RowWriter(out);
      case "ecs" -> new EcsReporter.DocumentWriter(new EcsReporter(context), out);
      default -> throw new IllegalArgumentException("format '" + format + "' needs the whole scan; it is not streamed");
    };
  }
}

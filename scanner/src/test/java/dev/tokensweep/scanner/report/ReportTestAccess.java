package dev.tokensweep.scanner.report;

/** Lets tests in other packages reach package-private helpers of the reporters. */
public final class ReportTestAccess {
  private ReportTestAccess() {}

  public static String csvQuote(String s) {
    return CsvReporter.quote(s);
  }
}

package dev.tokensweep.scanner.cli;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.decode.DecodingReader;
import dev.tokensweep.scanner.fleet.Cluster;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.SafeText;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.ScanListener;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.report.EcsDocuments;
import dev.tokensweep.scanner.report.ReportModel;
import dev.tokensweep.scanner.report.Reporter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokensweep scan PATH...}: find secrets and report them redacted. */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = "Scan files, directories or stdin (-) for leaked tokens and report them redacted.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:nothing found",
        "1:findings at or above --fail-on",
        "2:usage error",
        "3:scan incomplete (unreadable inputs, limits hit) and nothing at or above --fail-on found",
        "4:internal error",
        "5:shipping incomplete (--ship: what was not sent waits in the outbox)"})
final class ScanCommand implements Callable<Integer> {

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories to scan; - reads stdin.")
  List<String> paths;

  @Option(names = "--fail-on", defaultValue = "info", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at or above this severity: info, low, medium, high, critical (default: ${DEFAULT-VALUE}).")
  String failOn;

  @Option(names = "--reveal", description = "Print whole secrets. Dangerous: the report then holds live credentials.")
  boolean reveal;

  @Mixin
  KeyOptions keyOptions;

  @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "Scanning threads (default: all cores): files are scanned in parallel, a single large text file in parts.")
  Integer threads;

  @Option(names = "--follow-symlinks", description = "Follow symbolic links while walking directories.")
  boolean followLinks;

  @Option(names = "--decode-depth", paramLabel = "N", description = "Encodings inside each other that are decoded and scanned: base64, URL encoding and rsyslog escapes, 0 to "
      + DecodingReader.MAX_DEPTH + " (default: " + DecodingReader.DEFAULT_DEPTH + "). 0 scans the bytes as they are: faster on large logs, but a secret that is only there encoded is missed.")
  Integer decodeDepth;

  @Option(names = "--now", paramLabel = "INSTANT", description = "Judge token expiry at this time (ISO-8601) instead of now.")
  String now;

  // --max-depth, --max-entries, ... as sanitize takes them
  @Mixin
  LimitOptions limitOptions;

  @Mixin
  RuleOptions ruleOptions;

  // reports, configuration, baselines, ignore files and the sweep index
  @Mixin
  ReportOptions reportOptions;

  @Mixin
  IndexOptions indexOptions;

  // --validate, --only-live and their safety rules
  @Mixin
  ValidateOptions validateOptions;

  @Option(names = "--max-findings", paramLabel = "N",
      description = "Findings a text, json or sarif report (or a scan with --validate, --index or --ship) holds; more are "
          + "counted, not listed, and make the scan incomplete. jsonl, csv and ecs are written as the scan goes and have "
          + "no such bound (default: 100000).")
  Long maxFindings;

  @Option(names = "--ship", paramLabel = "URL",
      description = "Also send every finding and a sweep document to this OpenSearch cluster (see tokensweep ship --help).")
  String shipUrl;

  @Mixin
  ShipOptions shipOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    // at the run's start, not at its first spool: what killed runs left behind goes even when
    // this run needs no spool, and the shutdown hook that deletes this run's is in place
    dev.tokensweep.scanner.expand.Spool.directory();
    PrintWriter err = spec.commandLine().getErr();
    Severity threshold;
    try {
      threshold = Severity.of(failOn);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--fail-on: " + e.getMessage());
    }
    reportOptions.prepare(paths, indexOptions, err);
    validateOptions.check(reveal, reportOptions.output);
    if (reportOptions.output != null) {
      ReportFile.refuseOverInput("-o", reportOptions.output, paths, false);
    }
    boolean color = reportOptions.output == null && System.console() != null && System.getenv("NO_COLOR") == null;
    Instant at;
    try {
      at = now == null ? Instant.now() : Instant.parse(now);
    } catch (DateTimeParseException e) {
      throw new Main.UsageException("--now: not an ISO-8601 instant (like 2026-11-22T10:00:00Z): " + now);
    }
    if (threads != null && threads < 1) {
      throw new Main.UsageException("--threads must be at least 1");
    }
    if (decodeDepth != null && (decodeDepth < 0 || decodeDepth > DecodingReader.MAX_DEPTH)) {
      throw new Main.UsageException("--decode-depth must be 0 to " + DecodingReader.MAX_DEPTH);
    }
    if (reveal) {
      err.println("tokensweep: WARNING: --reveal prints whole secrets; treat this output as a credential store.");
    }
    Cluster cluster = shipUrl == null ? null : shipOptions.prepare(shipUrl, err, reportOptions.quiet);
    Fingerprinter fp = keyOptions.fingerprinter();
    Detector detector;
    try {
      detector = BuiltinDetector.forRules(reportOptions.rules(ruleOptions.rules()));
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    ScanLimits limits = limits();
    Scanner.Options opts = Scanner.Options.defaults().withReveal(reveal).withNow(at).withFollowLinks(followLinks)
        .withLimits(limits);
    if (threads != null) {
      opts = opts.withThreads(threads);
    }
    if (decodeDepth != null) {
      opts = opts.withDecodeDepth(decodeDepth);
    }
    if (maxFindings != null && maxFindings < 1) {
      throw new Main.UsageException("--max-findings must be at least 1");
    }
    ScanResult result;
    ScanListener listener = reportOptions.listener(err, followLinks);
    dev.tokensweep.scanner.respond.SecretCapture capture = validateOptions.capture();
    Scanner scanner = capture == null ? new Scanner(detector, fp, opts) : new Scanner(detector, fp, opts, capture);
    if (cluster == null && reportOptions.streams(indexOptions, capture != null)) {
      return streamed(scanner, listener, detector, at, threshold, err);
    }
    ReportSink sink = new ReportSink(scanner, reportOptions.baseline(), reportOptions.hiddenRules(), null,
        maxFindings != null ? maxFindings : ReportSink.DEFAULT_MAX_FINDINGS);
    try {
      result = sink.result(scanner.scan(paths, System.in, listener, sink), reportOptions.format());
    } finally {
      if (listener instanceof AutoCloseable c) {
        closeQuietly(c);
      }
    }
    try {
      result = reportOptions.finish(result, at, indexOptions, err,
          validateOptions.validation(capture, indexOptions, at, err, scanner::scrub), scanner::unrevealed);
      result = validateOptions.onlyLive(result);
    } catch (SweepIndex.IndexBusyException e) {
      err.println("tokensweep: " + e.getMessage());
      return Main.EXIT_INTERNAL;
    }
    if (cluster != null) {
      reportOptions.sweepId(at);
    }
    writeReport(reportOptions.reporter(color, detector.rules()), result);
    for (Problem p : result.problems()) {
      err.println(problemLine(p));
    }
    // the one-line summary goes to stderr whatever the format, so a pipeline that keeps stdout
    // for the report still sees it; the text report also ends with its own table
    FindingTally tally = sink.tally(result);
    if (!reportOptions.quiet) {
      err.println(summary(result, tally));
    }
    err.flush();
    if (cluster != null && !ship(cluster, at, err)) {
      // the report is written and the findings wait in the outbox; the exit code says the fleet
      // view lacks this sweep, whatever was found
      return Main.EXIT_SHIP_INCOMPLETE;
    }
    return tally.exitCode(threshold, result);
  }

  /**
   * The scan with its report written as it goes (JSON lines, CSV, ECS): each finding is written
   * once the scan has settled it, the summary at the end, so a sweep with millions of findings
   * runs in bounded memory. To a file, the report appears whole when the scan ends, as any other.
   */
  private int streamed(Scanner scanner, ScanListener listener, Detector detector, Instant at, Severity threshold,
      PrintWriter err) throws IOException {
    ScanResult[] result = new ScanResult[1];
    FindingTally[] tally = new FindingTally[1];
    ReportFile.Body body = out -> {
      java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
      dev.tokensweep.scanner.report.FindingWriter writer = reportOptions.findingWriter(detector.rules(), at, buffered);
      ReportSink sink = new ReportSink(scanner, reportOptions.baseline(), reportOptions.hiddenRules(), writer, 0);
      ScanResult scanned;
      try {
        scanned = scanner.scan(paths, System.in, listener, sink);
      } finally {
        if (listener instanceof AutoCloseable c) {
          closeQuietly(c);
        }
      }
      result[0] = sink.result(scanned, reportOptions.format());
      tally[0] = sink.tally(result[0]);
      writer.finish(result[0], tally[0]);
      buffered.flush();
    };
    Path output = reportOptions.output;
    if (output == null) {
      PrintWriter w = spec.commandLine().getOut();
      OutputStream out = new WriterOutputStream(w);
      body.writeTo(out);
      out.flush();
      w.flush();
      refuseLostOutput(w);
    } else {
      ReportFile.write(output, body);
    }
    for (Problem p : result[0].problems()) {
      err.println(problemLine(p));
    }
    if (!reportOptions.quiet) {
      err.println(summary(result[0], tally[0]));
    }
    err.flush();
    return tally[0].exitCode(threshold, result[0]);
  }

  /** Ships the sweep as recorded (every finding, not only the new ones) and its sweep document. */
  private boolean ship(Cluster cluster, Instant at, PrintWriter err) throws IOException {
    ScanResult recorded = reportOptions.recorded();
    // to the second, as the sweep index records it, so ship --from-index later sends the same documents
    EcsDocuments.Origin origin = new EcsDocuments.Origin(reportOptions.hostName(), reportOptions.sweepId(at),
        at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    return shipOptions.run(cluster, err, reportOptions.quiet, shipper -> {
      for (Finding f : recorded.findings()) {
        shipper.add(EcsDocuments.finding(ReportModel.finding(f), origin, false));
      }
      shipper.addSweep(EcsDocuments.sweep(ReportModel.summary(recorded), origin));
    }, null);
  }

  /** Defaults, then the configuration file, then the command line. */
  private ScanLimits limits() {
    return limitOptions.limits(reportOptions.limits(ScanLimits.defaults()));
  }

  /** A byte size like {@code 4096}, {@code 16M}, {@code 64GiB} (binary units, case-insensitive). */
  static long parseSize(String s) {
    String t = s.strip().toUpperCase(Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    int shift = 0;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        case 'T' -> shift = 40;
        default -> shift = 0;
      }
    }
    if (shift > 0) {
      t = t.substring(0, t.length() - 1);
    }
    long v = Long.parseLong(t.strip());
    if (v < 0 || (shift > 0 && v > (Long.MAX_VALUE >> shift))) {
      throw new NumberFormatException("out of range");
    }
    return v << shift;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // a progress line that cannot be cleared is not worth failing the scan for
    }
  }

  private void writeReport(Reporter reporter, ScanResult result) throws IOException {
    Path output = reportOptions.output;
    if (output == null) {
      PrintWriter w = spec.commandLine().getOut();
      OutputStream out = new WriterOutputStream(w);
      reporter.report(result, out);
      out.flush();
      w.flush();
      refuseLostOutput(w);
      return;
    }
    ReportFile.write(output, out -> reporter.report(result, out));
  }

  /** A report that standard output did not take (a full disk, a closed pipe): said, not lost in silence. */
  private static void refuseLostOutput(PrintWriter w) {
    if (w.checkError()) {
      throw new Main.UsageException("cannot write the report to standard output");
    }
  }

  /** The stderr line about a scan's problem: what became of its data ({@link Problem.Type#outcome}), then the problem. */
  static String problemLine(Problem p) {
    return "tokensweep: " + p.type().outcome() + ": " + SafeText.terminal(p.toString());
  }

  static String summary(ScanResult r) {
    return summary(r, FindingTally.of(r.findings()));
  }

  /** The one-line summary of {@code r}, with the finding counts of {@code tally} (not all held in a streamed scan). */
  static String summary(ScanResult r, FindingTally tally) {
    StringBuilder b = new StringBuilder("tokensweep: scanned ");
    b.append(r.files()).append(r.files() == 1 ? " file" : " files");
    if (r.leaves() != r.files()) {
      b.append(" (").append(r.leaves()).append(" leaves)");
    }
    b.append(", ").append(humanBytes(r.bytes())).append(String.format(Locale.ROOT, " in %.2f s", r.seconds()));
    b.append(": ").append(tally.total()).append(tally.total() == 1 ? " finding" : " findings");
    if (tally.total() > 0) {
      StringJoiner j = new StringJoiner(", ", " (", ")");
      for (Map.Entry<Kind, Long> e : tally.byKind().entrySet()) {
        j.add(e.getValue() + " " + e.getKey().id());
      }
      b.append(j);
    }
    Map<String, Long> validated = new java.util.TreeMap<>();
    r.findings().stream().filter(f -> f.validation() != null)
        .forEach(f -> validated.merge(f.validation().status(), 1L, Long::sum));
    if (!validated.isEmpty()) {
      StringJoiner j = new StringJoiner(", ", "; validated: ", "");
      for (String st : List.of("live", "invalid", "unknown")) {
        if (validated.containsKey(st)) {
          j.add(validated.get(st) + " " + st);
        }
      }
      b.append(j);
    }
    if (!r.problems().isEmpty()) {
      b.append("; ").append(r.problems().size()).append(r.problems().size() == 1 ? " problem" : " problems")
          .append(" (incomplete)");
    }
    if (!r.suppressed().isEmpty()) {
      StringJoiner j = new StringJoiner(", ", "; suppressed: ", "");
      for (Map.Entry<String, Long> e : r.suppressed().entrySet()) {
        j.add(e.getValue() + " " + e.getKey() + (e.getKey().equals(dev.tokensweep.scanner.model.Suppression.IGNORE_FILE) ? " files" : ""));
      }
      b.append(j);
    }
    return b.toString();
  }

  static String humanBytes(long n) {
    return ReportModel.humanBytes(n);
  }
}

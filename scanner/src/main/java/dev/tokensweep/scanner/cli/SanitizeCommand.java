package dev.tokensweep.scanner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.SafeText;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.config.Config;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.report.ReportModel;
import dev.tokensweep.scanner.sanitize.MaskStyle;
import dev.tokensweep.scanner.sanitize.PathSanitizer;
import dev.tokensweep.scanner.sanitize.Sanitizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokensweep sanitize INPUT -o OUTPUT}: a redacted copy that keeps its form. */
@Command(name = "sanitize", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = {"Write a redacted copy of a file, directory or archive.",
        "The copy keeps the format, entries and metadata and is byte-identical except for the secrets. The input is "
            + "never written to. The copy is scanned again to verify it."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the copy is clean",
        "1:findings at or above --fail-on remain in the copy",
        "2:usage error",
        "3:part of the input could not be read or written, and the copy is otherwise clean",
        "4:internal error"})
final class SanitizeCommand implements Callable<Integer> {

  @Parameters(paramLabel = "INPUT", description = "File or directory to sanitize.")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT", description = "Where to write the copy (must not exist, unless --force).")
  Path output;

  @Option(names = "--mask", defaultValue = "tag", paramLabel = "STYLE",
      description = "tag ([REDACTED:kind:fingerprint]), same-length (****) or drop (default: ${DEFAULT-VALUE}).")
  String mask;

  @Option(names = "--jwt-keep-claims", description = "For JWTs, keep header and claims and replace only the signature.")
  boolean jwtKeepClaims;

  @Option(names = "--binary", defaultValue = "mask", paramLabel = "POLICY",
      description = "Binary files: mask (same-length, in place), skip (copy as is) or drop (default: ${DEFAULT-VALUE}).")
  String binary;

  @Option(names = "--report", paramLabel = "FILE", description = "Write what was redacted (locations, rules, fingerprints; never values) as JSON.")
  Path report;

  @Option(names = "--fail-on", defaultValue = "info", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding at or above this severity remains in the copy: info, low, medium, high, "
          + "critical (default: ${DEFAULT-VALUE}).")
  String failOn;

  @Option(names = "--force", description = "Replace OUTPUT if it exists.")
  boolean force;

  @Mixin
  KeyOptions keyOptions;

  @Mixin
  RuleOptions ruleOptions;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: tokensweep.yaml in the input directory, if any), as for scan.")
  Path configFile;

  @Option(names = "--no-root-config",
      description = "Ignore tokensweep.yaml found in the input directory (for input you do not trust).")
  boolean noRootConfig;

  @Mixin
  LimitOptions limitOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    // at the run's start, not at its first spool: what killed runs left behind goes even when
    // this run needs no spool, and the shutdown hook that deletes this run's is in place
    dev.tokensweep.scanner.expand.Spool.directory();
    PrintWriter err = spec.commandLine().getErr();
    MaskStyle style;
    Sanitizer.BinaryPolicy policy;
    Severity threshold;
    try {
      style = MaskStyle.of(mask);
      policy = Sanitizer.BinaryPolicy.valueOf(binary.toUpperCase(Locale.ROOT));
      threshold = Severity.of(failOn);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    if (report != null) {
      // the report goes neither into the input nor into the copy (which the verification scans)
      ReportFile.refuseOverInput("--report", report, List.of(input.toString(), output.toString()), true);
    }
    Fingerprinter fp = keyOptions.fingerprinter();
    Config config = config(err);
    Detector detector;
    try {
      // a tokensweep.yaml of the input directory is input: the rules it disables still redact
      detector = BuiltinDetector.forRules(config.rules(ruleOptions.rules(), configFromInput));
    } catch (Config.ConfigException e) {
      throw new Main.UsageException("bad configuration: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    // a tokensweep.yaml from the input may only lower the limits, as in scan
    ScanLimits limits = limitOptions.limits(config.limits(ScanLimits.defaults(), configFile == null));
    Scanner scanner = new Scanner(detector, fp, Scanner.Options.defaults().withThreads(1).withLimits(limits));
    Sanitizer.Options d = Sanitizer.Options.defaults();
    Sanitizer sanitizer = Sanitizer.of(scanner, fp, new Sanitizer.Options(style, jwtKeepClaims, policy, d.spoolCap(), d.chunkBytes()));
    PathSanitizer.Result result;
    try {
      result = new PathSanitizer(sanitizer, limits).sanitize(input, output, force);
    } catch (PathSanitizer.RefusedException e) {
      throw new Main.UsageException(e.getMessage());
    }
    if (!result.written()) {
      // nothing left to write (a special file, a limit or damage that left the whole input out): no
      // output is created, and the problems say why
      if (report != null) {
        writeReport(result, List.of());
      }
      for (Problem p : result.problems()) {
        err.println("tokensweep: not sanitized: " + SafeText.terminal(scanner.scrub(p.toString())));
      }
      err.println("tokensweep: nothing could be written; " + SafeText.terminal(output.toString()) + " not created");
      err.flush();
      return Main.EXIT_INCOMPLETE;
    }
    // verify: re-scan the copy
    ScanResult verify = new Scanner(detector, fp, Scanner.Options.defaults().withLimits(limits))
        .scan(List.of(output.toString()), null);
    List<Finding> remaining = new ArrayList<>();
    for (Finding f : verify.findings()) {
      if (f.evidence().severity().atLeast(threshold)) {
        remaining.add(f);
      }
    }
    long secrets = 0;
    long replaced = 0;
    int files = 0;
    for (Sanitizer.LeafReport r : result.leaves()) {
      files += r.name() ? 0 : 1;
      replaced += r.replacements();
      for (List<String> l : r.fingerprintsByRule().values()) {
        secrets += l.size();
      }
    }
    if (report != null) {
      writeReport(result, remaining);
    }
    for (Problem p : result.problems()) {
      // an unsafe member name is kept byte for byte (the copy is never extracted by us): a note, not a loss
      String what = p.type() == Problem.Type.UNSAFE_NAME ? "note" : "not sanitized";
      err.println("tokensweep: " + what + ": " + SafeText.terminal(scanner.scrub(p.toString())));
    }
    for (Finding f : remaining) {
      err.println("tokensweep: still in the copy: " + SafeText.terminal(f.location().shortForm() + " "
          + f.evidence().ruleId() + " " + f.evidence().preview()));
    }
    err.printf(Locale.ROOT, "tokensweep: sanitized %d files into %s: %d secrets, %d occurrences replaced; verification %s%n",
        files, SafeText.terminal(output.toString()), secrets, replaced, remaining.isEmpty() ? "clean" : "FAILED (" + remaining.size() + " remain)");
    err.flush();
    if (!remaining.isEmpty()) {
      return Main.EXIT_FINDINGS;
    }
    return result.problems().isEmpty() ? 0 : Main.EXIT_INCOMPLETE;
  }

  /**
   * {@code --config}, else the input directory's {@code tokensweep.yaml} unless
   * {@code --no-root-config}, as scan finds it; a file taken from the input is announced.
   */
  /** Whether the configuration is the input directory's own tokensweep.yaml. */
  private boolean configFromInput;

  private Config config(PrintWriter err) {
    Path cfg = configFile;
    if (cfg == null && !noRootConfig && Files.isDirectory(input) && Files.isRegularFile(input.resolve(Config.FILE_NAME))) {
      cfg = input.resolve(Config.FILE_NAME);
      configFromInput = true;
      err.println("tokensweep: using " + SafeText.terminal(BuiltinDetector.scrubPath(cfg.toString()))
          + " from the input directory (--no-root-config ignores it)");
    }
    if (cfg == null) {
      return Config.NONE;
    }
    try {
      return Config.load(cfg);
    } catch (IOException e) {
      throw new Main.UsageException(ReportOptions.cannotRead("--config " + cfg, e));
    } catch (Config.ConfigException e) {
      throw new Main.UsageException("bad configuration: " + e.getMessage());
    }
  }

  private void writeReport(PathSanitizer.Result result, List<Finding> remaining) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("version", ReportModel.VERSION);
    doc.put("input", input.toString());
    doc.put("output", output.toString());
    List<Object> files = new ArrayList<>();
    for (Sanitizer.LeafReport r : result.leaves()) {
      if (r.fingerprintsByRule().isEmpty() && !r.dropped()) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", BuiltinDetector.scrub(r.path()));
      if (r.name()) {
        m.put("renamed", true);
      }
      m.put("binary", r.binary());
      m.put("dropped", r.dropped());
      m.put("replacements", r.replacements());
      Map<String, Object> rules = new LinkedHashMap<>();
      r.fingerprintsByRule().forEach((rule, fps) -> rules.put(rule, Map.of("secrets", fps.size(), "fingerprints", fps)));
      m.put("rules", rules);
      files.add(m);
    }
    doc.put("files", files);
    List<Object> problems = new ArrayList<>();
    result.problems().forEach(p -> problems.add(ReportModel.problem(new Problem(BuiltinDetector.scrub(p.location()), p.type(),
        BuiltinDetector.scrub(p.message())))));
    doc.put("problems", problems);
    List<Object> rem = new ArrayList<>();
    remaining.forEach(f -> rem.add(ReportModel.finding(f)));
    doc.put("remaining", rem);
    ReportFile.write(report, out -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, doc));
  }
}

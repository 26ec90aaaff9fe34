package dev.tokensweep.scanner.cli;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.SafeText;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.pipeline.ScanListener;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Suppression;
import dev.tokensweep.scanner.config.Config;
import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.report.ReportContext;
import dev.tokensweep.scanner.report.Reporter;
import dev.tokensweep.scanner.suppress.Baseline;
import dev.tokensweep.scanner.suppress.IgnoreRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What {@code scan} reports and how: format and destination, progress, the configuration file,
 * baselines and ignore files, and recording into the sweep index. Call {@link #prepare} before the
 * scan (usage errors come out before any work), then {@link #listener}, {@link #finish} and
 * {@link #reporter}.
 */
final class ReportOptions {

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
      description = "text, json, jsonl, csv, sarif or ecs (default: text, or format: in tokensweep.yaml).")
  String format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report here instead of stdout.")
  Path output;

  @Option(names = {"-q", "--quiet"},
      description = "For cron: no summary and no progress. The notice that a tokensweep.yaml or .tokensweepignore in a "
          + "scanned directory is in use still goes to stderr.")
  boolean quiet;

  @Option(names = "--progress", negatable = true,
      description = "Show a progress line on stderr: bytes, total, percentage, rate, time left, findings, current "
          + "file (default: only when stderr is a terminal and -q is not given).")
  Boolean progress;

  @Option(names = "--report-root", paramLabel = "DIR",
      description = "SARIF paths are relative to this (default: the scanned directory when there is one, else the current one).")
  Path reportRoot;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: tokensweep.yaml in the scanned directory, if any).")
  Path configFile;

  @Option(names = "--baseline", paramLabel = "FILE",
      description = "An earlier JSON report of ours: findings with a rule and fingerprint it holds are not reported.")
  Path baselineFile;

  @Option(names = "--ignore-file", paramLabel = "FILE",
      description = "Paths to skip, gitignore syntax, matched relative to each scanned directory (default: its .tokensweepignore).")
  List<Path> ignoreFiles = new ArrayList<>();

  @Option(names = "--no-root-config",
      description = "Ignore tokensweep.yaml and .tokensweepignore found in scanned directories (for input you do not trust).")
  boolean noRootConfig;

  @Option(names = "--host", paramLabel = "NAME", description = "Host name recorded in the index and ECS output (default: this host's name).")
  String host;

  @Option(names = "--new-since", paramLabel = "last",
      description = "With --index: report only findings the previous sweep of this host did not have.")
  String newSince;

  private Config config = Config.NONE;
  /** Whether the configuration was found in the scanned tree rather than named with --config. */
  private boolean configFromTree;
  private Map<Path, IgnoreRules> ignoreByRoot = new LinkedHashMap<>();
  /**
   * Whether any scanned directory has an ignore rule: without one, no file is tested (the path
   * made absolute, relative to its root, and spelled out cost the walk ~2 us a file, ~40 ms of
   * the main thread's ~400 on 20,000 small files).
   */
  private boolean anyIgnoreRules;
  private Baseline baseline;
  private String resolvedFormat;
  private String sweepId;
  private Instant sweepTime;
  private Path root;
  private ScanResult recorded;
  private final List<Path> scanRoots = new ArrayList<>();
  private List<String> inputs = List.of();

  /** Loads the configuration, ignore files and baseline and checks the options; throws usage errors. */
  void prepare(List<String> paths, IndexOptions index, PrintWriter err) {
    inputs = List.copyOf(paths);
    List<Path> dirs = new ArrayList<>();
    for (String p : paths) {
      if (!p.equals("-") && Files.isDirectory(Path.of(p))) {
        dirs.add(Path.of(p).toAbsolutePath().normalize());
      }
      if (!p.equals("-")) {
        Path abs = Path.of(p).toAbsolutePath().normalize();
        Path dir = Files.isDirectory(abs) || abs.getParent() == null ? abs : abs.getParent();
        scanRoots.add(dir);
      }
    }
    Path cfg = configFile;
    // files found in the scanned tree that change what is scanned: always announced, -q or not,
    // so a planted .tokensweepignore holding * cannot silently turn a sweep into "0 findings"
    List<Path> fromTree = new ArrayList<>();
    if (cfg == null && !noRootConfig) {
      for (Path d : dirs) {
        if (Files.isRegularFile(d.resolve(Config.FILE_NAME))) {
          cfg = d.resolve(Config.FILE_NAME);
          fromTree.add(cfg);
          configFromTree = true;
          break;
        }
      }
    }
    if (cfg != null) {
      try {
        config = Config.load(cfg);
      } catch (IOException e) {
        throw new Main.UsageException(cannotRead("--config " + cfg, e));
      } catch (Config.ConfigException e) {
        throw new Main.UsageException("bad configuration: " + e.getMessage());
      }
    }
    resolvedFormat = (format != null ? format : config.format() != null ? config.format() : "text").toLowerCase(Locale.ROOT);
    if (!Reporter.FORMATS.contains(resolvedFormat)) {
      throw new Main.UsageException("--format: unknown format '" + resolvedFormat + "' (" + String.join(", ", Reporter.FORMATS) + ")");
    }
    IgnoreRules given = config.ignore();
    for (Path f : ignoreFiles) {
      try {
        given = given.and(IgnoreRules.load(f));
      } catch (IOException e) {
        throw new Main.UsageException(cannotRead("--ignore-file " + f, e));
      } catch (IgnoreRules.BadPatternException e) {
        throw new Main.UsageException("bad --ignore-file: " + e.getMessage());
      }
    }
    for (Path d : dirs) {
      IgnoreRules rules = IgnoreRules.EMPTY;
      Path own = d.resolve(IgnoreRules.FILE_NAME);
      if (!noRootConfig && ignoreFiles.isEmpty() && Files.isRegularFile(own)) {
        try {
          rules = IgnoreRules.load(own);
          fromTree.add(own);
        } catch (IOException e) {
          throw new Main.UsageException(cannotRead(own.toString(), e));
        } catch (IgnoreRules.BadPatternException e) {
          throw new Main.UsageException("bad ignore file: " + e.getMessage()
              + " (--no-root-config ignores it)");
        }
      }
      ignoreByRoot.put(d, given.and(rules));
    }
    anyIgnoreRules = ignoreByRoot.values().stream().anyMatch(r -> !r.isEmpty());
    if (!fromTree.isEmpty()) {
      StringBuilder b = new StringBuilder("tokensweep: using ");
      for (int i = 0; i < fromTree.size(); i++) {
        b.append(i > 0 ? ", " : "").append(SafeText.terminal(BuiltinDetector.scrubPath(fromTree.get(i).toString())));
      }
      err.println(b.append(" from the scanned directory (--no-root-config ignores ")
          .append(fromTree.size() == 1 ? "it)" : "them)"));
    }
    if (baselineFile != null) {
      try {
        baseline = Baseline.load(baselineFile);
      } catch (IOException e) {
        throw new Main.UsageException(cannotRead("--baseline " + baselineFile, e));
      } catch (Baseline.BadBaselineException e) {
        throw new Main.UsageException("--baseline: " + e.getMessage());
      }
    }
    if (newSince != null) {
      if (!newSince.equals("last")) {
        throw new Main.UsageException("--new-since: only 'last' is supported (the previous sweep of this host)");
      }
      if (index.index == null) {
        throw new Main.UsageException("--new-since needs --index DIR (the index remembers earlier sweeps)");
      }
    }
    if (reportRoot != null) {
      root = reportRoot;
    } else if (dirs.size() == 1 && paths.size() == 1) {
      root = dirs.get(0);
    } else {
      root = Path.of("").toAbsolutePath();
    }
  }

  /** One line for a file the run needed and could not read: our own reason, or the kind of I/O failure. */
  static String cannotRead(String what, IOException e) {
    return e instanceof dev.tokensweep.scanner.config.SmallFiles.RefusedException ? e.getMessage()
        : "cannot read " + what + ": " + dev.tokensweep.scanner.source.FileWalker.describe(e);
  }

  /**
   * {@code --host}, else this machine's name, looked up on first use: only the index and ECS
   * reports need it, and where name resolution is slow the lookup alone takes seconds.
   */
  private String host() {
    if (host == null) {
      host = defaultHost();
    }
    return host;
  }

  String format() {
    return resolvedFormat;
  }

  /** The rules after the configuration file added, disabled and re-rated. */
  List<Rule> rules(List<Rule> base) {
    try {
      return config.rules(base, configFromTree);
    } catch (Config.ConfigException e) {
      throw new Main.UsageException("bad configuration: " + e.getMessage());
    }
  }

  /** The rules whose findings the scan leaves out and counts: those a tokensweep.yaml from the scanned tree disables. */
  java.util.Set<String> hiddenRules() {
    return configFromTree ? config.disabled() : java.util.Set.of();
  }

  /** The limits with the configuration's in place; a root tokensweep.yaml may only lower them. */
  ScanLimits limits(ScanLimits defaults) {
    return config.limits(defaults, configFromTree);
  }

  /** {@code --progress} or {@code --no-progress} when given, else on when stderr is a terminal; never with {@code -q}. */
  boolean showProgress() {
    if (quiet) {
      return false;
    }
    if (progress != null) {
      return progress;
    }
    String term = System.getenv("TERM");
    return ProgressPrinter.stderrIsTerminal() && (term == null || !term.equals("dumb"));
  }

  /**
   * The listener for the scan: ignore files, and progress when it is on (its total walked as the
   * scan walks, links inside followed when {@code followLinks}). Close it when the scan ends.
   */
  ScanListener listener(PrintWriter err, boolean followLinks) {
    ScanListener ignore = new ScanListener() {
      @Override
      public boolean include(Path file) {
        if (!anyIgnoreRules) {
          return true; // no rules: no file is ignored
        }
        Path abs = file.toAbsolutePath().normalize();
        for (Map.Entry<Path, IgnoreRules> e : ignoreByRoot.entrySet()) {
          if (abs.startsWith(e.getKey()) && !abs.equals(e.getKey())) {
            StringBuilder rel = new StringBuilder();
            for (Path part : e.getKey().relativize(abs)) {
              if (rel.length() > 0) {
                rel.append('/');
              }
              rel.append(part);
            }
            return !e.getValue().ignored(rel.toString());
          }
        }
        return true;
      }
    };
    return showProgress() ? new ProgressPrinter(err, ignore, inputs, followLinks) : ignore;
  }

  /** Applies the baseline, records the sweep in the index and keeps only new findings if asked. */
  ScanResult finish(ScanResult result, Instant at, IndexOptions indexOptions, PrintWriter err) throws IOException {
    return finish(result, at, indexOptions, err, java.util.function.UnaryOperator.identity(),
        java.util.function.UnaryOperator.identity());
  }

  /**
   * As {@link #finish(ScanResult, Instant, IndexOptions, PrintWriter)}, with {@code beforeIndex}
   * run after the baseline and before the sweep is recorded ({@code --validate}, so the index
   * records the providers' answers and no request is made for a baselined finding), and
   * {@code unrevealed} making what is recorded and shipped hold no secret under {@code --reveal}
   * ({@link dev.tokensweep.scanner.pipeline.Scanner#unrevealed}): the index is a file that
   * {@code search} prints without {@code --reveal}.
   */
  ScanResult finish(ScanResult result, Instant at, IndexOptions indexOptions, PrintWriter err,
      java.util.function.UnaryOperator<ScanResult> beforeIndex, java.util.function.UnaryOperator<ScanResult> unrevealed)
      throws IOException {
    if (baseline != null) {
      result = baseline.apply(result);
    }
    result = beforeIndex.apply(result);
    sweepTime = at;
    recorded = unrevealed.apply(result);
    if (indexOptions.index != null) {
      SweepIndex index = indexOptions.open();
      sweepId = SweepIndex.newSweepId(at);
      SweepIndex.Recorded rec = index.record(sweepId, host(), at, recorded);
      notice(err, "recorded sweep " + sweepId + " of " + rec.sweep().host() + " in " + index.dir()
          + (rec.previous() == null ? " (its first sweep)" : " (previous: " + rec.previous().id() + ")"));
      if ("last".equals(newSince)) {
        List<Finding> kept = new ArrayList<>();
        for (Finding f : result.findings()) {
          if (!rec.previousKeys().contains(SweepIndex.key(f))) {
            kept.add(f);
          }
        }
        result = result.filtered(kept, Suppression.NEW_SINCE, result.findings().size() - kept.size());
      }
    }
    return result;
  }

  /** The result as the sweep recorded it: after the baseline, before {@code --new-since} (what {@code --ship} sends). */
  ScanResult recorded() {
    return recorded;
  }

  /** The sweep's id: the index's when the sweep was recorded, else a fresh one (shipping needs one). */
  String sweepId(Instant at) {
    if (sweepId == null) {
      sweepId = SweepIndex.newSweepId(at);
    }
    return sweepId;
  }

  /** {@code --host}, else this machine's name. */
  String hostName() {
    return host();
  }

  Reporter reporter(boolean color, List<Rule> rules) {
    return Reporter.forFormat(resolvedFormat, context(color, rules));
  }

  private ReportContext context(boolean color, List<Rule> rules) {
    // only ECS reports the host; the other formats get --host or null rather than a lookup
    return new ReportContext(color, quiet, "ecs".equals(resolvedFormat) ? host() : host,
        sweepTime == null ? Instant.now() : sweepTime, sweepId, root, rules, scanRoots);
  }

  /**
   * Whether the report is written as the scan goes: a format whose records stand alone, and
   * nothing that needs the whole set first ({@code --validate}, {@code --index}; the caller adds
   * {@code --ship}).
   */
  boolean streams(IndexOptions index, boolean validating) {
    return dev.tokensweep.scanner.report.FindingWriter.streams(resolvedFormat) && index.index == null && !validating;
  }

  /** The writer of a streamed report of the sweep made {@code at}, into {@code out}. */
  dev.tokensweep.scanner.report.FindingWriter findingWriter(List<Rule> rules, Instant at, java.io.OutputStream out) {
    sweepTime = at;
    return dev.tokensweep.scanner.report.FindingWriter.forFormat(resolvedFormat, context(false, rules), out);
  }

  /** The {@code --baseline}, or null. */
  Baseline baseline() {
    return baseline;
  }

  private void notice(PrintWriter err, String message) {
    if (!quiet) {
      err.println("tokensweep: " + SafeText.terminal(message));
    }
  }

  static String defaultHost() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      if (h != null && !h.isBlank()) {
        return h;
      }
    } catch (IOException e) {
      // fall through to the environment
    }
    String env = System.getenv("HOSTNAME");
    return env != null && !env.isBlank() ? env : "localhost";
  }
}

package dev.tokensweep.corpus.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.corpus.Capabilities;
import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.Label;
import dev.tokensweep.corpus.Labels;
import dev.tokensweep.corpus.eval.Evaluation;
import dev.tokensweep.corpus.eval.Evaluator;
import dev.tokensweep.corpus.eval.ReportedFinding;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: precision and recall of a report against labels. */
@Command(name = "evaluate", sortOptions = false,
    description = {"Match a tokensweep report (scan --format json or jsonl, default fingerprint key) to a corpus's labels",
        "and print precision and recall overall, per kind and per source type, with the missed and spurious findings",
        "(redacted: location, rule, fingerprint prefix)."})
final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--labels", required = true, paramLabel = "FILE", description = "The corpus's labels.jsonl.")
  Path labels;

  @Option(names = "--findings", required = true, paramLabel = "FILE", description = "The report: scan --format json or --format jsonl.")
  Path findings;

  @Option(names = {"-f", "--format"}, defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--root", paramLabel = "DIR", description = "The path the corpus was scanned as; by default paths are matched by suffix.")
  String root;

  @Option(names = "--capabilities", defaultValue = "all", paramLabel = "LIST",
      description = {"Which labels count: all (default), detect (probe the built-in scanner and skip labels it cannot reach),",
          "or a comma-separated list of capability ids (" + "gzip,tar.gz,zip,github,...)."})
  String capabilities;

  @Option(names = "--min-precision", paramLabel = "P", description = "Exit 1 when overall precision is below this.")
  Double minPrecision;

  @Option(names = "--min-recall", paramLabel = "R", description = "Exit 1 when overall recall is below this.")
  Double minRecall;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException("--format: expected text or json, not '" + format + "'");
    }
    List<Label> ls = Labels.read(labels);
    List<ReportedFinding> fs = ReportedFinding.read(findings);
    Set<Capability> caps = capabilities();
    Evaluation e = new Evaluator(caps, root).evaluate(ls, fs);
    PrintWriter out = spec.commandLine().getOut();
    if (format.equals("json")) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(e.toJson()));
      out.flush();
    } else {
      e.printText(out);
    }
    if (!fs.isEmpty() && e.overall().truePositives == 0 && e.overall().labels > 0) {
      spec.commandLine().getErr().println("tokensweep-corpus: no finding matched any label; was the scan run with a custom"
          + " fingerprint key? Labels use the default key.");
    }
    boolean fail = (minPrecision != null && e.overall().precision() < minPrecision)
        || (minRecall != null && e.overall().recall() < minRecall);
    return fail ? 1 : 0;
  }

  private Set<Capability> capabilities() throws Exception {
    String c = capabilities.strip().toLowerCase(Locale.ROOT);
    if (c.equals("all")) {
      return null;
    }
    if (c.equals("detect")) {
      Scanner scanner = new Scanner(Detector.of(Rules.builtin()), Fingerprinter.withDefaultKey(),
          Scanner.Options.defaults());
      Path tmp = Files.createTempDirectory("tokensweep-probes");
      try {
        Set<Capability> have = Capabilities.detect(scanner, tmp);
        spec.commandLine().getErr().println("tokensweep-corpus: the built-in scanner has: " + have);
        return have;
      } finally {
        try (var walk = Files.walk(tmp)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    Set<Capability> set = EnumSet.noneOf(Capability.class);
    for (String id : c.split(",")) {
      if (!id.isBlank()) {
        set.add(Capability.of(id.strip()));
      }
    }
    return set;
  }
}

package dev.tokensweep.corpus.cli;

import dev.tokensweep.corpus.gen.Generator;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code generate}: writes a corpus and its labels. */
@Command(name = "generate", sortOptions = false,
    description = {"Write a labelled corpus. The same seed and options give the same bytes.",
        "Labels go to DIR/labels.jsonl unless --labels says otherwise."})
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--size", defaultValue = "20MB", paramLabel = "SIZE",
      description = "Total size: bytes, or with KB, MB, GB (powers of 1024) (default: ${DEFAULT-VALUE}). Ignored by the samples profile.")
  String size;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into.")
  Path out;

  @Option(names = "--labels", paramLabel = "FILE", description = "Where to write the labels (default: DIR/labels.jsonl).")
  Path labels;

  @Option(names = "--profile", defaultValue = "full", description = "full, logs (bulk log files only, for benchmarks), samples, or dense (DIR/dense.log: one bearer "
          + "token a line, --lines of them, for a scan with more findings than memory holds) (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--files", defaultValue = "1", paramLabel = "N", description = "logs profile: number of files (default: ${DEFAULT-VALUE}).")
  int files;

  @Option(names = "--json", description = "logs profile: JSON lines instead of plain text.")
  boolean json;

  @Option(names = "--token-every", defaultValue = "1MB", paramLabel = "SIZE",
      description = "Mean bulk-log bytes per planted secret; 0 plants none (default: ${DEFAULT-VALUE}).")
  String tokenEvery;

  @Option(names = "--requests",
      description = "logs profile: gateway request lines, with token, auth, session, refresh and scope on most lines.")
  boolean requests;

  @Option(names = "--token-pool", defaultValue = "0", paramLabel = "N",
      description = "logs profile: plant tokens drawn from N fixed ones, as a gateway log repeats one; 0 plants fresh ones (default: ${DEFAULT-VALUE}).")
  int tokenPool;

  @Option(names = "--lines", defaultValue = "1000000", paramLabel = "N",
      description = "dense profile: lines, each one finding (default: ${DEFAULT-VALUE}, about 90 MB).")
  long lines;

  @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "Threads (default: all cores).")
  Integer threads;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (profile.equalsIgnoreCase("dense")) {
      java.nio.file.Files.createDirectories(out);
      long start = System.nanoTime();
      long bytes = dev.tokensweep.corpus.gen.DenseLog.write(out.resolve("dense.log"), lines, seed);
      spec.commandLine().getErr().printf(Locale.ROOT, "tokensweep-corpus: wrote %s, %d lines, %.1f MB in %.1f s%n",
          out.resolve("dense.log"), lines, bytes / 1048576.0, (System.nanoTime() - start) / 1e9);
      return 0;
    }
    Generator.Profile p;
    try {
      p = Generator.Profile.valueOf(profile.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--profile: expected full, logs or samples, not '" + profile + "'");
    }
    if (files < 1) {
      throw new IllegalArgumentException("--files must be at least 1");
    }
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (tokenPool < 0) {
      throw new IllegalArgumentException("--token-pool must be 0 or more");
    }
    Generator.Options o = new Generator.Options(seed, parseSize(size, "--size"), p, files, t, parseSize(tokenEvery, "--token-every"),
        json, requests, tokenPool);
    long start = System.nanoTime();
    Path labelsFile = labels != null ? labels : out.resolve("labels.jsonl");
    Generator.Summary s = new Generator(o).generate(out, labelsFile);
    double secs = (System.nanoTime() - start) / 1e9;
    spec.commandLine().getErr().printf(Locale.ROOT, "tokensweep-corpus: wrote %d files, %.1f MB, %d labels in %.1f s (%.0f MB/s); labels: %s%n",
        s.files(), s.bytes() / 1048576.0, s.labels().size(), secs, s.bytes() / 1048576.0 / secs, labelsFile);
    return 0;
  }

  /** {@code 123}, {@code 64KB}, {@code 200MB}, {@code 1GB} (powers of 1024; a trailing B and case are optional). */
  static long parseSize(String s, String option) {
    String v = s.strip().toUpperCase(Locale.ROOT);
    if (v.endsWith("B") && v.length() > 1 && !Character.isDigit(v.charAt(v.length() - 2))) {
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("B")) {
      v = v.substring(0, v.length() - 1);
    }
    long mult = 1;
    if (v.endsWith("K")) {
      mult = 1L << 10;
    } else if (v.endsWith("M")) {
      mult = 1L << 20;
    } else if (v.endsWith("G")) {
      mult = 1L << 30;
    }
    if (mult > 1) {
      v = v.substring(0, v.length() - 1);
    }
    try {
      double d = Double.parseDouble(v.strip());
      if (d < 0) {
        throw new NumberFormatException();
      }
      return (long) (d * mult);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a size: '" + s + "' (try 200MB or 1GB)");
    }
  }
}

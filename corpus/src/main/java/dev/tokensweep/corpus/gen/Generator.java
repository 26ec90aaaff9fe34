package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Label;
import dev.tokensweep.corpus.Labels;
import dev.tokensweep.corpus.SourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a corpus and its labels. Output is a function of the seed and the options only: every
 * unit of work (a host, a bulk log file) has its own seed, and labels are numbered in unit order
 * whatever the thread scheduling.
 */
public final class Generator {

  /** What to write. */
  public enum Profile {
    /** Endpoints, logs, telemetry, dumps and bundles, filled up to the size with bulk logs. */
    FULL,
    /** Only bulk log files of the given total size, for benchmarks. */
    LOGS,
    /** The small, recognisable set checked in as {@code corpus/samples}. */
    SAMPLES
  }

  /** Generation options; {@code tokenEvery} is the mean number of bulk-log bytes per planted secret. */
  /**
   * @param requests logs profile: gateway request lines where token, auth, session, refresh and scope
   *     words appear on most lines (the prefilter's worst case), instead of application log lines
   * @param tokenPool logs profile: plant tokens drawn from this many fixed ones (a gateway log
   *     repeats one bearer token on many lines); 0 plants a fresh token each time
   */
  public record Options(long seed, long size, Profile profile, int files, int threads, long tokenEvery, boolean json,
      boolean requests, int tokenPool) {
    public Options(long seed, long size, Profile profile, int files, int threads, long tokenEvery, boolean json) {
      this(seed, size, profile, files, threads, tokenEvery, json, false, 0);
    }
  }

  /** What was written. */
  public record Summary(long bytes, int files, List<Label> labels) {}

  /** Bytes of structured content one host makes, roughly; decides how many hosts fit in a size. */
  static final long HOST_BYTES = 1_200_000L;
  static final long MAX_BULK_FILE = 64L << 20;
  static final int MAX_HOSTS = 32;

  private final Options options;

  public Generator(Options options) {
    this.options = options;
  }

  /** Writes the corpus under {@code out} and the labels to {@code labelsFile}. */
  public Summary generate(Path out, Path labelsFile) throws IOException {
    Files.createDirectories(out);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.threads()));
    try {
      List<Future<Unit>> units = new ArrayList<>();
      long structured = 0;
      switch (options.profile()) {
        case SAMPLES:
          units.add(pool.submit(() -> samples(out)));
          break;
        case FULL: {
          int hosts = (int) Math.max(1, Math.min(MAX_HOSTS, options.size() / (HOST_BYTES * 20)));
          for (int i = 0; i < hosts; i++) {
            final int index = i + 1;
            units.add(pool.submit(() -> host(out, index)));
          }
          List<Future<Unit>> done = new ArrayList<>(units);
          for (Future<Unit> f : done) {
            structured += get(f).bytes;
          }
          bulk(out.resolve("logs/bulk"), Math.max(0, options.size() - structured), 0, pool, units);
          break;
        }
        case LOGS:
          bulk(out, options.size(), options.files(), pool, units);
          break;
        default:
          throw new IllegalStateException();
      }
      List<Label> labels = new ArrayList<>();
      long bytes = 0;
      int files = 0;
      for (Future<Unit> f : units) {
        Unit u = get(f);
        bytes += u.bytes;
        files += u.files;
        for (At a : u.planted) {
          labels.add(a.p().toLabel(String.format("L%06d", labels.size() + 1), a.path()));
        }
      }
      Files.createDirectories(labelsFile.toAbsolutePath().getParent());
      Labels.write(labels, labelsFile);
      return new Summary(bytes, files, labels);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Unit get(Future<Unit> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** A labelled secret with its file path, relative to the corpus root. */
  private record At(String path, Planted p) {}

  /** One unit of work's output. */
  private static final class Unit {
    long bytes;
    int files;
    final List<At> planted = new ArrayList<>();
  }

  private Unit host(Path out, int index) throws IOException {
    Host h = new Host(mix(options.seed(), 1, index), index);
    Unit u = new Unit();
    String base = "endpoints/" + h.shortHost() + "/";
    String home = base + "home/" + h.user + "/";
    for (Leaf l : Homes.all(h)) {
      write(out, home + l.name(), l, u);
    }
    for (Leaf l : ToolLogs.all(h, SourceType.LOG)) {
      write(out, base + "logs/" + l.name(), l, u);
    }
    for (Leaf l : Telemetry.all(h)) {
      write(out, base + "telemetry/" + l.name(), l, u);
    }
    for (Leaf l : Dumps.all(h, SourceType.DUMP)) {
      write(out, base + "dumps/" + l.name(), l, u);
    }
    for (Leaf l : StoreFiles.all(h)) {
      write(out, base + l.name(), l, u);
    }
    for (Leaf l : Bundles.all(h)) {
      write(out, "bundles/" + l.name(), l, u);
    }
    // a token of every catalogue rule, from its own random so the leaves above stay as they were
    for (Leaf l : Catalogue.all(new Random(mix(options.seed(), 4, index)))) {
      write(out, base + l.name(), l, u);
    }
    return u;
  }

  private Unit samples(Path out) throws IOException {
    Host h = new Host(mix(options.seed(), 3, 0), 1);
    Unit u = new Unit();
    write(out, "bash_history", Homes.bash(h), u);
    write(out, "curl-v.log", ToolLogs.curl(h, SourceType.LOG), u);
    write(out, "app.jsonl", ToolLogs.jsonLog(h, SourceType.LOG), u);
    write(out, "az-debug.log", ToolLogs.az(h, SourceType.LOG), u);
    write(out, "gh-debug-api.log", ToolLogs.ghDeviceFlow(h, SourceType.LOG), u);
    TextBuilder d = new TextBuilder(SourceType.LOG);
    d.line("# Decoys: each line looks like a secret to a careless scanner, and none is one.");
    for (int i = 0; i < 40; i++) {
      d.line(Decoys.line(h.forge));
    }
    write(out, "decoys.txt", d.leaf("decoys.txt"), u);
    return u;
  }

  /** Bulk logs totalling {@code size} bytes in {@code files} files (0: as many as {@link #MAX_BULK_FILE} needs). */
  private void bulk(Path dir, long size, int files, ExecutorService pool, List<Future<Unit>> units) throws IOException {
    if (size <= 0) {
      return;
    }
    int n = files > 0 ? files : (int) Math.max(1, (size + MAX_BULK_FILE - 1) / MAX_BULK_FILE);
    Files.createDirectories(dir);
    String[] services = {"orders", "payments", "gateway", "inventory", "auth", "notifier"};
    for (int i = 0; i < n; i++) {
      final int index = i;
      final long bytes = size / n + (i < size % n ? 1 : 0);
      final boolean json = options.json() || (options.profile() == Profile.FULL && i % 3 == 2);
      final String name = services[i % services.length] + "-" + String.format("%04d", i + 1) + (json ? ".jsonl" : ".log");
      final Path root = options.profile() == Profile.FULL ? dir.getParent().getParent() : dir;
      units.add(pool.submit(() -> {
        Path file = dir.resolve(name);
        List<Planted> ps = NoiseWriter.write(file, bytes, mix(options.seed(), 2, index), json,
            options.tokenEvery(), SourceType.LOG, options.requests(), options.tokenPool());
        Unit u = new Unit();
        u.bytes = Files.size(file);
        u.files = 1;
        String rel = root.relativize(file).toString().replace('\\', '/');
        for (Planted p : ps) {
          u.planted.add(new At(rel, p));
        }
        return u;
      }));
    }
  }

  private static void write(Path out, String rel, Leaf l, Unit u) throws IOException {
    Path f = out.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.write(f, l.bytes());
    u.bytes += l.bytes().length;
    u.files++;
    for (Planted p : l.planted()) {
      u.planted.add(new At(rel, p));
    }
  }

  /** A unit's seed from the corpus seed, the unit type and its index (SplitMix64 finaliser). */
  static long mix(long seed, int type, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + type * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

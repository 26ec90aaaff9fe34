package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.decode.DecodingReader;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.ScanStats;
import dev.tokensweep.scanner.model.Suppression;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.scanner.read.Reader;
import dev.tokensweep.scanner.source.FileWalker;
import dev.tokensweep.scanner.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The scan pipeline: walks inputs, opens each file, hands its bytes to a reader and turns the
 * detector's matches into findings. Files are scanned in parallel; a failure in one input becomes
 * a {@link Problem} and never stops the others. Thread-safe; one instance can run many scans.
 */
public final class Scanner {

  /** Opens a file for reading; replaceable so tests can inject faults. */
  @FunctionalInterface
  public interface Opener {
    InputStream open(Path file) throws IOException;
  }

  /**
   * How a scan runs. {@code now} decides whether tokens are live; {@code reveal} keeps clear
   * secrets; {@code decodeDepth} is how many encodings inside each other are decoded
   * ({@link DecodingReader}).
   */
  public record Options(int threads, boolean reveal, boolean followLinks, ScanLimits limits, Instant now, int decodeDepth) {
    public static Options defaults() {
      return new Options(Runtime.getRuntime().availableProcessors(), false, false, ScanLimits.defaults(), Instant.now(),
          DecodingReader.DEFAULT_DEPTH);
    }

    public Options withThreads(int t) {
      return new Options(t, reveal, followLinks, limits, now, decodeDepth);
    }

    public Options withReveal(boolean r) {
      return new Options(threads, r, followLinks, limits, now, decodeDepth);
    }

    public Options withNow(Instant n) {
      return new Options(threads, reveal, followLinks, limits, n, decodeDepth);
    }

    public Options withLimits(ScanLimits l) {
      return new Options(threads, reveal, followLinks, l, now, decodeDepth);
    }

    public Options withFollowLinks(boolean f) {
      return new Options(threads, reveal, f, limits, now, decodeDepth);
    }

    /** Encodings inside each other that are decoded: 0 to {@link DecodingReader#MAX_DEPTH}. */
    public Options withDecodeDepth(int d) {
      return new Options(threads, reveal, followLinks, limits, now, DecodingReader.requireDepth(d));
    }
  }

  /** The name stdin gets in locations. */
  public static final String STDIN = Source.STDIN;

  private final ScanContext context;
  private final Detector detector;
  private final Options options;
  private final Opener opener;
  private final LeafDispatcher dispatcher;
  private final NameScanner names;
  private final PartScanner parts;
  long partsFromBytes = PartScanner.PARTS_FROM_BYTES; // tests lower it
  long partBytes = PartScanner.PART_BYTES; // tests lower it

  public Scanner(Detector detector, Fingerprinter fingerprinter, Options options) {
    this(detector, fingerprinter, options, Files::newInputStream);
  }

  public Scanner(Detector detector, Fingerprinter fingerprinter, Options options, Opener opener) {
    this(detector, fingerprinter, options, opener, null);
  }

  /**
   * A scanner that also offers every finding with its raw match to {@code capture}, which keeps
   * the secrets a provider can be asked about ({@code --validate}, {@code revoke}).
   */
  public Scanner(Detector detector, Fingerprinter fingerprinter, Options options,
      dev.tokensweep.scanner.respond.SecretCapture capture) {
    this(detector, fingerprinter, options, Files::newInputStream, capture);
  }

  private Scanner(Detector detector, Fingerprinter fingerprinter, Options options, Opener opener,
      dev.tokensweep.scanner.respond.SecretCapture capture) {
    this.context = new ScanContext(detector, fingerprinter, options, capture);
    this.detector = detector;
    this.options = options;
    this.opener = opener;
    this.dispatcher = new LeafDispatcher(options.limits(), options.decodeDepth());
    this.names = new NameScanner(context);
    this.parts = new PartScanner(context, opener, dispatcher, names);
  }

  public Detector detector() {
    return detector;
  }

  /** The limits every leaf is read within (sanitize rebuilds what it decodes within the same). */
  public ScanLimits limits() {
    return options.limits();
  }

  /** Scans the named inputs ({@code -} is stdin) and returns everything found, sorted by location. */
  public ScanResult scan(List<String> inputs, InputStream stdin) {
    return scan(inputs, stdin, ScanListener.NONE);
  }

  /** Scans like {@link #scan(List, InputStream)}, telling {@code listener} how it goes. */
  public ScanResult scan(List<String> inputs, InputStream stdin, ScanListener listener) {
    List<Finding> all = new ArrayList<>();
    ScanResult r = scan(inputs, stdin, listener, all::add);
    return new ScanResult(settle(all), r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(), r.suppressed());
  }

  /**
   * Scans like {@link #scan(List, InputStream, ScanListener)} but hands each finding to
   * {@code findings} as soon as its place in the output is settled, instead of collecting them: a
   * report can then be written while the scan runs, in memory that does not grow with the number
   * of findings. {@code findings} is called from one thread at a time, in an order that depends
   * only on the input and the thread count: files in the order the walk meets them, each file's
   * findings in the order its readers confirm them, a secret span found again across a chunk border
   * given once (to the rule first in the catalogue). The result holds no findings, only problems,
   * counters and suppressions.
   */
  public ScanResult scan(List<String> inputs, InputStream stdin, ScanListener listener,
      java.util.function.Consumer<Finding> findings) {
    Collector collector = new Collector(listener, null, this::scrub, shown());
    FindingOrder order = new FindingOrder(findings, HELD_FINDINGS);
    ScanStats stats = new ScanStats(shown());
    listener.started(stats);
    int threads = Math.max(1, options.threads());
    try (ScanPool scanPool = new ScanPool(threads)) {
      ExecutorService pool = scanPool.executor();
      for (String input : inputs) {
        Source source = Source.of(input, stdin, options.followLinks());
        // one file or stdin as the whole input leaves threads idle: its own compression layer is
        // then decoded on one of them, ahead of the scan (never with files in parallel, whose
        // tasks could hold every thread while waiting for it)
        boolean alone = inputs.size() == 1 && threads > 1;
        Path root = source.root();
        if (alone && root != null && parts.scan(root, partsFromBytes, partBytes, threads, pool, listener, collector, stats, order)) {
          continue;
        }
        java.util.concurrent.Executor readAhead =
            alone && (root == null || Files.isRegularFile(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) ? pool : null;
        source.walk(new Source.Inputs() {
          @Override
          public void directory(Path dir) {
            // a directory's name, scanned once for all files under it, in its own place in the order
            FindingOrder.Lane lane = order.open();
            try {
              names.scanName(dir.toString(), dir.getFileName(), collector.forLane(lane));
            } finally {
              lane.close();
            }
          }

          @Override
          public void file(Path file, long size) {
            // a large file among others is read in parts too, on all threads, this walk waiting:
            // scanned whole, a directory holding one big log kept one thread busy and the rest idle
            if (threads > 1 && size >= partsFromBytes
                && parts.scan(file, partsFromBytes, partBytes, threads, pool, listener, collector, stats, order)) {
              return;
            }
            submit(file, size);
          }

          @Override
          public void file(Path file) {
            submit(file, -1);
          }

          private void submit(Path file, long size) {
            if (listener.include(file)) {
              scanPool.submit(order::open, lane -> scanFile(file, size, collector.forLane(lane), stats, readAhead));
            } else {
              collector.suppressed(Suppression.IGNORE_FILE);
            }
          }

          @Override
          public void stream(InputStream in, String name) {
            stats.addFile();
            FindingOrder.Lane lane = order.open();
            try (InputStream metered = stats.meter(in, name, false)) {
              scanStream(metered, name, null, collector.forLane(lane), stats, readAhead);
            } catch (IOException e) {
              // the meter's close neither throws nor closes the stream
            } finally {
              lane.close();
            }
          }

          @Override
          public void problem(Problem problem) {
            collector.problem(problem);
          }
        });
      }
      scanPool.awaitAll(collector);
    }
    return collector.result(stats);
  }

  /**
   * The findings with one per secret span, sorted by location, as the collecting {@link #scan}
   * returns them: a leaf read in chunks can give the same span to two rules in two chunks (a
   * context rule's match starts before a chunk's end, a provider rule's at the secret in the next
   * chunk), where within one chunk the rule first in the catalogue wins. The same rule wins here.
   * Scans stream spans already settled like this within each leaf; this also merges the same file
   * named twice.
   */
  public List<Finding> settle(List<Finding> findings) {
    return FindingSettler.settle(findings, context);
  }

  /**
   * Findings the scan holds in lanes waiting for their turn, across all threads: once files after
   * the first one still in scan (or parts after the first) hold this many, their tasks wait for
   * it, so memory stays bounded when many files are dense with findings.
   */
  static final int HELD_FINDINGS = 32_768;

  /**
   * {@code text} with any secret in it replaced by its preview. Problems are built from file and
   * member names and from libraries' exception messages (commons-compress quotes the header value
   * it could not parse), and either may hold a token.
   */
  public String scrub(String text) {
    return dev.tokensweep.scanner.model.SafeText.scrubAroundEscapes(text, t -> EncodedNames.scrub(t, detector::scrub));
  }

  /**
   * What makes a location or path printable: {@link #scrub} of every name, or nothing under
   * {@code --reveal}, which shows names in clear as it shows secrets.
   */
  private java.util.function.UnaryOperator<String> shown() {
    return options.reveal() ? java.util.function.UnaryOperator.identity() : this::scrubNames;
  }

  /**
   * {@code r} as a run without {@code --reveal} would have made it: no finding's secret, and every
   * path, JSON path, store name and JWT claim redacted. For what outlives the run and is not the
   * report the user asked for: the sweep index on disk (which {@code search} prints without
   * {@code --reveal}) and the documents shipped from it. {@code r} itself without {@code --reveal}.
   */
  public ScanResult unrevealed(ScanResult r) {
    if (!options.reveal()) {
      return r;
    }
    List<Finding> findings = new ArrayList<>(r.findings().size());
    for (Finding f : r.findings()) {
      findings.add(new Finding(f.location().redacted(this::scrubNames), f.evidence().withClaimsRedacted(this::scrub),
          null, f.validation()));
    }
    List<Problem> problems = new ArrayList<>(r.problems().size());
    for (Problem p : r.problems()) {
      problems.add(new Problem(scrubNames(p.location()), p.type(), p.message()));
    }
    return new ScanResult(findings, problems, r.files(), r.leaves(), r.bytes(), r.seconds(), r.suppressed());
  }

  /** {@code path} with every secret in its names redacted ({@link dev.tokensweep.scanner.model.SafeText#scrubNames}). */
  String scrubNames(String path) {
    return dev.tokensweep.scanner.model.SafeText.scrubNames(path, this::scrubName);
  }

  /** {@link #scrub} of a name or a path, whose secrets end before the name's extension as the name scan's do. */
  private String scrubName(String name) {
    return dev.tokensweep.scanner.model.SafeText.scrubAroundEscapes(name, t -> EncodedNames.scrub(t, detector::scrubName));
  }

  /**
   * A file the walk saw at most this large is read whole into a buffer of its thread before it is
   * scanned, and its readers take it from memory: read as a stream, each small file paid for a
   * buffer of its own around it and two {@code available()} calls on the file (four system calls)
   * to size the buffers, ~10% of the scan threads' time on 20,000 files of 10 KB.
   */
  static final int WHOLE_FILE = 64 << 10;

  /** Each scanning thread's buffer for files read whole; one file at a time per thread. */
  private static final ThreadLocal<byte[]> WHOLE = ThreadLocal.withInitial(() -> new byte[WHOLE_FILE + 1]);

  /**
   * @param size the file's size as the walk saw it, -1 if not known; it may have changed since,
   *     and a file that grew past {@link #WHOLE_FILE} is read on from the file after the buffer
   */
  private void scanFile(Path file, long size, Collector collector, ScanStats stats,
      java.util.concurrent.Executor readAhead) {
    String path = file.toString();
    stats.addFile();
    names.scanName(path, file.getFileName(), collector);
    Unsized unsized = null;
    long before = size >= 0 ? size : sizeOf(file); // a file named as an input comes without the walk's size
    try (InputStream in = stats.meter(before == 0 ? unsized = new Unsized(opener.open(file)) : opener.open(file),
        path, true)) {
      if (size < 0 || size > WHOLE_FILE) {
        scanStream(in, path, file, collector, stats, readAhead);
        shrank(file, before, collector);
        Unsized.said(unsized, path, collector);
        return;
      }
      byte[] buf = WHOLE.get();
      int n = 0;
      IOException failed = null;
      try {
        for (int k; n < buf.length && (k = in.read(buf, n, buf.length - n)) >= 0; ) {
          n += k;
        }
      } catch (IOException e) {
        failed = e; // what was read before it is scanned, as a stream read would have, then reported
      }
      InputStream whole = new java.io.ByteArrayInputStream(buf, 0, n);
      scanStream(n < buf.length || failed != null ? whole : new java.io.SequenceInputStream(whole, in), path, file,
          collector, stats, readAhead);
      if (failed != null) {
        throw failed;
      }
      if (n < size) {
        shrank(file, size, collector);
      }
      Unsized.said(unsized, path, collector);
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      collector.problem(new Problem(path, Problem.Type.UNREADABLE, FileWalker.describe(io)));
    } catch (RuntimeException e) {
      collector.problem(new Problem(path, Problem.Type.INTERNAL, "internal error while scanning: " + e.getClass().getSimpleName()));
    } catch (OutOfMemoryError e) {
      // what failed to fit is garbage now: say which input it was and go on with the others; the
      // scan still ends as an internal error (exit 4), since its result is not what it should be
      collector.problem(new Problem(path, Problem.Type.INTERNAL, "out of memory while scanning this input (a larger -Xmx; "
          + "with very many findings --format jsonl, csv or ecs, which are written as the scan goes; lower --max-entries "
          + "for archives with very many members)"));
    }
  }

  /**
   * Reports a file that is now shorter than the walk saw it: truncated or replaced while it was
   * read (a log rotated with {@code copytruncate}), so what was past its new end was not scanned.
   * The read itself just ended early and said nothing.
   */
  static void shrank(Path file, long size, Collector collector) {
    long now = sizeOf(file);
    if (size > 0 && now < size) {
      collector.problem(new Problem(file.toString(), Problem.Type.UNREADABLE, "changed while it was scanned: "
          + size + " bytes when the scan began, " + (now < 0 ? "gone" : now + "") + " after; what was past its new end "
          + "was not scanned"));
    }
  }

  /** The size of {@code file}, -1 if it cannot be had (gone, rotated away). */
  static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * A file whose size the walk saw as 0 read through a cap: pseudo-files in {@code /proc} and
   * {@code /sys} say 0 and give what they hold, and a few of them (a process's {@code pagemap}:
   * 8 bytes for each page of its address space) give without end.
   */
  private static final class Unsized extends java.io.FilterInputStream {
    static final long MAX = 64L << 20;
    private long read;
    boolean cut;

    Unsized(InputStream in) {
      super(in);
    }

    /** Reports {@code u}'s cut, if it was one and cut. */
    static void said(Unsized u, String path, Collector collector) {
      if (u != null && u.cut) {
        collector.problem(new Problem(path, Problem.Type.LIMIT, "unsized: its size was 0 but it gave more than "
            + (MAX >> 20) + " MiB (a pseudo-file such as /proc/PID/pagemap); the rest was not read"));
      }
    }

    @Override
    public int read() throws IOException {
      return dev.tokensweep.scanner.expand.Streams.readByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (read >= MAX) {
        cut = true;
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, MAX - read));
      read += Math.max(n, 0);
      return n;
    }
  }

  /**
   * Runs the readers and the detector over one stream and hands every confirmed match, raw secret
   * included, to {@code sink}; returns the findings (redacted) and problems. For the sanitizer,
   * which is the only other place allowed to hold raw secrets.
   */
  public ScanResult matchStream(InputStream in, String path, java.util.function.Consumer<Match> sink) {
    return matchStream(in, path, sink, true);
  }

  /**
   * As {@link #matchStream(InputStream, String, java.util.function.Consumer)}; without
   * {@code findings} none are kept and the result has none: the sanitizer needs only the matches,
   * and a log with 45,745 distinct tokens held 45,685 findings (~20 MB) for the leaf's whole copy.
   */
  public ScanResult matchStream(InputStream in, String path, java.util.function.Consumer<Match> sink,
      boolean findings) {
    Collector c = new Collector(ScanListener.NONE, sink, this::scrub, shown());
    ScanStats stats = new ScanStats();
    stats.addFile();
    scanStream(in, path, null, findings ? c : c.forLane(f -> { }), stats);
    ScanResult r = c.result(stats);
    return new ScanResult(settle(c.findingsSoFar()), r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(),
        r.suppressed());
  }

  /**
   * Scans one input stream: the dispatcher expands archives and picks each leaf's reader.
   *
   * @param file the input on disk, null for stdin (random-access archives then read it in place)
   */
  void scanStream(InputStream raw, String path, Path file, Collector collector, ScanStats stats) {
    scanStream(raw, path, file, collector, stats, null);
  }

  private void scanStream(InputStream raw, String path, Path file, Collector collector, ScanStats stats,
      java.util.concurrent.Executor readAhead) {
    dev.tokensweep.scanner.expand.CountingInputStream in = new dev.tokensweep.scanner.expand.CountingInputStream(raw);
    long randomAccess = 0;
    try {
      randomAccess = dispatcher.dispatch(in, path, file, in::count, this, collector, stats, readAhead);
    } catch (IOException e) {
      collector.problem(new Problem(path, Problem.Type.UNREADABLE, FileWalker.describe(e)));
    } finally {
      stats.addBytes(in.count() + randomAccess);
    }
  }

  /** Scans the name of an archive member ({@link NameScanner#scanMemberName}). */
  void scanMemberName(String archive, String stored, java.util.Set<String> seenDirs, Collector collector) {
    names.scanMemberName(archive, stored, seenDirs, collector);
  }

  /** Runs {@code reader} over a leaf and collects its findings. */
  void readLeaf(Reader reader, InputStream in, String path, Collector collector, ScanStats stats) throws IOException {
    readLeaf(reader, in, path, null, collector, stats);
  }

  /** As above; {@code file} is the leaf on disk when it is a plain file, for random-access readers. */
  void readLeaf(Reader reader, InputStream in, String path, Path file, Collector collector, ScanStats stats)
      throws IOException {
    stats.addLeaf();
    LeafSink sink = new LeafSink(context, collector);
    try {
      reader.read(in, path, file, sink);
    } finally {
      sink.flush(); // what was found before a failure is reported with it
    }
  }
}

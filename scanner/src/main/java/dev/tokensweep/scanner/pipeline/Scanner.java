package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.ScanStats;
import dev.tokensweep.scanner.model.Suppression;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.scanner.read.Locator;
import dev.tokensweep.scanner.read.Reader;
import dev.tokensweep.scanner.read.SegmentSink;
import dev.tokensweep.scanner.source.FileWalker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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

  /** How a scan runs. {@code now} decides whether tokens are live; {@code reveal} keeps clear secrets. */
  public record Options(int threads, boolean reveal, boolean followLinks, ScanLimits limits, Instant now) {
    public static Options defaults() {
      return new Options(Runtime.getRuntime().availableProcessors(), false, false, ScanLimits.defaults(), Instant.now());
    }

    public Options withThreads(int t) {
      return new Options(t, reveal, followLinks, limits, now);
    }

    public Options withReveal(boolean r) {
      return new Options(threads, r, followLinks, limits, now);
    }

    public Options withNow(Instant n) {
      return new Options(threads, reveal, followLinks, limits, n);
    }

    public Options withLimits(ScanLimits l) {
      return new Options(threads, reveal, followLinks, l, now);
    }

    public Options withFollowLinks(boolean f) {
      return new Options(threads, reveal, f, limits, now);
    }
  }

  /** The name stdin gets in locations. */
  public static final String STDIN = "(stdin)";

  private final Detector detector;
  private final Fingerprinter fingerprinter;
  private final Options options;
  private final Map<String, Integer> priority = new HashMap<>();
  private final Opener opener;
  private final LeafDispatcher dispatcher;
  // respond: keeps the secrets a provider can be asked about (--validate, revoke); null otherwise
  private final dev.tokensweep.scanner.respond.SecretCapture capture;

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
    this.capture = capture;
    this.detector = detector;
    this.fingerprinter = fingerprinter;
    this.options = options;
    this.opener = opener;
    List<Rule> rules = detector.rules();
    for (int i = 0; i < rules.size(); i++) {
      priority.putIfAbsent(rules.get(i).id(), i);
    }
    this.dispatcher = new LeafDispatcher(options.limits());
  }

  public Detector detector() {
    return detector;
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
    int threadCount = Math.max(1, options.threads());
    FindingOrder order = new FindingOrder(findings, Math.max(1024, LANE_FINDINGS / threadCount));
    ScanStats stats = new ScanStats();
    listener.started(stats);
    int threads = threadCount;
    // exactly `threads` scanning threads: the walker waits for a free slot instead of scanning a
    // file itself (CallerRunsPolicy did, so --threads 2 scanned on three threads, and on two cores
    // the third one only added its own JIT warm-up and scratch memory)
    ExecutorService pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "tokensweep-scan");
          t.setDaemon(true);
          return t;
        });
    Semaphore slots = new Semaphore(threads * 4); // files queued or in scan: bounds the queue
    List<Future<?>> pending = Collections.synchronizedList(new ArrayList<>());
    FileWalker walker = new FileWalker(options.followLinks());
    try {
      for (String input : inputs) {
        // one file or stdin as the whole input leaves threads idle: its own compression layer is
        // then decoded on one of them, ahead of the scan (never with files in parallel, whose
        // tasks could hold every thread while waiting for it)
        boolean alone = inputs.size() == 1 && threads > 1;
        if (!input.equals("-") && !shown().apply(input).equals(input)) {
          collector.secretInNames(true); // the root as given holds a secret: show every path under it redacted
        }
        if (input.equals("-")) {
          stats.addFile();
          FindingOrder.Lane lane = order.open();
          try (InputStream metered = stats.meter(stdin, STDIN, false)) {
            scanStream(metered, STDIN, null, collector.forLane(lane), stats, alone ? pool : null);
          } catch (IOException e) {
            // the meter's close neither throws nor closes stdin
          } finally {
            lane.close();
          }
          continue;
        }
        if (alone && scanInParts(Path.of(input), threads, pool, listener, collector, stats, order)) {
          continue;
        }
        java.util.concurrent.Executor readAhead =
            alone && Files.isRegularFile(Path.of(input), java.nio.file.LinkOption.NOFOLLOW_LINKS) ? pool : null;
        walker.walk(Path.of(input), dir -> {
          // a directory's name, scanned once for all files under it, in its own place in the order
          FindingOrder.Lane lane = order.open();
          try {
            scanName(dir.toString(), dir.getFileName(), collector.forLane(lane));
          } finally {
            lane.close();
          }
        }, file -> {
          if (listener.include(file)) {
            slots.acquireUninterruptibly();
            FindingOrder.Lane lane = order.open();
            try {
              pending.add(pool.submit(() -> {
                try {
                  scanFile(file, collector.forLane(lane), stats, readAhead);
                } finally {
                  lane.close();
                  slots.release();
                }
              }));
            } catch (RuntimeException e) {
              lane.close();
              slots.release();
              throw e;
            }
          } else {
            collector.suppressed(Suppression.IGNORE_FILE);
          }
        }, collector::problem);
      }
      for (Future<?> f : new ArrayList<>(pending)) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          collector.problem(new Problem("(scan)", Problem.Type.ERROR, "interrupted"));
          break;
        } catch (java.util.concurrent.ExecutionException e) {
          collector.problem(new Problem("(scan)", Problem.Type.INTERNAL, "internal error: " + e.getCause().getClass().getSimpleName()));
        }
      }
    } finally {
      pool.shutdownNow();
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
    Map<String, Finding> bySpan = new java.util.LinkedHashMap<>();
    for (Finding f : findings) {
      bySpan.merge(spanKey(f), f, (a, b) -> priorityOf(b.evidence().ruleId()) < priorityOf(a.evidence().ruleId()) ? b : a);
    }
    List<Finding> sorted = new ArrayList<>(bySpan.values());
    sorted.sort(Comparator.comparing((Finding f) -> f.location().path())
        .thenComparingLong(f -> f.location().offset())
        .thenComparing(f -> f.location().jsonPath() == null ? "" : f.location().jsonPath())
        .thenComparing(f -> f.evidence().ruleId()));
    return sorted;
  }

  /** One secret span of one leaf: the fingerprint too, as two members of one tar may share a name and their secrets an offset. */
  private static String spanKey(Finding f) {
    Location l = f.location();
    return l.path() + '@' + l.offset() + '+' + f.evidence().length() + '@' + l.entry() + '@' + l.jsonPath()
        + '@' + l.decodings() + '@' + f.evidence().fingerprint() + '@' + l.store() + '@' + l.part();
  }

  /**
   * Findings the scan holds in lanes waiting for their turn, across all threads: a later file
   * buffers up to this many divided by the thread count (at least 1024) and then waits for the
   * files before it, so memory stays bounded when many files are dense with findings.
   */
  static final int LANE_FINDINGS = 32_768;

  /**
   * Findings one leaf holds back until no later chunk can report their span again: a span is
   * found again only by the next chunk, within the detector's overlap of the border, so a finding
   * is settled once the reader is {@link #settleDistance} bytes past it or the leaf ends. The cap
   * bounds memory where a reader's offsets do not advance (every finding of a store at one offset).
   */
  static final int WINDOW_FINDINGS = 16_384;

  /** Bytes a leaf's reader must be past a finding before it is settled (see {@link #WINDOW_FINDINGS}). */
  private long settleDistance() {
    return Math.max(1L << 20, 4L * detector.overlap());
  }

  /**
   * {@code text} with any secret in it replaced by its preview. Problems are built from file and
   * member names and from libraries' exception messages (commons-compress quotes the header value
   * it could not parse), and either may hold a token.
   */
  public String scrub(String text) {
    return detector.scrub(text);
  }

  /**
   * What makes a location or path printable: {@link #scrub} of every name, or nothing under
   * {@code --reveal}, which shows names in clear as it shows secrets.
   */
  private java.util.function.UnaryOperator<String> shown() {
    return options.reveal() ? java.util.function.UnaryOperator.identity() : this::scrubNames;
  }

  /**
   * {@code path} with every secret in its names redacted: each name (between {@code /}, {@code \\}
   * and the {@code !} of chains) on its own first, as it was scanned, so a directory's or member's
   * name reads the same in every path under it and a generic rule's match ends where the name
   * does; then the whole, for a secret that spans names (a JSON key holding {@code /}).
   */
  String scrubNames(String path) {
    if (path == null || path.isEmpty()) {
      return path;
    }
    StringBuilder b = null;
    int from = 0;
    for (int i = 0; i <= path.length(); i++) {
      char c = i < path.length() ? path.charAt(i) : '/';
      if (c == '/' || c == '\\' || c == '!') {
        if (i > from) {
          String name = path.substring(from, i);
          String r = scrub(name);
          if (b == null && !r.equals(name)) {
            b = new StringBuilder(path.length()).append(path, 0, from);
          }
          if (b != null) {
            b.append(r);
          }
        }
        if (b != null && i < path.length()) {
          b.append(c);
        }
        from = i + 1;
      }
    }
    return scrub(b == null ? path : b.toString());
  }

  /** {@code path} as progress may show it: redacted once any name of this scan held a secret. */
  private static String progressPath(String path, Collector collector) {
    return collector.secretInNames() ? collector.shown.apply(path) : path;
  }

  /**
   * Scans a file's or directory's own name (its last element; the directories above it have had
   * theirs scanned already, each once per scan): a secret in it is a finding whose location is
   * the named path with part {@link Location#NAME}.
   */
  private void scanName(String namedPath, Path name, Collector collector) {
    if (name != null) {
      scanName(namedPath, name.toString(), collector);
    }
  }

  /**
   * Scans the name of an archive member, each path element of it once per archive: the elements
   * that name directories ({@code a/} and {@code a/b/} of {@code a/b/c.log}) once for all members
   * under them ({@code seenDirs} holds those met in this input), the last one for each member.
   *
   * @param archive the chain naming the archive
   * @param stored the member's name as stored
   */
  void scanMemberName(String archive, String stored, java.util.Set<String> seenDirs, Collector collector) {
    int from = 0;
    for (int i = 0; i < stored.length(); i++) {
      char c = stored.charAt(i);
      if (c == '/' || c == '\\') {
        // bounded: past that many directories a name is scanned again, and its finding merges with the first
        if (i > from && (seenDirs.size() >= 100_000 || seenDirs.add(archive + "!" + stored.substring(0, i + 1)))) {
          scanName(archive + "!" + dev.tokensweep.scanner.expand.Names.display(stored.substring(0, i + 1)),
              stored.substring(from, i), collector);
        }
        from = i + 1;
      }
    }
    if (from < stored.length()) {
      scanName(archive + "!" + dev.tokensweep.scanner.expand.Names.display(stored), stored.substring(from), collector);
    }
  }

  /** Runs the detector over one name; every secret in it is a finding at {@code namedPath} with part {@link Location#NAME}. */
  private void scanName(String namedPath, String name, Collector collector) {
    if (!collector.scansNames() || name.isEmpty()) {
      return;
    }
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    List<Match> found = new ArrayList<>();
    detector.scan(b, 0, b.length, found::add);
    if (found.isEmpty()) {
      return;
    }
    collector.secretInNames(true);
    found.sort(Comparator.comparingInt(Match::start).thenComparingInt(Match::end)
        .thenComparingInt(m -> priorityOf(m.rule().id())));
    List<Match> winners = Match.onePerSpan(found);
    java.util.Set<Long> paired = Match.identifierSpans(winners);
    String shownPath = collector.shown.apply(namedPath);
    for (Match m : winners) {
      if (paired.contains(m.span())) {
        continue;
      }
      Evidence ev = Evidence.of(m, fingerprinter, options.now(), null);
      Finding finding = new Finding(Location.name(shownPath, m.start()), ev,
          options.reveal() ? new String(m.secret(), StandardCharsets.UTF_8) : null);
      collector.finding(finding);
      if (capture != null) {
        capture.offer(m, finding);
      }
    }
  }

  private int priorityOf(String ruleId) {
    return priority.getOrDefault(ruleId, Integer.MAX_VALUE);
  }

  /** A single plain-text file at least this large is read in parts, one per thread. */
  static final long PARTS_FROM_BYTES = 64L << 20;
  long partsFromBytes = PARTS_FROM_BYTES; // tests lower it

  /**
   * Scans one large plain-text file in {@code threads} parts at once, when it is the only input:
   * every other case scans files in parallel, and one file would leave all threads but one idle.
   * Each part is read from its start, with the detector's overlap of context on either side, and
   * owns the matches that start in it, as the chunks of one read do; its line numbers count from
   * its own first line and are shifted by the newlines of the parts before it when the parts are
   * merged, and the columns of that first line by where it really began. A finding made in a
   * decoded line that two parts both decoded (an rsyslog line across the border) is dropped where
   * the place was already reported, as within one read.
   *
   * @return false when the file is not such a case (the caller scans it the usual way)
   */
  private boolean scanInParts(Path file, int threads, ExecutorService pool, ScanListener listener, Collector collector,
      ScanStats stats, FindingOrder order) {
    long size;
    byte[] head = new byte[LeafDispatcher.HEAD];
    int n;
    String path = file.toString();
    try {
      if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) || (size = Files.size(file)) < partsFromBytes
          || !listener.include(file)) {
        return false;
      }
      try (InputStream in = opener.open(file)) {
        n = in.readNBytes(head, 0, head.length);
      }
    } catch (IOException | UncheckedIOException e) {
      return false; // the usual way reports it
    }
    dev.tokensweep.scanner.read.TextReader text = dispatcher.textReaderForParts(path, head, n);
    if (text == null) {
      return false;
    }
    stats.addFile();
    stats.addLeaf();
    FindingOrder.Lane nameLane = order.open(); // the file's own name, ahead of its content
    try {
      scanName(path, file.getFileName(), collector.forLane(nameLane));
    } finally {
      nameLane.close();
    }
    int ov = detector.overlap();
    long partBytes = size / threads;
    dev.tokensweep.scanner.read.TextReader.PartLines[] partLines = new dev.tokensweep.scanner.read.TextReader.PartLines[threads];
    // as LeafSink does within a part: a finding in decoded text at a place already reported goes;
    // a place is reported again only near the border, so the last keys seen are enough
    Map<String, Boolean> seen = new java.util.LinkedHashMap<>(256, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > 4096;
      }
    };
    List<Future<?>> tasks = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      long start = k * partBytes;
      long end = k == threads - 1 ? size : (k + 1) * partBytes;
      int part = k;
      // applied as the part's findings go out, in part order: by then every part before it has
      // ended and its line count is known
      FindingOrder.Lane lane = order.open(new java.util.function.UnaryOperator<Finding>() {
        private long lineShift = -1;
        private long lineStart;
        private boolean unplaced;

        @Override
        public Finding apply(Finding f) {
          if (lineShift < 0) {
            lineShift = 0;
            for (int j = 0; j < part && !unplaced; j++) {
              unplaced = partLines[j] == null;
              if (!unplaced) {
                lineShift += partLines[j].newlines();
                if (partLines[j].lastNewline() >= 0) {
                  lineStart = partLines[j].lastNewline() + 1;
                }
              }
            }
          }
          if (unplaced) {
            return null; // an earlier part failed: this part's lines cannot be placed; dropped with its problem
          }
          Location l = f.location();
          if (l.line() != null) {
            long line = l.line() + lineShift;
            Long column = l.line() == 1 && part > 0 ? Long.valueOf(l.offset() - lineStart + 1) : l.column();
            l = new Location(l.path(), line, column, l.offset(), l.entry(), l.timestamp(), l.encoding(), l.jsonPath(),
                l.decodings(), l.format(), l.cache(), l.store(), l.part());
          }
          if (seen.put(placeKey(f.evidence().ruleId(), l), Boolean.TRUE) != null && l.decodings() != null) {
            return null;
          }
          return new Finding(l, f.evidence(), f.revealed());
        }
      });
      Collector partCollector = collector.forLane(lane);
      tasks.add(pool.submit(() -> {
        int context = (int) Math.min(start, ov);
        try (InputStream raw = opener.open(file)) {
          raw.skipNBytes(start - context);
          // the reader stops once it has read past `end` what a match starting before it needs
          try (InputStream in = stats.meter(raw, progressPath(path, collector), false)) {
            LeafSink sink = new LeafSink(partCollector);
            try {
              partLines[part] = dev.tokensweep.scanner.read.ReaderSelector.readTextPart(text, in, path, sink,
                  start - context, context, end);
            } finally {
              sink.flush();
            }
          }
        } catch (IOException | UncheckedIOException e) {
          IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
          partCollector.problem(new Problem(path, Problem.Type.UNREADABLE, FileWalker.describe(io)));
        } catch (RuntimeException e) {
          partCollector.problem(new Problem(path, Problem.Type.INTERNAL, "internal error: " + e.getClass().getSimpleName()));
        } finally {
          stats.addBytes(end - start);
          lane.close();
        }
        return null;
      }));
    }
    for (Future<?> t : tasks) {
      try {
        t.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        collector.problem(new Problem(path, Problem.Type.ERROR, "interrupted"));
        return true;
      } catch (java.util.concurrent.ExecutionException e) {
        collector.problem(new Problem(path, Problem.Type.INTERNAL, "internal error: " + e.getCause().getClass().getSimpleName()));
      }
    }
    return true;
  }

  private void scanFile(Path file, Collector collector, ScanStats stats, java.util.concurrent.Executor readAhead) {
    String path = file.toString();
    stats.addFile();
    scanName(path, file.getFileName(), collector);
    try (InputStream in = stats.meter(opener.open(file), progressPath(path, collector), true)) {
      scanStream(in, path, file, collector, stats, readAhead);
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      collector.problem(new Problem(path, Problem.Type.UNREADABLE, FileWalker.describe(io)));
    } catch (RuntimeException e) {
      collector.problem(new Problem(path, Problem.Type.INTERNAL, "internal error while scanning: " + e.getClass().getSimpleName()));
    } catch (OutOfMemoryError e) {
      // what failed to fit is garbage now: say which input it was and go on with the others; the
      // scan still ends as an internal error (exit 4), since its result is not what it should be
      collector.problem(new Problem(path, Problem.Type.INTERNAL, "out of memory while scanning this input (a larger -Xmx, or "
          + "lower --max-entries for archives with very many members)"));
    }
  }

  /**
   * Runs the readers and the detector over one stream and hands every confirmed match, raw secret
   * included, to {@code sink}; returns the findings (redacted) and problems. For the sanitizer,
   * which is the only other place allowed to hold raw secrets.
   */
  public ScanResult matchStream(InputStream in, String path, java.util.function.Consumer<Match> sink) {
    Collector c = new Collector(ScanListener.NONE, sink, this::scrub, shown());
    ScanStats stats = new ScanStats();
    stats.addFile();
    scanStream(in, path, null, c, stats);
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

  /** Runs {@code reader} over a leaf and collects its findings. */
  void readLeaf(Reader reader, InputStream in, String path, Collector collector, ScanStats stats) throws IOException {
    readLeaf(reader, in, path, null, collector, stats);
  }

  /** As above; {@code file} is the leaf on disk when it is a plain file, for random-access readers. */
  void readLeaf(Reader reader, InputStream in, String path, Path file, Collector collector, ScanStats stats)
      throws IOException {
    stats.addLeaf();
    LeafSink sink = new LeafSink(collector);
    try {
      reader.read(in, path, file, sink);
    } finally {
      sink.flush(); // what was found before a failure is reported with it
    }
  }

  /** A rule's finding at one place of a leaf, whatever decoding layers led to it. */
  private static String placeKey(String ruleId, Location l) {
    return ruleId + '@' + l.offset() + '@' + l.entry() + '@' + l.jsonPath() + '@' + l.store();
  }

  /** Turns the detector's matches in one segment into findings, one per secret span. */
  private final class LeafSink implements SegmentSink {
    private final Collector collector;
    private final List<Match> matches = new ArrayList<>();
    // findings already made in this leaf, so a secret found again through a decoding layer (a
    // URL-decoded run that left the token itself unchanged) is reported once; bounded
    private final Map<String, Boolean> seen = new java.util.LinkedHashMap<>(256, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > 4096;
      }
    };

    // findings not yet settled: a later chunk may still give their span to a rule first in the
    // catalogue; in arrival order (see WINDOW_FINDINGS)
    private final java.util.LinkedHashMap<String, Finding> pending = new java.util.LinkedHashMap<>();
    private final long settleDistance = settleDistance();

    LeafSink(Collector collector) {
      this.collector = collector;
    }

    // the names redacted last (a leaf's findings share its path and often a JSON path), and what they became
    private final java.util.function.UnaryOperator<String> shownNames = new java.util.function.UnaryOperator<>() {
      private final String[] raw = new String[2];
      private final String[] shown = new String[2];
      private int next;

      @Override
      public String apply(String name) {
        for (int i = 0; i < 2; i++) {
          if (name.equals(raw[i])) {
            return shown[i];
          }
        }
        raw[next] = name;
        shown[next] = collector.shown.apply(name);
        String s = shown[next];
        next ^= 1;
        return s;
      }
    };

    /** {@code l} as it may be printed and stored ({@link Location#redacted}). */
    private Location shown(Location l) {
      return l.redacted(shownNames);
    }

    /** Holds {@code f} until its span is settled, and hands on the findings that now are. */
    private void settle(Finding f) {
      pending.merge(spanKey(f), f, (a, b) -> priorityOf(b.evidence().ruleId()) < priorityOf(a.evidence().ruleId()) ? b : a);
      Location at = f.location();
      java.util.Iterator<Finding> it = pending.values().iterator();
      while (it.hasNext()) {
        Location l = (f = it.next()).location();
        if (pending.size() <= WINDOW_FINDINGS && l.path().equals(at.path()) && at.offset() - l.offset() <= settleDistance) {
          return;
        }
        it.remove();
        collector.finding(f);
      }
    }

    /** The leaf has ended: every finding held is settled. */
    void flush() {
      for (Finding f : pending.values()) {
        collector.finding(f);
      }
      pending.clear();
    }

    @Override
    public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
      matches.clear();
      detector.scan(buf, from, to, ownFrom, ownTo, matches::add);
      if (matches.isEmpty()) {
        return;
      }
      // one finding per secret span: where a provider rule and a generic rule both confirm the
      // same bytes, the rule listed first in the catalogue wins (and keeps a pair rule's identifier)
      matches.sort(Comparator.comparingInt(Match::start).thenComparingInt(Match::end)
          .thenComparingInt(m -> priorityOf(m.rule().id())));
      List<Match> winners = Match.onePerSpan(matches);
      java.util.Set<Long> paired = Match.identifierSpans(winners);
      for (Match m : winners) {
        collector.match(m); // the sanitizer redacts every secret, allowed or not
        if (paired.contains(m.span())) {
          continue; // a key id that a pair's finding names: reported once, with its secret
        }
        if (InlineAllow.onLineOf(buf, from, to, m.start(), m.end())) {
          collector.suppressed(Suppression.INLINE_ALLOW);
          continue;
        }
        Location loc = locator.locate(m.start());
        if (loc == null) {
          continue; // a copy of a name or key that was scanned where it stands (Locator)
        }
        loc = shown(loc);
        if (seen.put(placeKey(m.rule().id(), loc), Boolean.TRUE) != null && loc.decodings() != null) {
          continue;
        }
        Evidence.Hint hint = loc.cache() != null ? loc.cache().hint()
            : loc.timestamp() != null ? Evidence.Hint.seenAt(java.time.Instant.ofEpochSecond(loc.timestamp())) : null;
        Evidence ev = Evidence.of(m, fingerprinter, options.now(), hint);
        Finding finding = new Finding(loc, ev, options.reveal() ? new String(m.secret(), StandardCharsets.UTF_8) : null);
        collector.found(finding);
        settle(finding);
        if (capture != null) {
          capture.offer(m, finding);
        }
      }
      matches.clear();
    }

    @Override
    public int overlap() {
      return detector.overlap();
    }

    @Override
    public void problem(Problem problem) {
      collector.problem(problem);
    }
  }

  /**
   * Thread-safe accumulation of findings and problems. A collector {@link #forLane for a lane}
   * shares its parent's problems and counts and sends its findings into the lane.
   */
  static final class Collector {
    private final List<Finding> findings = new ArrayList<>();
    private final Collector parent;
    private final java.util.function.Consumer<Finding> lane;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Long> suppressed = new HashMap<>();
    private final ScanListener listener;
    private final java.util.function.Consumer<Match> matches;
    private final java.util.function.UnaryOperator<String> scrub;
    /** What makes a path or JSON path printable ({@link Location#redacted}); identity under {@code --reveal}. */
    final java.util.function.UnaryOperator<String> shown;
    /** Set once a name of this scan held a secret: from then on progress shows paths redacted (read on the root). */
    private volatile boolean namesHeldSecrets;

    /**
     * With {@code matches} non-null, every confirmed match (raw secret included) also goes there;
     * {@code scrub} redacts the text of every problem, {@code shown} the paths of findings and
     * problems.
     */
    Collector(ScanListener listener, java.util.function.Consumer<Match> matches,
        java.util.function.UnaryOperator<String> scrub, java.util.function.UnaryOperator<String> shown) {
      this.listener = listener;
      this.matches = matches;
      this.scrub = scrub;
      this.shown = shown;
      this.parent = null;
      this.lane = null;
    }

    private Collector(Collector parent, java.util.function.Consumer<Finding> lane) {
      this.parent = parent;
      this.lane = lane;
      this.listener = parent.listener;
      this.matches = parent.matches;
      this.scrub = parent.scrub;
      this.shown = parent.shown;
    }

    /** Whether a name of this scan held a secret (kept on the root collector). */
    boolean secretInNames() {
      return parent != null ? parent.secretInNames() : namesHeldSecrets;
    }

    void secretInNames(boolean held) {
      if (parent != null) {
        parent.secretInNames(held);
      } else {
        namesHeldSecrets = held;
      }
    }

    /**
     * Whether names and keys are scanned into findings: not for the sanitizer (a {@code matches}
     * sink), whose report lists what it removed, and it renames nothing.
     */
    boolean scansNames() {
      return matches == null;
    }

    /** A collector whose findings go into {@code lane}; problems, suppressions and matches go here. */
    Collector forLane(java.util.function.Consumer<Finding> lane) {
      return new Collector(this, lane);
    }

    void match(Match m) {
      if (parent != null) {
        parent.match(m);
        return;
      }
      synchronized (this) {
        if (matches != null) {
          matches.accept(m);
        }
      }
    }

    /** A finding was confirmed (the listener counts it); it is {@link #finding settled} later. */
    void found(Finding f) {
      listener.found(f);
    }

    /** A settled finding: to the lane, else kept here. */
    void finding(Finding f) {
      if (lane != null) {
        lane.accept(f);
        return;
      }
      synchronized (this) {
        findings.add(f);
      }
    }

    void suppressed(String reason) {
      if (parent != null) {
        parent.suppressed(reason);
        return;
      }
      synchronized (this) {
        suppressed.merge(reason, 1L, Long::sum);
      }
    }

    void problem(Problem p) {
      if (parent != null) {
        parent.problem(p);
        return;
      }
      synchronized (this) {
        problems.add(new Problem(shown.apply(p.location()), p.type(), scrub.apply(p.message())));
      }
    }

    synchronized List<Finding> findingsSoFar() {
      return new ArrayList<>(findings);
    }

    /** The problems, sorted, counters and suppressions; the findings are the caller's ({@link #findingsSoFar}). */
    synchronized ScanResult result(ScanStats stats) {
      List<Problem> ps = new ArrayList<>(problems);
      ps.sort(Comparator.comparing(Problem::location).thenComparing(Problem::type));
      return new ScanResult(List.of(), ps, stats.files(), stats.leaves(), stats.bytes(), stats.seconds(), suppressed);
    }
  }
}

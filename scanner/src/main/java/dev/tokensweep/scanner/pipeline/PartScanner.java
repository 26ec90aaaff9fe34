package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.decode.DecodingReader;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanStats;
import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.PartReader;
import dev.tokensweep.scanner.read.PartReader.PartLines;
import dev.tokensweep.scanner.source.FileWalker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Reads one large file in parts on all threads at once, when its reader can read a part on its
 * own ({@link PartReader}), and merges the parts' findings as one read would have made them.
 * Thread-safe.
 */
final class PartScanner {
  /**
   * A single file at least this large is read in parts, one per thread: below it the JIT warm-up
   * and the extra reads of the parts' overlaps (plain text) cost more than the threads give.
   */
  static final long PARTS_FROM_BYTES = 64L << 20;

  /**
   * A file read in parts is cut into parts of about this size, and at least one per thread. The
   * threads take them in order; a part's findings wait for the parts before it to go out first,
   * so with one part per thread a log dense with findings kept the second thread waiting for the
   * first, the findings held being bounded ({@link Scanner#HELD_FINDINGS}): one line in 20 with a
   * token, 256 MB, ran no faster on two threads than on one. Parts of this size hold a few
   * thousand findings at such a density, and balance the threads when one part is slower.
   */
  static final long PART_BYTES = 16L << 20;

  /** Bytes read at a time while looking for the line start a part of JSON lines begins at. */
  private static final int LINE_SEEK_BUFFER = 64 << 10;

  private final ScanContext context;
  private final Scanner.Opener opener;
  private final LeafDispatcher dispatcher;
  private final NameScanner names;

  PartScanner(ScanContext context, Scanner.Opener opener, LeafDispatcher dispatcher, NameScanner names) {
    this.context = context;
    this.opener = opener;
    this.dispatcher = dispatcher;
    this.names = names;
  }

  /**
   * Scans one large file in parts of about {@code partBytes}, at least one per thread, on all
   * threads at once, which take them in order: when it is the only input, one file
   * would leave all threads but one idle, and among others it would keep one thread busy long
   * after the rest. Plain text is cut anywhere: each part is read with the detector's overlap of
   * context on either side and owns the matches that start in it, as the chunks of one read do.
   * JSON lines are cut at line starts, and each part is read as a JSON-lines file of its own. A
   * part's line numbers count from its own first line and are shifted by the newlines of the
   * parts before it when the parts are merged, and the columns of a first line cut by the part's
   * start by where it really began. A finding made in a decoded line that two parts both decoded
   * (an rsyslog line across the border) is dropped where the place was already reported, as
   * within one read.
   *
   * @return false when the file is not such a case (the caller scans it the usual way)
   */
  boolean scan(Path file, long partsFromBytes, long partBytes, int threads, ExecutorService pool, ScanListener listener,
      Collector collector, ScanStats stats, FindingOrder order) {
    long size;
    byte[] head = new byte[LeafDispatcher.HEAD];
    String path = file.toString();
    PartReader reader;
    long[] starts;
    int parts;
    int ov; // bytes of context on either side of a part
    try {
      if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) || (size = Files.size(file)) < partsFromBytes
          || !listener.include(file)) {
        return false;
      }
      try (InputStream in = opener.open(file)) {
        int n = in.readNBytes(head, 0, head.length);
        reader = dispatcher.partReader(path, head, n);
        if (reader == null) {
          return false;
        }
        // a part is never shorter than two overlaps: the readers' ownership of matches near a
        // border assumes the context on either side does not reach past the next part
        ov = reader.partsAtLineStarts() ? 0 : context.detector.overlap();
        long each = Math.max(partBytes, 2L * ov);
        parts = (int) Math.max(threads, Math.min(Integer.MAX_VALUE - 8, (size + each - 1) / each));
        starts = reader.partsAtLineStarts() ? lineStarts(in, head, n, size, parts) : evenStarts(size, parts);
      }
    } catch (IOException | UncheckedIOException e) {
      return false; // the usual way reports it
    }
    stats.addFile();
    stats.addLeaf();
    FindingOrder.Lane nameLane = order.open(); // the file's own name, ahead of its content
    try {
      names.scanName(path, file.getFileName(), collector.forLane(nameLane));
    } finally {
      nameLane.close();
    }
    PartLines[] partLines = new PartLines[parts];
    // as LeafSink does within a part: a finding in decoded text at a place already reported goes;
    // a place is reported again only near the border, so the last keys seen are enough
    Map<ScanContext.PlaceKey, Boolean> seen = ScanContext.recentPlaces();
    List<Future<?>> tasks = new ArrayList<>();
    for (int k = 0; k < parts; k++) {
      long start = starts[k];
      long end = k == parts - 1 ? size : starts[k + 1];
      int part = k;
      FindingOrder.Lane lane = order.open(new Placement(part, start, end, partLines, !reader.partsAtLineStarts(), seen));
      Collector partCollector = collector.forLane(lane);
      tasks.add(pool.submit(() -> {
        int left = (int) Math.min(start, ov); // bytes of left context before the part
        try (InputStream raw = opener.open(file)) {
          raw.skipNBytes(start - left);
          // the reader stops at `end`, or where parts start anywhere once it has read past it what
          // a match starting before it needs
          try (InputStream in = stats.meter(raw, path, false)) {
            LeafSink sink = new LeafSink(context, partCollector);
            try {
              partLines[part] = DecodingReader.readPart(reader, in, path, sink, start - left, left, end, dispatcher.decodeDepth());
            } finally {
              sink.flush();
            }
          }
        } catch (IOException | UncheckedIOException e) {
          IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
          if (!(io instanceof java.io.EOFException && Scanner.sizeOf(file) < size)) { // a shrunk (or gone: -1) file is said once, below
            partCollector.problem(new Problem(path, Problem.Type.UNREADABLE, FileWalker.describe(io)));
          }
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
    Scanner.shrank(file, size, collector);
    return true;
  }

  /** Where parts start that may start anywhere: {@code size / parts} bytes each, the last one taking the rest. */
  private static long[] evenStarts(long size, int parts) {
    long[] starts = new long[parts];
    for (int k = 0; k < parts; k++) {
      starts[k] = k * (size / parts);
    }
    return starts;
  }

  /**
   * Where parts start that must start at a line's start (JSON lines): right after the first
   * {@code '\n'} at or after the part's even start (part 0 at 0), or at the end when there is
   * none. A line longer than a part leaves the part after it empty; the part that holds the line's
   * start reads it whole. {@code in} stands after the file's first bytes {@code head[0, n)}.
   */
  private static long[] lineStarts(InputStream in, byte[] head, int n, long size, int parts) throws IOException {
    long[] starts = evenStarts(size, parts);
    byte[] buf = java.util.Arrays.copyOf(head, Math.max(n, LINE_SEEK_BUFFER));
    long bufStart = 0; // buf[0, len) holds the file's bytes from bufStart on; `in` stands after them
    int len = n;
    for (int k = 1; k < parts; k++) {
      long from = starts[k];
      if (starts[k - 1] > from) {
        starts[k] = starts[k - 1]; // one line from the part before's even start to past this one's: that part is empty
        continue;
      }
      starts[k] = size;
      while (true) {
        if (from >= bufStart + len) {
          in.skipNBytes(from - (bufStart + len));
          bufStart = from;
          len = in.readNBytes(buf, 0, buf.length);
          if (len == 0) {
            break;
          }
        }
        int nl = ByteScan.indexOf(buf, (int) (from - bufStart), len, (byte) '\n');
        if (nl >= 0) {
          starts[k] = Math.min(size, bufStart + nl + 1); // a file that grew is read up to the size it had
          break;
        }
        from = bufStart + len;
      }
    }
    return starts;
  }

  /**
   * Places a part's findings in the leaf as they go out of its lane, in part order: by then every
   * part before it has ended and its line count is known.
   */
  private static final class Placement implements UnaryOperator<Finding> {
    private final int part;
    private final long start;
    private final long end;
    private final PartLines[] partLines;
    private final boolean firstLineCut;
    private final Map<ScanContext.PlaceKey, Boolean> seen;
    private long lineShift = -1;
    private long lineStart;
    private boolean unplaced;

    /**
     * @param firstLineCut whether the part's first line may have begun before it (parts that start
     *     anywhere), its columns then counted from where the part's reading began
     */
    Placement(int part, long start, long end, PartLines[] partLines, boolean firstLineCut,
        Map<ScanContext.PlaceKey, Boolean> seen) {
      this.part = part;
      this.start = start;
      this.end = end;
      this.partLines = partLines;
      this.firstLineCut = firstLineCut;
      this.seen = seen;
    }

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
      Location l = f.location();
      if (l.decodings() != null && "rsyslog".equals(l.decodings().get(0)) && (l.offset() < start || l.offset() >= end)) {
        // an rsyslog line across the border is decoded by every part it reaches into (base64 and
        // URL-encoded runs only by the part they start in): the part that holds this place decodes
        // it too, or finds the secret in clear as one read does, and reports it there. A later
        // copy went by `seen`, but one that came first was kept beside the clear finding.
        return null;
      }
      if (l.line() != null) {
        // after a part that failed, its newlines are not known: the finding keeps its offset, which
        // is exact, and goes without a line and column (it was dropped, and with parts of 16 MB a
        // read error near a file's start lost the findings of all the rest)
        Long line = unplaced ? null : Long.valueOf(l.line() + lineShift);
        Long column = unplaced ? null
            : l.line() == 1 && part > 0 && firstLineCut ? Long.valueOf(l.offset() - lineStart + 1) : l.column();
        l = new Location(l.path(), line, column, l.offset(), l.entry(), l.timestamp(), l.encoding(), l.jsonPath(),
            l.decodings(), l.format(), l.cache(), l.store(), l.part());
      }
      if (seen.put(ScanContext.placeKey(f.evidence().ruleId(), l, f.evidence().fingerprint()), Boolean.TRUE) != null && l.decodings() != null) {
        return null;
      }
      return new Finding(l, f.evidence(), f.revealed());
    }
  }
}

package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.SafeText;
import dev.tokensweep.scanner.model.ScanStats;
import dev.tokensweep.scanner.pipeline.ScanListener;
import dev.tokensweep.scanner.source.FileWalker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One status line on stderr while a scan runs on a terminal, redrawn four times a second: bytes
 * read (counted as they are read, not when a file ends), the total and percentage once a quick
 * walk of the inputs' sizes has added them up (the file's size for a single file; no total with
 * stdin), the rate, the time left, findings so far and the input being read, escaped and cut from
 * the left to fit the line. Cleared when the scan ends; never in a report. A progress-bar library
 * would pull a terminal library into the jar; this is a throttled printer on a daemon thread.
 */
final class ProgressPrinter implements ScanListener, AutoCloseable {
  static final long DELAY_MS = 500;
  static final long PERIOD_MS = 250;

  private final PrintWriter err;
  private final ScanListener delegate;
  private final List<String> inputs;
  private final boolean followLinks;
  private final int width;
  private final AtomicLong findings = new AtomicLong();
  /** Bytes of all inputs once the size walk has finished, else -1. */
  private final AtomicLong total = new AtomicLong(-1);
  private volatile ScanStats stats;
  private volatile boolean stopped;
  private boolean drawn;
  private Thread thread;

  ProgressPrinter(PrintWriter err, ScanListener delegate, List<String> inputs, boolean followLinks) {
    this.err = err;
    this.delegate = delegate;
    this.inputs = List.copyOf(inputs);
    this.followLinks = followLinks;
    this.width = columns();
  }

  /** The terminal's width from {@code COLUMNS} when the shell exports it, else 80. */
  static int columns() {
    try {
      int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").strip());
      return c >= 20 ? c : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /**
   * Whether stderr is a terminal. Java 17 cannot ask about stderr alone: on Linux its file
   * descriptor says ({@code /proc/self/fd/2} links to a tty), elsewhere a console (stdin and stdout
   * both terminals) is taken as the answer.
   */
  static boolean stderrIsTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    try {
      if (Files.isSymbolicLink(fd)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
      }
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      // fall through
    }
    return System.console() != null;
  }

  @Override
  public boolean include(Path file) {
    return delegate.include(file);
  }

  @Override
  public void started(ScanStats s) {
    delegate.started(s);
    this.stats = s;
    Thread sizes = new Thread(this::addUpSizes, "tokensweep-progress-sizes");
    sizes.setDaemon(true);
    sizes.setPriority(Thread.MIN_PRIORITY);
    sizes.start();
    thread = new Thread(this::loop, "tokensweep-progress");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void found(Finding f) {
    delegate.found(f);
    findings.incrementAndGet();
  }

  /** The size of every input file the scan will read (stored bytes, as the scan counts them). */
  private void addUpSizes() {
    long sum = sizeOf(inputs, delegate::include, followLinks, () -> stopped);
    if (sum >= 0 && !stopped) {
      total.set(sum);
    }
  }

  /** Ends a size walk from inside it once the scan is over. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /**
   * Bytes of the regular files a scan of {@code inputs} reads, walked by the scan's own
   * {@link FileWalker} (a linked input followed, links inside when {@code followLinks}), those in
   * a directory that {@code include} takes; -1 with stdin among them (no size) or once
   * {@code stopped}. What the walk cannot read the scan reports; here it adds nothing.
   */
  static long sizeOf(List<String> inputs, Predicate<Path> include, boolean followLinks, BooleanSupplier stopped) {
    FileWalker walker = new FileWalker(followLinks);
    long[] sum = {0};
    for (String input : inputs) {
      if (input.equals("-")) {
        return -1; // stdin has no size
      }
      try {
        walker.walkSized(Path.of(input), dir -> { }, (file, size) -> {
          if (stopped.getAsBoolean()) {
            throw new Stopped();
          }
          if (size < 0) { // a file named as the input
            sum[0] += sizeOrZero(file);
          } else if (include.test(file)) {
            sum[0] += size;
          }
        }, problem -> { });
      } catch (Stopped e) {
        return -1;
      } catch (RuntimeException e) {
        // the scan reports what it cannot read; progress just goes on without it
      }
      if (stopped.getAsBoolean()) {
        return -1;
      }
    }
    return sum[0];
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.size(file);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private void loop() {
    try {
      Thread.sleep(DELAY_MS);
      while (!stopped) {
        draw();
        Thread.sleep(PERIOD_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void draw() {
    if (stopped) {
      return;
    }
    ScanStats s = stats;
    err.print("\r\u001b[K" + line(s.bytesSoFar(), total.get(), s.seconds(), findings.get(), s.files(), s.current(),
        width));
    err.flush();
    drawn = true;
  }

  /**
   * The status line, at most {@code width - 1} characters: {@code 1.2 GiB/4.0 GiB (30%),
   * 250.0 MiB/s, 0:11 left, 3 findings, 120 files: …/var/log/app.log}. {@code total} is -1 while
   * unknown; the path is escaped for the terminal and loses its start when the line is too long.
   */
  static String line(long done, long total, double seconds, long findings, long files, String current, int width) {
    double secs = Math.max(0.001, seconds);
    double rate = done / secs;
    StringBuilder b = new StringBuilder(ScanCommand.humanBytes(done));
    if (total >= 0) {
      long shown = Math.max(total, done);
      b.append('/').append(ScanCommand.humanBytes(shown))
          .append(String.format(Locale.ROOT, " (%d%%)", shown == 0 ? 100 : Math.min(100, done * 100 / shown)));
    }
    b.append(", ").append(ScanCommand.humanBytes((long) rate)).append("/s");
    if (total >= 0 && rate > 0 && total > done) {
      long left = (long) Math.ceil((total - done) / rate);
      b.append(", ").append(left >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", left / 3600, left / 60 % 60, left % 60)
          : String.format(Locale.ROOT, "%d:%02d", left / 60, left % 60)).append(" left");
    }
    b.append(String.format(Locale.ROOT, ", %,d %s, %,d %s", findings, findings == 1 ? "finding" : "findings", files,
        files == 1 ? "file" : "files"));
    int room = width - 1 - b.length() - 2;
    if (current != null && room >= 8) {
      String path = SafeText.terminal(current);
      if (path.length() > room) {
        path = "…" + path.substring(path.length() - (room - 1));
      }
      b.append(": ").append(path);
    }
    if (b.length() > width - 1) {
      b.setLength(width - 1);
    }
    return b.toString();
  }

  @Override
  public synchronized void close() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
    if (drawn) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }
}

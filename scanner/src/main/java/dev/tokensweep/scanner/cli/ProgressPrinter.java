package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.SafeText;
import dev.tokensweep.scanner.model.ScanStats;
import dev.tokensweep.scanner.pipeline.ScanListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

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
  private final int width;
  private final AtomicLong findings = new AtomicLong();
  /** Bytes of all inputs once the size walk has finished, else -1. */
  private final AtomicLong total = new AtomicLong(-1);
  private volatile ScanStats stats;
  private volatile boolean stopped;
  private boolean drawn;
  private Thread thread;

  ProgressPrinter(PrintWriter err, ScanListener delegate, List<String> inputs) {
    this.err = err;
    this.delegate = delegate;
    this.inputs = List.copyOf(inputs);
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
    long sum = sizeOf(inputs, delegate::include, () -> stopped);
    if (sum >= 0 && !stopped) {
      total.set(sum);
    }
  }

  /**
   * Bytes of the regular files the scan of {@code inputs} reads, those {@code include} takes in
   * a directory; -1 with stdin among them (no size) or once {@code stopped}. An input that is a
   * link is followed, as the scan follows a path named on the command line; links inside are not.
   */
  static long sizeOf(List<String> inputs, java.util.function.Predicate<Path> include, java.util.function.BooleanSupplier stopped) {
    long sum = 0;
    for (String input : inputs) {
      if (input.equals("-")) {
        return -1; // stdin has no size
      }
      Path p = Path.of(input);
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (a.isRegularFile()) {
          sum += a.size();
        } else if (a.isDirectory()) {
          // walkFileTree would take a linked start for the link itself: "link/." goes through it,
          // and the files are named under the link for include, as the scan names them
          Path start = Files.isSymbolicLink(p) ? p.resolve(".") : p;
          long[] dir = {0};
          Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (stopped.getAsBoolean()) {
                return FileVisitResult.TERMINATE;
              }
              if (attrs.isRegularFile() && include.test(start == p ? file : p.resolve(start.relativize(file)))) {
                dir[0] += attrs.size();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
          sum += dir[0];
        }
      } catch (IOException | RuntimeException e) {
        // the scan reports what it cannot read; progress just goes on without it
      }
      if (stopped.getAsBoolean()) {
        return -1;
      }
    }
    return sum;
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

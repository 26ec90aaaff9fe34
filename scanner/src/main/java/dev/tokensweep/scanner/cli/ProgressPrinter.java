package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.pipeline.ScanListener;
import dev.tokensweep.scanner.model.ScanStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One status line on stderr, redrawn a few times a second once a scan has run for a moment:
 * files, bytes, throughput and findings so far. It never prints a path or anything from the input.
 * A progress-bar library would need the total up front, which a streaming walk does not know, and
 * would pull a terminal library into the jar; this is a throttled printer on a daemon thread.
 */
final class ProgressPrinter implements ScanListener, AutoCloseable {
  static final long DELAY_MS = 1000;
  static final long PERIOD_MS = 250;

  private final PrintWriter err;
  private final ScanListener delegate;
  private final AtomicLong findings = new AtomicLong();
  private volatile ScanStats stats;
  private volatile boolean stopped;
  private boolean drawn;
  private Thread thread;

  ProgressPrinter(PrintWriter err, ScanListener delegate) {
    this.err = err;
    this.delegate = delegate;
  }

  @Override
  public boolean include(java.nio.file.Path file) {
    return delegate.include(file);
  }

  @Override
  public void started(ScanStats s) {
    delegate.started(s);
    this.stats = s;
    thread = new Thread(this::loop, "tokensweep-progress");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void found(Finding f) {
    delegate.found(f);
    findings.incrementAndGet();
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
    double secs = Math.max(0.001, s.seconds());
    err.print("\r\u001b[K" + line(s.files(), s.bytes(), secs, findings.get()));
    err.flush();
    drawn = true;
  }

  static String line(long files, long bytes, double seconds, long findings) {
    return String.format(Locale.ROOT, "scanning: %,d files, %s, %s/s, %,d %s", files, ScanCommand.humanBytes(bytes),
        ScanCommand.humanBytes((long) (bytes / seconds)), findings, findings == 1 ? "finding" : "findings");
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

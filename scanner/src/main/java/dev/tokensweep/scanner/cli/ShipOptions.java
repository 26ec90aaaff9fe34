package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.fleet.Cluster;
import dev.tokensweep.scanner.fleet.Outbox;
import dev.tokensweep.scanner.fleet.Retention;
import dev.tokensweep.scanner.fleet.Shipper;
import dev.tokensweep.scanner.model.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How to ship, shared by {@code scan --ship} and {@code ship}: the cluster, the outbox, batching,
 * retries and retention. {@link #run} sends the documents a command adds and prints one line on
 * stderr: what was sent, or that shipping is incomplete and why.
 */
final class ShipOptions {
  @Mixin
  ClusterOptions cluster;

  @Option(names = "--outbox", paramLabel = "DIR",
      description = "Where documents that could not be sent wait for the next run (default: $XDG_STATE_HOME/tokensweep/outbox, "
          + "else ~/.local/state/tokensweep/outbox).")
  Path outbox;

  @Option(names = "--bulk-size", paramLabel = "N", description = "Documents per bulk request (default: "
      + Shipper.Settings.DEFAULT_BULK_SIZE + ").")
  Integer bulkSize;

  @Option(names = "--ship-retries", paramLabel = "N", defaultValue = "5",
      description = "Retries of a request after a 429, a 5xx or a broken connection, with backoff from 1 s doubling to 30 s (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--ship-backoff-ms", hidden = true, paramLabel = "MILLIS", defaultValue = "1000",
      description = "First retry wait, for tests (default: ${DEFAULT-VALUE}).")
  long backoffMs;

  @Option(names = "--retention-days", paramLabel = "DAYS",
      description = "After shipping, delete this prefix's monthly indices whose whole month ended more than DAYS days ago.")
  Integer retentionDays;

  /** Adds the documents of a run to a shipper. */
  interface Documents {
    void addTo(Shipper shipper) throws IOException;
  }

  /** Checks the options before any work; returns the cluster. */
  Cluster prepare(String url, PrintWriter err, boolean quiet) {
    if (bulkSize != null && bulkSize < 1) {
      throw new Main.UsageException("--bulk-size must be at least 1");
    }
    if (retries < 0) {
      throw new Main.UsageException("--ship-retries must be 0 or more");
    }
    if (retentionDays != null && retentionDays < 1) {
      throw new Main.UsageException("--retention-days must be at least 1");
    }
    return cluster.connect(url, err, quiet);
  }

  /**
   * Starts a shipper (template, then the outbox), lets {@code documents} add this run's
   * documents, finishes, applies retention and prints the one line. Returns whether everything
   * was delivered.
   */
  boolean run(Cluster c, PrintWriter err, boolean quiet, Documents documents, Shipper.Listener listener)
      throws IOException {
    if (!quiet) {
      err.println("tokensweep: shipping to " + c.where() + " (" + c.credentials() + ")");
      err.flush();
    }
    Shipper.Settings s = Shipper.Settings.defaults().withRetries(retries, Duration.ofMillis(Math.max(0, backoffMs)));
    if (bulkSize != null) {
      s = s.withBulkSize(bulkSize);
    }
    Shipper.Report report;
    try (Outbox box = Outbox.open(outboxRoot(), c.where())) {
      Shipper shipper = new Shipper(c, cluster.prefix, box, s, listener);
      shipper.start();
      documents.addTo(shipper);
      report = shipper.finish();
    }
    String counts = String.format(Locale.ROOT, "%d sent, %d already there, %d retried, %d in outbox", report.sent(),
        report.alreadyThere(), report.retried(), report.inOutbox())
        + (report.fromOutbox() > 0 ? " (" + report.fromOutbox() + " of them delivered from the outbox)" : "");
    if (!report.complete()) {
      // the error may quote the cluster's answer, which may quote what it was sent
      err.println("tokensweep: shipping incomplete: " + SafeText.terminal(BuiltinDetector.scrub(
          (report.error() == null ? "documents wait in the outbox" : report.error()) + "; " + counts + " " + report.outbox()))
          + " (the next run sends them first)");
      err.flush();
      return false;
    }
    if (retentionDays != null) {
      try {
        List<String> gone = Retention.apply(c, cluster.prefix, retentionDays, Instant.now());
        if (!gone.isEmpty() && !quiet) {
          err.println("tokensweep: retention " + retentionDays + " days: deleted " + String.join(", ", gone));
        }
      } catch (IOException e) {
        err.println("tokensweep: warning: retention not applied: " + SafeText.terminal(BuiltinDetector.scrub(e.getMessage())));
      }
    }
    if (!quiet) {
      err.println("tokensweep: shipped to " + c.where() + ": " + counts);
    }
    err.flush();
    return true;
  }

  private Path outboxRoot() {
    if (outbox != null) {
      return outbox;
    }
    String state = System.getenv("XDG_STATE_HOME");
    Path base = state != null && !state.isBlank() ? Path.of(state)
        : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("tokensweep").resolve("outbox");
  }
}

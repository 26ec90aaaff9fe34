package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.fleet.Cluster;
import dev.tokensweep.scanner.fleet.ReportFile;
import dev.tokensweep.scanner.fleet.Shipper;
import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.report.EcsDocuments;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokensweep ship URL [REPORT...]}: send reports, a local index, or just the outbox to a cluster. */
@Command(name = "ship", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = {"Send sweeps to an OpenSearch cluster.",
        "Sends reports written earlier (JSON, JSON lines or ECS) and a local sweep index (--from-index), after "
            + "whatever earlier runs left in the outbox. With no REPORT and no --from-index it only sends the outbox. "
            + "Documents never hold a secret."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:everything delivered",
        "2:usage error",
        "3:a report or index could not be read whole (the rest was shipped)",
        "4:internal error",
        "5:shipping incomplete (what was not sent waits in the outbox)"})
final class ShipCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "URL", description = "The cluster, like https://search.example.internal:9200.")
  String url;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "REPORT",
      description = "Reports of tokensweep scan (--format json, jsonl or ecs).")
  List<Path> reports = new ArrayList<>();

  @Option(names = "--from-index", paramLabel = "DIR", description = "Send every sweep of this local sweep index.")
  Path fromIndex;

  @Option(names = "--host", paramLabel = "NAME",
      description = "The host of JSON and JSON lines reports, which do not name it (default: this host's name).")
  String host;

  @Option(names = {"-q", "--quiet"}, description = "Only errors on stderr.")
  boolean quiet;

  @Mixin
  ShipOptions shipOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    for (Path r : reports) {
      if (!Files.isRegularFile(r)) {
        throw new Main.UsageException("no such report file: " + r);
      }
    }
    SweepIndex index = null;
    if (fromIndex != null) {
      index = new SweepIndex(fromIndex, Duration.ZERO);
      if (!index.exists()) {
        throw new Main.UsageException(fromIndex + ": no sweep index here (scan --index creates one)");
      }
    }
    Cluster cluster = shipOptions.prepare(url, err, quiet);
    String h = host != null ? host : ReportOptions.defaultHost();
    List<String> unread = new ArrayList<>();
    SweepIndex idx = index;
    boolean delivered = shipOptions.run(cluster, err, quiet, shipper -> {
      for (Path r : reports) {
        try {
          ReportFile.read(r, h, new ReportFile.Sink() {
            @Override
            public void finding(Map<String, Object> document) throws IOException {
              shipper.add(document);
            }

            @Override
            public void sweep(Map<String, Object> document) throws IOException {
              shipper.addSweep(document);
            }
          });
        } catch (ReportFile.BadReportException | NoSuchFileException e) {
          unread.add(e.getMessage());
        }
      }
      if (idx != null) {
        long missing = idx.sources(json -> {
          if (EcsDocuments.DATASET_SWEEP.equals(Cluster.datasetOf(json))) {
            shipper.addSweepJson(json);
          } else {
            shipper.addJson(json);
          }
        });
        if (missing > 0) {
          unread.add(fromIndex + ": " + missing + " documents were recorded by an older tokensweep that kept no "
              + "document to ship; scan again with --index to record them");
        }
      }
    }, null);
    for (String u : unread) {
      err.println("tokensweep: not shipped: " + u);
    }
    err.flush();
    if (!delivered) {
      return Main.EXIT_SHIP_INCOMPLETE;
    }
    return unread.isEmpty() ? 0 : Main.EXIT_INCOMPLETE;
  }
}

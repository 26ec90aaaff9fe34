package dev.tokensweep.scanner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.scanner.fleet.FleetQueries;
import dev.tokensweep.scanner.fleet.Cluster;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tokensweep fleet --opensearch URL where|new|top|stale}: questions about every host's sweeps. */
@Command(name = "fleet", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = "Ask the OpenSearch cluster that sweeps are shipped to about the whole fleet.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:something listed",
        "1:nothing listed",
        "2:usage error",
        "4:internal error",
        "5:the cluster could not be reached or refused the query"},
    subcommands = {FleetCommand.Where.class, FleetCommand.New.class, FleetCommand.Top.class, FleetCommand.Stale.class})
final class FleetCommand implements Callable<Integer> {

  @Option(names = "--opensearch", paramLabel = "URL", required = true,
      description = "The cluster, like https://search.example.internal:9200.")
  String url;

  @Mixin
  ClusterOptions cluster;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "a question is needed: where FINGERPRINT, new, top or stale --days N");
  }

  /** Made on first use: picocli instantiates every command at startup, and a mapper costs ~0.1 s to make. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  FleetQueries queries(PrintWriter err) {
    Cluster c = cluster.connect(url, err, true);
    return new FleetQueries(c, cluster.prefix);
  }

  /** Runs a query; a cluster that cannot be reached or refuses is one line on stderr and exit 5. */
  static int answer(PrintWriter err, Query q) {
    try {
      return q.run();
    } catch (FleetQueries.BadQueryException e) {
      throw new Main.UsageException(e.getMessage());
    } catch (IOException e) {
      // the message may quote the cluster's answer, which may quote what it was sent
      err.println("tokensweep: fleet query failed: " + SafeText.terminal(BuiltinDetector.scrub(e.getMessage())));
      err.flush();
      return Main.EXIT_SHIP_INCOMPLETE;
    }
  }

  /** An instant to the second, for tables. */
  static Instant sec(Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /**
   * One question: connects, asks, prints the answer as text or JSON and flushes; a cluster that
   * cannot be reached or refuses is one line on stderr and exit 5 ({@link #answer}).
   */
  abstract static class Question implements Callable<Integer> {
    @ParentCommand
    FleetCommand parent;

    @Mixin
    TextOrJsonOption format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Checks the options before anything is sent (a usage error is thrown). */
    void check() {}

    /** Asks, prints the answer to {@code out}, and returns the exit code (1: nothing listed). */
    abstract int ask(FleetQueries q, PrintWriter out, boolean json) throws IOException, FleetQueries.BadQueryException;

    @Override
    public final Integer call() {
      check();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      FleetQueries q = parent.queries(err);
      boolean json = format.json();
      return answer(err, () -> {
        int code = ask(q, out, json);
        out.flush();
        return code;
      });
    }
  }

  static void printJson(PrintWriter out, Object value) throws IOException {
    out.println(Json.MAPPER.writeValueAsString(value));
  }

  interface Query {
    int run() throws IOException, FleetQueries.BadQueryException;
  }

  static Instant now(String s) {
    try {
      return s == null ? Instant.now() : Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new Main.UsageException("--now: not an ISO-8601 instant (like 2026-11-22T10:00:00Z): " + s);
    }
  }

  @Command(name = "where", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
      description = "On which hosts a fingerprint (or every fingerprint with a prefix of 4+ hex digits) appears, with first and last seen.")
  static final class Where extends Question {
    @Parameters(paramLabel = "FINGERPRINT", description = "64 hex digits, or a prefix (optionally ending in *).")
    String fingerprint;

    @Override
    int ask(FleetQueries q, PrintWriter out, boolean json) throws IOException, FleetQueries.BadQueryException {
      List<FleetQueries.Place> places = q.where(fingerprint);
      if (json) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FleetQueries.Place p : places) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("host", p.host());
          m.put("first_seen", p.firstSeen().toString());
          m.put("last_seen", p.lastSeen().toString());
          m.put("sweeps", p.sweeps());
          m.put("findings", p.findings());
          m.put("fingerprints", p.fingerprints());
          m.put("rules", p.rules());
          m.put("paths", p.paths());
          list.add(m);
        }
        printJson(out, list);
      } else {
        out.printf(Locale.ROOT, "%-24s %-20s %-20s %6s %8s  %-14s %s%n", "host", "first seen", "last seen", "sweeps",
            "findings", "rules", "paths");
        for (FleetQueries.Place p : places) {
          out.printf(Locale.ROOT, "%-24s %-20s %-20s %6d %8d  %-14s %s%n", p.host(), sec(p.firstSeen()), sec(p.lastSeen()),
              p.sweeps(), p.findings(), String.join(",", p.rules()), String.join(", ", p.paths()));
        }
        out.printf(Locale.ROOT, "%d %s%n", places.size(), places.size() == 1 ? "host" : "hosts");
      }
      return places.isEmpty() ? 1 : 0;
    }
  }

  @Command(name = "new", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
      description = "What each host's latest sweep found that its previous sweep did not (everything, for a first sweep).")
  static final class New extends Question {
    @Option(names = "--host", paramLabel = "NAME", description = "Only this host.")
    String host;

    @Override
    int ask(FleetQueries q, PrintWriter out, boolean json) throws IOException, FleetQueries.BadQueryException {
      List<FleetQueries.HostNews> news = q.newSinceLast(host);
      long total = 0;
      if (json) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FleetQueries.HostNews n : news) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("host", n.host());
          m.put("sweep", n.sweep());
          m.put("time", n.time().toString());
          m.put("previous_sweep", n.previousSweep());
          List<Map<String, Object>> fs = new ArrayList<>();
          for (FleetQueries.Hit h : n.findings()) {
            fs.add(hit(h));
          }
          m.put("findings", fs);
          total += fs.size();
          list.add(m);
        }
        printJson(out, list);
      } else {
        for (FleetQueries.HostNews n : news) {
          out.printf(Locale.ROOT, "%s: sweep %s at %s (%s): %d new%n", n.host(), n.sweep(), sec(n.time()),
              n.previousSweep() == null ? "its first" : "previous " + n.previousSweep(), n.findings().size());
          for (FleetQueries.Hit h : n.findings()) {
            out.printf(Locale.ROOT, "  %-8s %-14s %s  %s  fp:%s%n", h.severity(), h.ruleId(),
                Location.shortForm(h.path(), h.line(), h.column(), h.offset()), h.preview(),
                h.fingerprint().substring(0, Math.min(12, h.fingerprint().length())));
          }
          total += n.findings().size();
        }
        out.printf(Locale.ROOT, "%d new %s on %d %s%n", total, total == 1 ? "finding" : "findings", news.size(),
            news.size() == 1 ? "host" : "hosts");
      }
      return total == 0 ? 1 : 0;
    }

    private static Map<String, Object> hit(FleetQueries.Hit h) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rule_id", h.ruleId());
      m.put("kind", h.kind());
      m.put("severity", h.severity());
      m.put("location", SearchCommand.location(h.path(), h.line(), h.column(), h.offset()));
      m.put("preview", h.preview());
      m.put("fingerprint", h.fingerprint());
      return m;
    }
  }

  @Command(name = "top", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
      description = "The rules and kinds with the most distinct tokens across the fleet, with how many hosts hold them.")
  static final class Top extends Question {
    @Option(names = "--days", paramLabel = "N", defaultValue = "30", description = "Findings of the last N days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "At most N rules and N kinds (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--now", paramLabel = "INSTANT", hidden = true, description = "Count days back from here (tests).")
    String now;

    @Override
    void check() {
      if (days < 1 || limit < 1) {
        throw new Main.UsageException("--days and --limit must be at least 1");
      }
    }

    @Override
    int ask(FleetQueries q, PrintWriter out, boolean json) throws IOException, FleetQueries.BadQueryException {
      Instant at = now(now);
      Map<String, List<FleetQueries.Top>> tops = q.top(days, limit, at);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, List<FleetQueries.Top>> e : tops.entrySet()) {
          List<Map<String, Object>> list = new ArrayList<>();
          for (FleetQueries.Top t : e.getValue()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(e.getKey(), t.value());
            row.put("tokens", t.tokens());
            row.put("hosts", t.hosts());
            row.put("findings", t.findings());
            list.add(row);
          }
          m.put(e.getKey() + "s", list);
        }
        printJson(out, m);
      } else {
        for (Map.Entry<String, List<FleetQueries.Top>> e : tops.entrySet()) {
          out.printf(Locale.ROOT, "%-24s %8s %8s %9s%n", e.getKey(), "tokens", "hosts", "findings");
          for (FleetQueries.Top t : e.getValue()) {
            out.printf(Locale.ROOT, "%-24s %8d %8d %9d%n", t.value(), t.tokens(), t.hosts(), t.findings());
          }
          out.println();
        }
        out.printf(Locale.ROOT, "findings of the last %d days; tokens are distinct fingerprints%n", days);
      }
      return tops.get("rule").isEmpty() ? 1 : 0;
    }
  }

  @Command(name = "stale", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
      description = "Hosts whose latest sweep is older than --days (hosts never swept are not known to the cluster).")
  static final class Stale extends Question {
    @Option(names = "--days", paramLabel = "N", required = true, description = "Not swept for more than N days.")
    int days;

    @Option(names = "--now", paramLabel = "INSTANT", hidden = true, description = "Count days back from here (tests).")
    String now;

    @Override
    void check() {
      if (days < 0) {
        throw new Main.UsageException("--days must be 0 or more");
      }
    }

    @Override
    int ask(FleetQueries q, PrintWriter out, boolean json) throws IOException, FleetQueries.BadQueryException {
      Instant at = now(now);
      List<FleetQueries.HostSweep> stale = q.stale(days, at);
      if (json) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FleetQueries.HostSweep h : stale) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("host", h.host());
          m.put("last_sweep", h.lastSweep().toString());
          m.put("sweep", h.sweep());
          m.put("age_days", h.ageDays());
          list.add(m);
        }
        printJson(out, list);
      } else {
        out.printf(Locale.ROOT, "%-24s %-20s %8s  %s%n", "host", "last sweep", "age days", "sweep");
        for (FleetQueries.HostSweep h : stale) {
          out.printf(Locale.ROOT, "%-24s %-20s %8d  %s%n", h.host(), sec(h.lastSweep()), h.ageDays(), h.sweep());
        }
        out.printf(Locale.ROOT, "%d %s not swept for more than %d days%n", stale.size(),
            stale.size() == 1 ? "host" : "hosts", days);
      }
      return stale.isEmpty() ? 1 : 0;
    }
  }
}

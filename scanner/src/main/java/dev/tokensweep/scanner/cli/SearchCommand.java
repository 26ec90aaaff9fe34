package dev.tokensweep.scanner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.model.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
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
import picocli.CommandLine.Spec;

/** {@code tokensweep search --index DIR QUERY}: findings across hosts and sweeps. */
@Command(name = "search", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = {"Search the sweep index for findings across hosts and sweeps.",
        "QUERY uses Lucene's syntax over the fields type, sweep, host, time, rule, kind, severity, status, path, file, "
            + "fingerprint, validation and provider; a bare term is a fingerprint. path: and file: values are literal paths, with * and ? "
            + "as wildcards.",
        "Examples: 'fingerprint:2d1216cb*'  'host:build-7 AND severity:critical'  'path:/home/ci/*'  "
            + "'time:[2026-11-01 TO 2026-12-01}'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:something matched", "1:nothing matched", "2:usage error (a bad query too)", "4:internal error"})
final class SearchCommand implements Callable<Integer> {

  @Parameters(paramLabel = "QUERY", arity = "1..*", description = "The query; several words are joined with AND.")
  List<String> query;

  @Mixin
  IndexOptions indexOptions;

  @Mixin
  TextOrJsonOption format;

  @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "At most this many findings, newest first (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--new-since", paramLabel = "last",
      description = "Only findings of each host's latest sweep that its previous sweep did not have.")
  String newSince;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    boolean json = format.json();
    if (newSince != null && !newSince.equals("last")) {
      throw new Main.UsageException("--new-since: only 'last' is supported");
    }
    if (limit < 1) {
      throw new Main.UsageException("--limit must be at least 1");
    }
    SweepIndex index = indexOptions.open();
    List<SweepIndex.Hit> hits;
    try {
      hits = index.search(String.join(" ", query), limit);
      if (newSince != null) {
        hits = index.newSinceLast(hits);
      }
    } catch (SweepIndex.BadQueryException e) {
      throw new Main.UsageException(e.getMessage());
    } catch (NoSuchFileException e) {
      throw new Main.UsageException(indexOptions.index + ": no sweep index here (scan --index creates one)");
    }
    hits = shown(hits);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (SweepIndex.Hit h : hits) {
        list.add(json(h));
      }
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
    } else {
      for (SweepIndex.Hit h : hits) {
        out.printf(Locale.ROOT, "%s  %-16s %-8s %-14s %s  %s  fp:%s  sweep %s%n", h.time(), SafeText.terminal(h.host()),
            h.severity(), SafeText.terminal(h.ruleId()), SafeText.terminal(h.where()), SafeText.terminal(h.preview()),
            h.fingerprint().substring(0, Math.min(12, h.fingerprint().length())), h.sweep());
      }
      out.printf(Locale.ROOT, "%d %s%n", hits.size(), hits.size() == 1 ? "finding" : "findings");
    }
    out.flush();
    return hits.isEmpty() ? 1 : 0;
  }

  /**
   * {@code hits} with their paths scrubbed as a scan shows them: sweeps record paths redacted,
   * but an index written by an earlier version under {@code --reveal} holds them in clear.
   */
  private static List<SweepIndex.Hit> shown(List<SweepIndex.Hit> hits) {
    List<SweepIndex.Hit> out = new ArrayList<>(hits.size());
    for (SweepIndex.Hit h : hits) {
      String p = BuiltinDetector.scrubPath(h.path());
      out.add(p.equals(h.path()) ? h : new SweepIndex.Hit(h.sweep(), h.host(), h.time(), h.ruleId(), h.ruleName(),
          h.kind(), h.severity(), h.status(), p, h.line(), h.column(), h.offset(), h.fingerprint(), h.preview()));
    }
    return out;
  }

  static Map<String, Object> json(SweepIndex.Hit h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sweep", h.sweep());
    m.put("host", h.host());
    m.put("time", h.time().toString());
    m.put("rule_id", h.ruleId());
    m.put("rule_name", h.ruleName());
    m.put("kind", h.kind());
    m.put("severity", h.severity());
    m.put("status", h.status());
    m.put("location", location(h.path(), h.line(), h.column(), h.offset()));
    m.put("preview", h.preview());
    m.put("fingerprint", h.fingerprint());
    return m;
  }

  /** A stored finding's location as the JSON answers of search and fleet give it (path already redacted). */
  static Map<String, Object> location(String path, Long line, Long column, long offset) {
    Map<String, Object> loc = new LinkedHashMap<>();
    loc.put("path", path);
    if (line != null) {
      loc.put("line", line);
    }
    if (column != null) {
      loc.put("column", column);
    }
    loc.put("offset", offset);
    return loc;
  }
}

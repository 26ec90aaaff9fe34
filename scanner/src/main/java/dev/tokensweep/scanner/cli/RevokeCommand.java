package dev.tokensweep.scanner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.ScanListener;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.report.ReportModel;
import dev.tokensweep.scanner.respond.ReportTargets;
import dev.tokensweep.scanner.respond.Revoker;
import dev.tokensweep.scanner.respond.SecretCapture;
import dev.tokensweep.scanner.respond.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokensweep revoke}: cut leaked tokens off at their providers. */
@Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = {"Revoke leaked tokens at their providers (GitHub, GitLab, Slack, Google, Okta).",
        "Choose findings from a JSON report (--report) or the sweep index (--index, --query).",
        "Their secrets are re-read from PATH (the report's inputs, same fingerprint key).",
        "Without --yes only the plan is shown and nothing is sent.",
        "With --yes each token is revoked at its provider, then checked again.",
        "With --index every attempt is recorded there (never the secret)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:all chosen tokens revoked and no longer live (or plan only)",
        "1:a revocation failed or a token is still live",
        "2:usage error",
        "3:some chosen tokens could not be revoked (secret not found, no endpoint)",
        "4:internal error"})
final class RevokeCommand implements Callable<Integer> {

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "The inputs to re-read the secrets from; - reads stdin.")
  List<String> paths;

  @Option(names = "--report", paramLabel = "FILE", description = "A report of ours (json, jsonl or ecs) naming the findings.")
  Path report;

  @Option(names = "--query", paramLabel = "QUERY", description = "With --index: the findings matching this query (as in search).")
  String query;

  @Option(names = "--fingerprint", paramLabel = "HEX",
      description = "Only the findings whose fingerprint starts with this (at least 8 hex characters); repeatable.")
  List<String> fingerprints = new ArrayList<>();

  @Option(names = "--yes", description = "Revoke. Without it only the plan is shown.")
  boolean yes;

  @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "At most this many findings from --query (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--host", paramLabel = "NAME", description = "Host name recorded in the index (default: this host's name).")
  String host;

  @Option(names = "--validate-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Give up on a provider's answer after this long (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Mixin
  IndexOptions indexOptions;

  @Mixin
  KeyOptions keyOptions;

  @Mixin
  RuleOptions ruleOptions;

  @Mixin
  TextOrJsonOption format;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean json = format.json();
    if ((report == null) == (query == null)) {
      throw new Main.UsageException("choose the findings with exactly one of --report FILE or --index DIR --query QUERY");
    }
    if (query != null && indexOptions.index == null) {
      throw new Main.UsageException("--query needs --index DIR");
    }
    String debug = Validator.unsafeJvmDebugging();
    if (debug != null) {
      throw new Main.UsageException("revoke refused: the JVM runs with -D" + debug
          + ", which prints what the HTTP client sends, tokens included");
    }
    if (limit < 1 || timeoutSeconds < 1) {
      throw new Main.UsageException("--limit and --validate-timeout must be at least 1");
    }
    for (String f : fingerprints) {
      if (!f.matches("[0-9a-fA-F]{8,64}")) {
        throw new Main.UsageException("--fingerprint: not 8 to 64 hex characters: " + f);
      }
    }
    List<Revoker.Target> targets = targets();
    if (!fingerprints.isEmpty()) {
      List<Revoker.Target> kept = new ArrayList<>();
      for (Revoker.Target t : targets) {
        for (String f : fingerprints) {
          if (t.fingerprint().startsWith(f.toLowerCase(Locale.ROOT))) {
            kept.add(t);
            break;
          }
        }
      }
      targets = kept;
    }
    if (targets.isEmpty()) {
      err.println("tokensweep: revoke: no finding chosen");
      return Main.EXIT_INCOMPLETE;
    }
    Set<String> fps = new LinkedHashSet<>();
    targets.forEach(t -> fps.add(t.fingerprint()));
    Instant now = Instant.now();

    // re-read the secrets: the same scan, keeping only the chosen fingerprints' secrets
    SecretCapture capture = SecretCapture.forFingerprints(fps, now);
    Detector detector;
    try {
      detector = BuiltinDetector.forRules(ruleOptions.rules());
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    Scanner scanner = new Scanner(detector, keyOptions.fingerprinter(), Scanner.Options.defaults().withNow(now), capture);
    ScanResult scanned = scanner.scan(paths, System.in, ScanListener.NONE);
    for (Problem p : scanned.problems()) {
      err.println(ScanCommand.problemLine(p));
    }

    Revoker revoker = Revoker.create(Validator.Settings.defaults().withTimeout(Duration.ofSeconds(timeoutSeconds)),
        scanner::scrub);
    List<Revoker.Step> plan = revoker.plan(targets, capture);
    SweepIndex index = indexOptions.index == null ? null : indexOptions.open();
    Map<String, List<SweepIndex.Revocation>> earlier = new LinkedHashMap<>();
    if (index != null) {
      for (Revoker.Step s : plan) {
        earlier.put(s.fingerprint(), index.revocations(s.fingerprint()));
      }
    }
    long ready = plan.stream().filter(Revoker.Step::ready).count();
    if (!yes) {
      print(out, json, plan, null, earlier);
      err.println("tokensweep: revoke: plan only, nothing sent; run again with --yes to revoke " + ready
          + (ready == 1 ? " token" : " tokens") + " at their providers");
      err.flush();
      return 0;
    }
    List<Revoker.Outcome> outcomes = revoker.revoke(plan, capture);
    err.println(revoker.summary());
    print(out, json, plan, outcomes, earlier);
    if (index != null) {
      String h = host != null ? host : ReportOptions.defaultHost();
      List<SweepIndex.Revocation> records = new ArrayList<>();
      for (Revoker.Outcome o : outcomes) {
        Revoker.Step s = o.step();
        records.add(new SweepIndex.Revocation(h, o.at(), s.ruleId(), s.provider(), s.fingerprint(), s.preview(), s.where(),
            o.result(), o.reason(), o.after()));
      }
      try {
        index.recordRevocations(records);
        err.println("tokensweep: revoke: recorded " + records.size() + (records.size() == 1 ? " attempt" : " attempts")
            + " in " + index.dir());
      } catch (SweepIndex.IndexBusyException e) {
        err.println("tokensweep: " + e.getMessage());
        return Main.EXIT_INTERNAL;
      }
    } else {
      err.println("tokensweep: revoke: not recorded anywhere (no --index)");
    }
    err.flush();
    boolean failed = false;
    boolean skipped = false;
    for (Revoker.Outcome o : outcomes) {
      failed |= o.result().equals(Revoker.Outcome.FAILED) || (o.after() != null && o.after().live());
      skipped |= o.result().equals(Revoker.Outcome.SKIPPED);
    }
    return failed ? Main.EXIT_FINDINGS : skipped ? Main.EXIT_INCOMPLETE : 0;
  }

  private List<Revoker.Target> targets() throws IOException {
    if (report != null) {
      try (InputStream in = Files.newInputStream(report)) {
        return ReportTargets.read(in);
      } catch (NoSuchFileException e) {
        throw new Main.UsageException("--report " + report + ": no such file");
      } catch (ReportTargets.BadReportException e) {
        throw new Main.UsageException("--report " + report + ": " + e.getMessage());
      }
    }
    SweepIndex index = indexOptions.open();
    try {
      List<Revoker.Target> out = new ArrayList<>();
      for (SweepIndex.Hit h : index.search(query, limit)) {
        out.add(new Revoker.Target(h.ruleId(), h.fingerprint(), h.where(), h.preview()));
      }
      return out;
    } catch (SweepIndex.BadQueryException e) {
      throw new Main.UsageException(e.getMessage());
    } catch (NoSuchFileException e) {
      throw new Main.UsageException(indexOptions.index + ": no sweep index here (scan --index creates one)");
    }
  }

  private static void print(PrintWriter out, boolean json, List<Revoker.Step> plan, List<Revoker.Outcome> outcomes,
      Map<String, List<SweepIndex.Revocation>> earlier) throws IOException {
    Map<String, Revoker.Outcome> byFp = new LinkedHashMap<>();
    if (outcomes != null) {
      outcomes.forEach(o -> byFp.put(o.step().fingerprint(), o));
    }
    if (json) {
      List<Object> steps = new ArrayList<>();
      for (Revoker.Step s : plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fingerprint", s.fingerprint());
        m.put("rule_id", s.ruleId());
        m.put("provider", s.provider());
        m.put("preview", s.preview());
        m.put("where", s.where());
        if (s.ready()) {
          m.put("action", s.action());
        } else {
          m.put("blocker", s.blocker());
        }
        List<Object> before = new ArrayList<>();
        for (SweepIndex.Revocation r : earlier.getOrDefault(s.fingerprint(), List.of())) {
          before.add(ReportModel.ordered("time", r.time().toString(), "host", r.host(), "result", r.result()));
        }
        if (!before.isEmpty()) {
          m.put("earlier_attempts", before);
        }
        Revoker.Outcome o = byFp.get(s.fingerprint());
        if (o != null) {
          m.put("result", o.result());
          if (o.reason() != null) {
            m.put("reason", o.reason());
          }
          if (o.after() != null) {
            m.put("after", ReportModel.validation(o.after()));
          }
        }
        steps.add(m);
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("revoked", outcomes != null);
      doc.put("tokens", steps);
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
      out.flush();
      return;
    }
    long ready = plan.stream().filter(Revoker.Step::ready).count();
    out.printf(Locale.ROOT, "%s: %d %s chosen, %d can be revoked%n", outcomes == null ? "Plan" : "Revocation", plan.size(),
        plan.size() == 1 ? "token" : "tokens", ready);
    for (Revoker.Step s : plan) {
      out.printf(Locale.ROOT, "%n  %-10s %-14s %s  fp:%s%n", s.provider() == null ? "?" : s.provider(), s.ruleId(),
          s.preview() == null ? "" : s.preview(), s.fingerprint().substring(0, 12));
      out.printf(Locale.ROOT, "      found at:  %s%s%n", s.where().get(0),
          s.where().size() > 1 ? " (and " + (s.where().size() - 1) + " more)" : "");
      for (SweepIndex.Revocation r : earlier.getOrDefault(s.fingerprint(), List.of())) {
        out.printf(Locale.ROOT, "      earlier:   %s at %s on %s%n", r.result(), r.time(), r.host());
      }
      if (s.ready()) {
        out.printf(Locale.ROOT, "      revoke:    %s%n", s.action());
      } else {
        out.printf(Locale.ROOT, "      cannot:    %s%n", s.blocker());
      }
      Revoker.Outcome o = byFp.get(s.fingerprint());
      if (o != null && s.ready()) {
        out.printf(Locale.ROOT, "      result:    %s%s%n", o.result(), o.reason() == null ? "" : " (" + o.reason() + ")");
        out.printf(Locale.ROOT, "      afterwards: %s%n", o.after() == null ? "not checked (the provider cannot be asked about it)"
            : o.after().status() + (o.after().reason() == null ? "" : " (" + o.after().reason() + ")"));
      }
    }
    out.flush();
  }
}

package dev.tokensweep.scanner.report;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.SafeText;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import dev.tokensweep.detectors.rule.Kind;

/**
 * For people: findings grouped by file, one line each, severity colored on a terminal, then a
 * summary table (counts by severity, by kind, and what was suppressed and why) unless quiet.
 * Every string that comes from the input goes through {@link SafeText#terminal}.
 */
final class TextReporter implements Reporter {
  private final boolean color;
  private final boolean quiet;

  TextReporter(boolean color) {
    this(color, false);
  }

  TextReporter(boolean color, boolean quiet) {
    this.color = color;
    this.quiet = quiet;
  }

  @Override
  public void report(ScanResult r, OutputStream os) throws IOException {
    PrintStream out = new PrintStream(os, false, StandardCharsets.UTF_8);
    String file = null;
    for (Finding f : r.findings()) {
      Location l = f.location();
      if (!l.path().equals(file)) {
        file = l.path();
        out.println();
        out.println(bold(SafeText.terminal(file)));
      }
      Evidence e = f.evidence();
      StringBuilder b = new StringBuilder("  ");
      b.append(String.format(Locale.ROOT, "%-14s", where(l)));
      b.append(' ').append(sev(e.severity()));
      b.append(' ').append(SafeText.terminal(e.ruleName())).append(" (").append(SafeText.terminal(e.ruleId())).append(')');
      b.append("  ").append(SafeText.terminal(f.revealed() != null ? f.revealed() : e.preview()));
      b.append("  fp:").append(e.fingerprint(), 0, 12);
      if (e.claims() != null) {
        b.append("  ").append(e.status());
        if (e.claims().exp() != null) {
          b.append(" (exp ").append(Instant.ofEpochSecond(e.claims().exp())).append(')');
        }
        if (!e.claims().scopes().isEmpty()) {
          b.append(" scopes: ").append(SafeText.terminal(String.join(" ", e.claims().scopes())));
        }
      }
      String owner = ReportModel.belongsToText(e);
      if (!owner.isEmpty()) {
        b.append("  belongs to ").append(owner);
      }
      String extra = extras(l);
      if (!extra.isEmpty()) {
        b.append("  [").append(SafeText.terminal(extra)).append(']');
      }
      if (f.validation() != null) {
        b.append("  ").append(validation(f.validation()));
      }
      out.println(b);
    }
    if (!r.problems().isEmpty()) {
      out.println();
      out.println(bold("Not scanned"));
      for (Problem p : r.problems()) {
        out.println("  " + SafeText.terminal(p.toString()));
      }
    }
    if (!quiet) {
      summary(r, out);
    }
    out.flush();
  }

  private void summary(ScanResult r, PrintStream out) {
    out.println();
    out.println(bold("Summary"));
    String files = r.files() + (r.files() == 1 ? " file" : " files")
        + (r.leaves() != r.files() ? " (" + r.leaves() + " leaves)" : "");
    out.printf(Locale.ROOT, "  %-14s %s, %s, %.2f s%n", "scanned", files, ReportModel.humanBytes(r.bytes()), r.seconds());
    out.printf(Locale.ROOT, "  %-14s %d%n", "findings", r.findings().size());
    Map<Severity, Long> bySev = r.findingsBySeverity();
    Severity[] sevs = Severity.values();
    for (int i = sevs.length - 1; i >= 0; i--) {
      long n = bySev.getOrDefault(sevs[i], 0L);
      String label = String.format(Locale.ROOT, "%-12s", sevs[i].id());
      out.printf(Locale.ROOT, "    %s %5d%n", n > 0 ? paint(sevs[i], label) : label, n);
    }
    if (!r.findings().isEmpty()) {
      out.println("  by kind");
      for (Map.Entry<Kind, Long> e : r.findingsByKind().entrySet()) {
        out.printf(Locale.ROOT, "    %-12s %5d%n", e.getKey().id(), e.getValue());
      }
    }
    Map<String, Object> val = ReportModel.summary(r);
    if (val.get("validation") instanceof Map<?, ?> counts) {
      out.println("  validated");
      counts.forEach((k, v) -> out.printf(Locale.ROOT, "    %-12s %5d%n", k, v));
    }
    if (!r.suppressed().isEmpty()) {
      out.println("  suppressed");
      for (Map.Entry<String, Long> e : r.suppressed().entrySet()) {
        boolean perFile = e.getKey().equals(dev.tokensweep.scanner.model.Suppression.IGNORE_FILE);
        out.printf(Locale.ROOT, "    %-12s %5d%s%n", e.getKey(), e.getValue(), perFile ? " files" : "");
      }
    }
    // problems, not "not scanned": damage leaves what came before it read, an unsafe name its member
    out.printf(Locale.ROOT, "  %-14s %d%s%n", "problems", r.problems().size(),
        r.complete() ? "" : " (incomplete)");
  }

  /** {@code validated: live (github: octocat, account; scopes repo gist; expires ...)}, or the reason. */
  static String validation(dev.tokensweep.scanner.model.Validation v) {
    StringBuilder b = new StringBuilder("validated: ").append(v.status());
    java.util.StringJoiner j = new java.util.StringJoiner("; ", " (", ")").setEmptyValue("");
    String who = v.provider() == null ? null : v.provider() + (v.identity() != null ? ": " + v.identity() : "")
        + (v.account() != null ? ", " + v.account() : "");
    if (who != null) {
      j.add(who);
    }
    if (!v.scopes().isEmpty()) {
      j.add("scopes " + String.join(" ", v.scopes()));
    }
    if (v.expires() != null) {
      j.add("expires " + Instant.ofEpochSecond(v.expires()));
    }
    if (v.reason() != null) {
      j.add(v.reason());
    }
    return b.append(j).toString();
  }

  private static String where(Location l) {
    if (Location.NAME.equals(l.part())) {
      return "name@" + l.offset(); // in the file's or member's name, not in a line of it
    }
    if (l.line() != null) {
      return l.column() != null ? l.line() + ":" + l.column() : String.valueOf(l.line());
    }
    return "@" + l.offset();
  }

  private static String extras(Location l) {
    StringBuilder b = new StringBuilder();
    if (Location.KEY.equals(l.part())) {
      b.append("in a key");
    }
    if (l.entry() != null) {
      b.append(b.length() > 0 ? ", " : "").append("entry ").append(l.entry());
      if (l.timestamp() != null) {
        b.append(" at ").append(Instant.ofEpochSecond(l.timestamp()));
      }
    }
    if (l.encoding() != null) {
      b.append(b.length() > 0 ? ", " : "").append(l.encoding());
    }
    if (l.jsonPath() != null) {
      b.append(b.length() > 0 ? ", " : "").append(l.jsonPath());
    }
    if (l.decodings() != null) {
      b.append(b.length() > 0 ? ", " : "").append("decoded: ").append(String.join("+", l.decodings()));
    }
    if (l.store() != null) {
      b.append(b.length() > 0 ? ", " : "").append(l.store().describe());
    }
    return b.toString();
  }

  private String sev(Severity s) {
    return paint(s, String.format(Locale.ROOT, "%-8s", s.id()));
  }

  private String paint(Severity s, String label) {
    if (!color) {
      return label;
    }
    String code = switch (s) {
      case CRITICAL -> "1;31";
      case HIGH -> "31";
      case MEDIUM -> "33";
      case LOW -> "36";
      case INFO -> "2";
    };
    return "\u001b[" + code + "m" + label + "\u001b[0m";
  }

  private String bold(String s) {
    return color ? "\u001b[1m" + s + "\u001b[0m" : s;
  }
}

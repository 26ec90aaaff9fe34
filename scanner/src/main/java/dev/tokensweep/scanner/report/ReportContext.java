package dev.tokensweep.scanner.report;

import dev.tokensweep.detectors.rule.Rule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What a reporter may need beyond the scan result: where and when the sweep ran and with which
 * rules. Formats use what they need (SARIF the rules and the root, ECS the host and time).
 *
 * @param color ANSI colors (text, only when stdout is a terminal)
 * @param quiet no summary table (text)
 * @param host the host name reported (ECS)
 * @param time when the sweep ran ({@code --now} when given, so tests are stable)
 * @param sweepId the sweep's id when it is recorded in an index, else null
 * @param root the directory that SARIF URIs are made relative to; null: paths stay as scanned
 * @param rules every rule the scan ran with, in catalogue order (SARIF lists them all)
 * @param roots the scanned directories (and the directories of scanned files): SARIF names a file
 *     outside {@code root} relative to the root it was found under, each root a base id of its own
 */
public record ReportContext(boolean color, boolean quiet, String host, Instant time, String sweepId, Path root,
    List<Rule> rules, List<Path> roots) {

  public ReportContext {
    rules = rules == null ? List.of() : List.copyOf(rules);
    root = root == null ? null : root.toAbsolutePath().normalize();
    roots = roots == null ? List.of() : roots.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
  }

  /** A context with no scanned roots besides {@code root}. */
  public ReportContext(boolean color, boolean quiet, String host, Instant time, String sweepId, Path root,
      List<Rule> rules) {
    this(color, quiet, host, time, sweepId, root, rules, List.of());
  }

  /** A plain context: no color, summary on, no host, now, no root, no rules. */
  public static ReportContext plain() {
    return new ReportContext(false, false, "localhost", Instant.now(), null, null, List.of());
  }

  public ReportContext withColor(boolean c) {
    return new ReportContext(c, quiet, host, time, sweepId, root, rules, roots);
  }
}

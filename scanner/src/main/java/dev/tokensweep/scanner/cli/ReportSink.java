package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Suppression;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.report.FindingWriter;
import dev.tokensweep.scanner.suppress.Baseline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where {@code scan}'s findings go as the scan settles them (one at a time, in an order set by
 * the input): those of a rule that the scanned tree's {@code tokensweep.yaml} disables are
 * counted and dropped, the baseline drops those it holds, then
 * <ul>
 *   <li>with a {@link FindingWriter} (JSON lines, CSV, ECS), the first {@value #HOLD} are held and,
 *       when the scan ends with no more, written sorted by location as the collecting report did;
 *       past that they are written as they come, so memory stays bounded however many there are;</li>
 *   <li>without (text, JSON, SARIF, and any scan with {@code --validate}, {@code --index} or
 *       {@code --ship}, which need the whole set), the first {@code maxFindings} are held and the
 *       rest only counted, with a {@code limit} problem saying so.</li>
 * </ul>
 * A write that fails is kept and later findings are only counted: the scan is not stopped midway
 * by its output, and the failure is thrown at the end.
 */
final class ReportSink implements Consumer<Finding> {
  /** Findings held before a streamed report starts writing; below it the report is sorted as before. */
  static final int HOLD = 10_000;
  /**
   * The default of {@code --max-findings}: what a report that needs the whole set holds (about
   * 1 KiB of heap each, so 100 MiB at most, in the launcher's 1 GiB).
   */
  static final long DEFAULT_MAX_FINDINGS = 100_000;

  private final Scanner scanner;
  private final Baseline baseline;
  private final java.util.Set<String> hidden;
  private final FindingWriter writer;
  private final long maxFindings;
  private final List<Finding> held = new ArrayList<>();
  // findings written as they came (streaming), or counted past --max-findings (collecting)
  private final FindingTally passed = new FindingTally();
  private long baselined;
  private long hid;
  private boolean streaming;
  private IOException failure;

  /**
   * @param hidden the ids of rules whose findings are left out and counted
   * @param writer null to collect, up to {@code maxFindings}
   */
  ReportSink(Scanner scanner, Baseline baseline, java.util.Set<String> hidden, FindingWriter writer, long maxFindings) {
    this.scanner = scanner;
    this.baseline = baseline;
    this.hidden = hidden;
    this.writer = writer;
    this.maxFindings = maxFindings;
  }

  @Override
  public void accept(Finding f) {
    if (!hidden.isEmpty() && hidden.contains(f.evidence().ruleId())) {
      hid++;
      return;
    }
    if (baseline != null && baseline.contains(f)) {
      baselined++;
      return;
    }
    if (writer == null) {
      if (held.size() < maxFindings) {
        held.add(f);
      } else {
        passed.add(f);
      }
      return;
    }
    if (!streaming) {
      if (held.size() < HOLD) {
        held.add(f);
        return;
      }
      streaming = true;
      List<Finding> first = scanner.settle(held);
      held.clear();
      first.forEach(this::write);
    }
    write(f);
  }

  private void write(Finding f) {
    passed.add(f);
    if (failure == null) {
      try {
        writer.finding(f);
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  /**
   * The scan's result with the findings held (sorted, one per span) and the baseline's and the
   * bound's part in it; a streamed report has by then written every finding (call once, after
   * the scan).
   */
  ScanResult result(ScanResult scanned, String format) throws IOException {
    List<Finding> kept = scanner.settle(held);
    held.clear();
    List<Problem> problems = new ArrayList<>(scanned.problems());
    if (writer != null) {
      kept.forEach(this::write);
      kept = List.of();
    } else if (passed.total() > 0) {
      problems.add(new Problem("(scan)", Problem.Type.LIMIT, "max-findings: the " + format + " report lists the first "
          + maxFindings + " findings; " + passed.total() + " more were found and counted but are not listed (raise "
          + "--max-findings, or use --format jsonl, csv or ecs, which are written as the scan goes)"));
    }
    if (failure != null) {
      throw failure;
    }
    Map<String, Long> suppressed = new LinkedHashMap<>(scanned.suppressed());
    if (hid > 0) {
      suppressed.merge(Suppression.CONFIG_DISABLE, hid, Long::sum);
    }
    if (baselined > 0) {
      suppressed.merge(Suppression.BASELINE, baselined, Long::sum);
    }
    return new ScanResult(kept, problems, scanned.files(), scanned.leaves(), scanned.bytes(), scanned.seconds(),
        suppressed);
  }

  /** Every finding reported: those written or counted past the bound, and those of {@code result}. */
  FindingTally tally(ScanResult result) {
    return passed.plus(FindingTally.of(result.findings()));
  }
}

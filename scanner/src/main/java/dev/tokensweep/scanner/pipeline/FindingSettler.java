package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One finding per secret span: a leaf read in chunks can give the same span to two rules in two
 * chunks (a context rule's match starts before a chunk's end, a provider rule's at the secret in
 * the next chunk), where within one chunk the rule first in the catalogue wins; the same rule
 * wins here. An instance holds one leaf's findings back until no later chunk can report their
 * span again ({@link #add}, {@link #flush}); {@link #settle} does the same for a whole list.
 * Not thread-safe: one per leaf.
 */
final class FindingSettler {
  /**
   * Findings one leaf holds back until no later chunk can report their span again: a span is
   * found again only by the next chunk, within the detector's overlap of the border, so a finding
   * is settled once the reader is {@link ScanContext#settleDistance} bytes past it or the leaf
   * ends. The cap bounds memory where a reader's offsets do not advance (every finding of a store
   * at one offset).
   */
  static final int WINDOW_FINDINGS = 16_384;

  private final ScanContext context;
  private final Consumer<Finding> settled;
  private final long settleDistance;
  // findings not yet settled, in arrival order
  private final LinkedHashMap<ScanContext.SpanKey, Finding> pending = new LinkedHashMap<>();

  FindingSettler(ScanContext context, Consumer<Finding> settled) {
    this.context = context;
    this.settled = settled;
    this.settleDistance = context.settleDistance();
  }

  /** Holds {@code f} until its span is settled, and hands on the findings that now are. */
  void add(Finding f) {
    ScanContext.SpanKey key = ScanContext.spanKey(f);
    Finding held = pending.putIfAbsent(key, f);
    if (held != null && winner(held, f) != held) {
      pending.put(key, f); // keeps the span's place in arrival order, as merge did
    }
    Location at = f.location();
    java.util.Iterator<Finding> it = pending.values().iterator();
    while (it.hasNext()) {
      Location l = (f = it.next()).location();
      if (pending.size() <= WINDOW_FINDINGS && l.path().equals(at.path()) && at.offset() - l.offset() <= settleDistance) {
        return;
      }
      it.remove();
      settled.accept(f);
    }
  }

  /** The leaf has ended: every finding held is settled. */
  void flush() {
    for (Finding f : pending.values()) {
      settled.accept(f);
    }
    pending.clear();
  }

  private Finding winner(Finding a, Finding b) {
    return context.priorityOf(b.evidence().ruleId()) < context.priorityOf(a.evidence().ruleId()) ? b : a;
  }

  /**
   * The findings with one per secret span, sorted by location, as the collecting scan returns
   * them. Scans stream spans already settled like this within each leaf; this also merges the
   * same file named twice.
   */
  static List<Finding> settle(List<Finding> findings, ScanContext context) {
    Map<ScanContext.SpanKey, Finding> bySpan = new LinkedHashMap<>();
    for (Finding f : findings) {
      bySpan.merge(ScanContext.spanKey(f), f,
          (a, b) -> context.priorityOf(b.evidence().ruleId()) < context.priorityOf(a.evidence().ruleId()) ? b : a);
    }
    List<Finding> sorted = new ArrayList<>(bySpan.values());
    sorted.sort(BY_LOCATION);
    return sorted;
  }

  // path, offset, JSON path (none first), rule; written out, as it sorts up to ReportSink's hold at once
  private static final Comparator<Finding> BY_LOCATION = (a, b) -> {
    Location x = a.location();
    Location y = b.location();
    int c = x.path().compareTo(y.path());
    if (c != 0) {
      return c;
    }
    c = Long.compare(x.offset(), y.offset());
    if (c != 0) {
      return c;
    }
    c = (x.jsonPath() == null ? "" : x.jsonPath()).compareTo(y.jsonPath() == null ? "" : y.jsonPath());
    return c != 0 ? c : a.evidence().ruleId().compareTo(b.evidence().ruleId());
  };
}

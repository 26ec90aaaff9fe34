package dev.tokensweep.corpus.eval;

import dev.tokensweep.corpus.Label;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of matching one scan against its labels: every finding's verdict, the labels missed,
 * the labels out of scope (with the capabilities they lack), and the tallies overall, per kind
 * and per source type. Nothing in here is a secret: labels and findings carry fingerprints only,
 * and output shows just their first {@value #FP_PREFIX} hex characters.
 */
public final class Evaluation {
  static final int FP_PREFIX = 12;

  /** What one finding turned out to be. */
  public enum Verdict { MATCHED, DUPLICATE, SPURIOUS }

  /** One finding's verdict and the label it matched (null when spurious). */
  public record Outcome(ReportedFinding finding, Label label, Verdict verdict, String reason) {}

  /** Counts for one group; {@code labels} and {@code found} are in-scope labels only. */
  public static final class Tally {
    public long labels;
    public long found;
    public long findings;
    public long truePositives;

    /** found / labels; 1.0 when there is nothing to find. */
    public double recall() {
      return labels == 0 ? 1.0 : (double) found / labels;
    }

    /** true findings / findings; 1.0 when nothing was reported. */
    public double precision() {
      return findings == 0 ? 1.0 : (double) truePositives / findings;
    }
  }

  private final List<Label> labels;
  private final List<Outcome> outcomes;
  private final List<Label> missed;
  private final Map<Label, List<String>> outOfScope;
  private final Tally overall = new Tally();
  private final Map<String, Tally> byKind = new TreeMap<>();
  private final Map<String, Tally> bySource = new TreeMap<>();
  private final Map<String, Tally> byProvider = new TreeMap<>();
  private final java.util.Set<Label> viaPair;

  Evaluation(List<Label> labels, List<Outcome> outcomes, List<Label> missed, Map<Label, List<String>> outOfScope) {
    this(labels, outcomes, missed, outOfScope, java.util.Set.of());
  }

  /** {@code viaPair}: labels found as what a pair finding's secret belongs to, not by a finding of their own. */
  Evaluation(List<Label> labels, List<Outcome> outcomes, List<Label> missed, Map<Label, List<String>> outOfScope,
      java.util.Set<Label> viaPair) {
    this.labels = List.copyOf(labels);
    this.outcomes = List.copyOf(outcomes);
    this.missed = new ArrayList<>(missed);
    this.missed.sort(Comparator.comparing(Label::path).thenComparingLong(Label::offset));
    this.outOfScope = outOfScope;
    this.viaPair = java.util.Set.copyOf(viaPair);
    tally();
  }

  private void tally() {
    java.util.Set<Label> matched = new java.util.HashSet<>(viaPair);
    for (Outcome o : outcomes) {
      if (o.verdict() == Verdict.MATCHED) {
        matched.add(o.label());
      }
    }
    for (Label l : labels) {
      if (outOfScope.containsKey(l)) {
        continue;
      }
      boolean hit = matched.contains(l);
      for (Tally t : List.of(overall, group(byKind, l.kind().id()), group(bySource, l.source().id()),
          group(byProvider, provider(l)))) {
        t.labels++;
        if (hit) {
          t.found++;
        }
      }
    }
    for (Outcome o : outcomes) {
      String source = o.label() != null ? o.label().source().id() : guessSource(o.finding().path());
      String kind = o.finding().kind() == null ? "unknown" : o.finding().kind();
      // a finding counts for the provider of the label it found, else for its rule's provider
      String provider = o.label() != null ? provider(o.label()) : o.finding().provider();
      for (Tally t : List.of(overall, group(byKind, kind), group(bySource, source), group(byProvider, provider))) {
        t.findings++;
        if (o.verdict() == Verdict.MATCHED) {
          t.truePositives++;
        }
      }
    }
  }

  private static String provider(Label l) {
    return l.provider() == null ? "unknown" : l.provider();
  }

  private static Tally group(Map<String, Tally> m, String key) {
    return m.computeIfAbsent(key, k -> new Tally());
  }

  /** The source type of a file no label names: that of labels in the same file, else the same directory. */
  private String guessSource(String findingPath) {
    String file = Evaluator.normalize(findingPath).split("!", 2)[0];
    String dirOf = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : "";
    String byDir = null;
    for (Label l : labels) {
      String lf = Evaluator.normalize(l.path()).split("!", 2)[0];
      if (file.equals(lf) || file.endsWith("/" + lf)) {
        return l.source().id();
      }
      String ld = lf.contains("/") ? lf.substring(0, lf.lastIndexOf('/')) : "";
      if (byDir == null && !ld.isEmpty() && (dirOf.equals(ld) || dirOf.endsWith("/" + ld))) {
        byDir = l.source().id();
      }
    }
    if (byDir != null) {
      return byDir;
    }
    return findingPath.contains("!") ? "bundle" : "unknown";
  }

  public Tally overall() {
    return overall;
  }

  public Map<String, Tally> byKind() {
    return byKind;
  }

  public Map<String, Tally> bySource() {
    return bySource;
  }

  /** Per provider: a label's own provider; a finding counts for its label's provider, else its rule's. */
  public Map<String, Tally> byProvider() {
    return byProvider;
  }

  /** Labels found as what a pair finding's secret belongs to. */
  public java.util.Set<Label> foundViaPair() {
    return viaPair;
  }

  public List<Label> missed() {
    return missed;
  }

  public List<Outcome> outcomes() {
    return outcomes;
  }

  public List<Outcome> spurious() {
    return outcomes.stream().filter(o -> o.verdict() == Verdict.SPURIOUS).toList();
  }

  public List<Outcome> duplicates() {
    return outcomes.stream().filter(o -> o.verdict() == Verdict.DUPLICATE).toList();
  }

  public Map<Label, List<String>> outOfScope() {
    return outOfScope;
  }

  /** Out-of-scope labels counted per source type, and per capability they lack. */
  public Map<String, Map<String, Long>> skippedBySource() {
    Map<String, Map<String, Long>> m = new TreeMap<>();
    for (Map.Entry<Label, List<String>> e : outOfScope.entrySet()) {
      Map<String, Long> caps = m.computeIfAbsent(e.getKey().source().id(), k -> new TreeMap<>());
      for (String c : e.getValue()) {
        caps.merge(c, 1L, Long::sum);
      }
    }
    return m;
  }

  static String fp(String fingerprint) {
    return fingerprint == null ? "?" : fingerprint.substring(0, Math.min(FP_PREFIX, fingerprint.length()));
  }

  // ---- output ---------------------------------------------------------------------------------

  public void printText(PrintWriter w) {
    w.printf(Locale.ROOT, "labels %d (in scope %d, out of scope %d), findings %d%n", labels.size(), overall.labels,
        outOfScope.size(), overall.findings);
    w.printf(Locale.ROOT, "overall   precision %s  recall %s  (%d found, %d missed, %d spurious, %d duplicate)%n",
        pct(overall.precision()), pct(overall.recall()), overall.found, missed.size(), spurious().size(),
        duplicates().size());
    table(w, "by kind", byKind);
    table(w, "by source type", bySource);
    table(w, "by provider", byProvider);
    if (!viaPair.isEmpty()) {
      w.printf(Locale.ROOT, "found as what a pair's secret belongs to: %d labels%n", viaPair.size());
    }
    Map<String, Map<String, Long>> skipped = skippedBySource();
    if (!skipped.isEmpty()) {
      w.println("out of scope (the scan lacks a capability these labels need):");
      skipped.forEach((src, caps) -> w.println("  " + src + ": " + caps));
    }
    if (!missed.isEmpty()) {
      w.println("missed:");
      for (Label l : missed) {
        w.printf(Locale.ROOT, "  %s  %s %s  fp %s  (%s)%n", l.where(), l.source().id(), l.kind().id(), fp(l.fingerprint()),
            l.context());
      }
    }
    if (!spurious().isEmpty() || !duplicates().isEmpty()) {
      w.println("spurious and duplicate findings:");
      for (Outcome o : outcomes) {
        if (o.verdict() != Verdict.MATCHED) {
          w.printf(Locale.ROOT, "  %s  %s %s  fp %s  (%s: %s)%n", o.finding().where(), o.finding().ruleId(),
              o.finding().kind(), fp(o.finding().fingerprint()), o.verdict().name().toLowerCase(Locale.ROOT), o.reason());
        }
      }
    }
    w.flush();
  }

  private static void table(PrintWriter w, String title, Map<String, Tally> m) {
    w.println(title + ":");
    w.printf(Locale.ROOT, "  %-20s %9s %7s %7s %9s %9s%n", "", "precision", "recall", "labels", "found", "findings");
    m.forEach((k, t) -> w.printf(Locale.ROOT, "  %-20s %9s %7s %7d %9d %9d%n", k, pct(t.precision()), pct(t.recall()),
        t.labels, t.found, t.findings));
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** The evaluation as plain maps for JSON, field order fixed. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("labels", labels.size());
    m.put("labels_in_scope", overall.labels);
    m.put("labels_out_of_scope", outOfScope.size());
    m.put("findings", overall.findings);
    m.put("overall", tallyJson(overall));
    m.put("missed_count", missed.size());
    m.put("spurious_count", spurious().size());
    m.put("duplicate_count", duplicates().size());
    m.put("by_kind", tallies(byKind));
    m.put("by_source", tallies(bySource));
    m.put("by_provider", tallies(byProvider));
    m.put("found_via_pair", viaPair.size());
    m.put("out_of_scope", skippedBySource());
    List<Object> ms = new ArrayList<>();
    for (Label l : missed) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("id", l.id());
      x.put("where", l.where());
      x.put("kind", l.kind().id());
      x.put("source", l.source().id());
      x.put("fingerprint_prefix", fp(l.fingerprint()));
      x.put("context", l.context());
      ms.add(x);
    }
    m.put("missed", ms);
    List<Object> ss = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.verdict() == Verdict.MATCHED) {
        continue;
      }
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("verdict", o.verdict().name().toLowerCase(Locale.ROOT));
      x.put("where", o.finding().where());
      x.put("rule_id", o.finding().ruleId());
      x.put("kind", o.finding().kind());
      x.put("fingerprint_prefix", fp(o.finding().fingerprint()));
      x.put("reason", o.reason());
      if (o.label() != null) {
        x.put("label", o.label().id());
      }
      ss.add(x);
    }
    m.put("spurious", ss);
    return m;
  }

  private static Map<String, Object> tallies(Map<String, Tally> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, t) -> out.put(k, tallyJson(t)));
    return out;
  }

  private static Map<String, Object> tallyJson(Tally t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("precision", t.precision());
    m.put("recall", t.recall());
    m.put("labels", t.labels);
    m.put("found", t.found);
    m.put("findings", t.findings);
    m.put("true_positives", t.truePositives);
    return m;
  }
}

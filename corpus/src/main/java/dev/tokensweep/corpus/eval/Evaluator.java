package dev.tokensweep.corpus.eval;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.Label;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches findings to labels. A finding matches a label when they name the same secret (equal
 * fingerprints), the same file (the finding's path chain ends with the label's, so any scan root
 * works; empty chain members such as the trailing {@code !} of a gzip stream are ignored), and a
 * compatible position: the same history entry when both have one, else lines at most
 * {@value #LINE_TOLERANCE} apart when both have lines, else offsets at most
 * {@value #OFFSET_TOLERANCE} bytes apart. Among compatible labels the nearest unmatched one wins.
 *
 * <p>Counting follows the usual detection convention: a second finding for an already matched
 * label is a duplicate and counts against precision, like a finding that matches no label. A pair
 * finding also finds the label of what its secret belongs to (its {@code belongs_to} fingerprint,
 * at a compatible position): the scanner reports an AWS key id once, inside its secret's finding.
 * Labels whose {@link Label#requires()} are not all in {@code capabilities} are out of scope:
 * they do not count against recall, and findings that match them still count as true.
 */
public final class Evaluator {
  public static final int LINE_TOLERANCE = 1;
  public static final int OFFSET_TOLERANCE = 256;

  private final Set<String> capabilities;
  private final String root;

  /**
   * @param capabilities the capability ids the scan has, or null for all (every label in scope)
   * @param root the scan root to strip from finding paths, or null to match by path suffix
   */
  public Evaluator(Set<Capability> capabilities, String root) {
    if (capabilities == null) {
      this.capabilities = null;
    } else {
      this.capabilities = new HashSet<>();
      for (Capability c : capabilities) {
        this.capabilities.add(c.id());
      }
    }
    this.root = root == null ? null : normalize(root.endsWith("/") ? root : root + "/");
  }

  public Evaluation evaluate(List<Label> labels, List<ReportedFinding> findings) {
    Map<String, List<Label>> byFp = new HashMap<>();
    for (Label l : labels) {
      byFp.computeIfAbsent(l.fingerprint(), k -> new ArrayList<>()).add(l);
    }
    Map<Label, ReportedFinding> matched = new HashMap<>();
    List<Evaluation.Outcome> outcomes = new ArrayList<>();
    List<ReportedFinding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing(ReportedFinding::path).thenComparingLong(ReportedFinding::offset));
    for (ReportedFinding f : sorted) {
      List<Label> sameSecret = byFp.getOrDefault(f.fingerprint(), List.of());
      String fpath = normalize(f.path());
      Label best = null;
      Label bestTaken = null;
      long bestDist = Long.MAX_VALUE;
      long bestTakenDist = Long.MAX_VALUE;
      boolean sameFile = false;
      for (Label l : sameSecret) {
        if (!samePath(normalize(l.path()), fpath)) {
          continue;
        }
        sameFile = true;
        long d = distance(l, f);
        if (d < 0) {
          continue;
        }
        if (!matched.containsKey(l)) {
          if (d < bestDist) {
            bestDist = d;
            best = l;
          }
        } else if (d < bestTakenDist) {
          bestTakenDist = d;
          bestTaken = l;
        }
      }
      if (best != null) {
        matched.put(best, f);
        outcomes.add(new Evaluation.Outcome(f, best, Evaluation.Verdict.MATCHED, null));
      } else if (bestTaken != null) {
        outcomes.add(new Evaluation.Outcome(f, bestTaken, Evaluation.Verdict.DUPLICATE, "second finding for a label"));
      } else {
        String why = sameFile ? "planted here, but at another position"
            : !sameSecret.isEmpty() ? "planted secret, but labelled in another file" : "not a planted secret";
        outcomes.add(new Evaluation.Outcome(f, null, Evaluation.Verdict.SPURIOUS, why));
      }
    }
    // a pair finding reports what its secret belongs to (an AWS key id) with its fingerprint:
    // that finds the value's own label, nearest first, with no finding of its own to count
    java.util.Set<Label> viaPair = new java.util.HashSet<>();
    for (ReportedFinding f : sorted) {
      if (f.belongsToFingerprint() == null) {
        continue;
      }
      String fpath = normalize(f.path());
      Label best = null;
      long bestDist = Long.MAX_VALUE;
      for (Label l : byFp.getOrDefault(f.belongsToFingerprint(), List.of())) {
        long d = matched.containsKey(l) || viaPair.contains(l) || !samePath(normalize(l.path()), fpath) ? -1 : distance(l, f);
        if (d >= 0 && d < bestDist) {
          bestDist = d;
          best = l;
        }
      }
      if (best != null) {
        viaPair.add(best);
      }
    }
    List<Label> missed = new ArrayList<>();
    Map<Label, List<String>> outOfScope = new HashMap<>();
    for (Label l : labels) {
      List<String> lacking = lacking(l);
      if (!lacking.isEmpty()) {
        outOfScope.put(l, lacking);
      } else if (!matched.containsKey(l) && !viaPair.contains(l)) {
        missed.add(l);
      }
    }
    return new Evaluation(labels, outcomes, missed, outOfScope, viaPair);
  }

  /** The capabilities {@code l} needs that the scan lacks; empty when it is in scope. */
  public List<String> lacking(Label l) {
    List<String> out = new ArrayList<>();
    if (capabilities == null) {
      return out;
    }
    for (String r : l.requires()) {
      if (!capabilities.contains(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** -1 when the positions are incompatible, else how far apart they are (smaller is better). */
  static long distance(Label l, ReportedFinding f) {
    if (l.entry() != null && f.entry() != null) {
      return l.entry().equals(f.entry()) ? Math.abs(l.offset() - f.offset()) : -1;
    }
    if (l.line() != null && f.line() != null) {
      long dl = Math.abs(l.line() - f.line());
      if (dl > LINE_TOLERANCE) {
        return -1;
      }
      long dc = l.column() != null && f.column() != null ? Math.abs(l.column() - f.column()) : 0;
      return dl * 1_000_000L + Math.min(dc, 999_999L);
    }
    long d = Math.abs(l.offset() - f.offset());
    return d <= OFFSET_TOLERANCE ? d : -1;
  }

  private boolean samePath(String label, String finding) {
    if (root != null && finding.startsWith(root)) {
      return finding.substring(root.length()).equals(label);
    }
    return finding.equals(label) || finding.endsWith("/" + label);
  }

  /** Forward slashes, no leading {@code ./}, no empty chain members. */
  static String normalize(String path) {
    String p = path.replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    StringBuilder b = new StringBuilder(p.length());
    for (String part : p.split("!", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append('!');
      }
      b.append(part);
    }
    return b.toString();
  }
}

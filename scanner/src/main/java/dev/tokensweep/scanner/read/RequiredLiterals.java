package dev.tokensweep.scanner.read;

import com.google.re2j.SyntaxTree;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Strings, in their exact case, one of which every match of a regex contains: for a rule whose
 * keyword the detector's prefilter finds in any case but whose pattern wants it in one
 * ({@code \b(Ew[AB]...)}: the keyword {@code EwA} is in "gateway"), {@link KeywordStems} asks for
 * the literal instead, so a line saying "gateway" is not walked for it. Read from re2j's own parse
 * of the pattern; whatever is not understood gives no literals (null), and the keywords are used.
 */
final class RequiredLiterals {
  /** Most strings a set may hold (a product of small classes grows fast). */
  private static final int MAX_SET = 16;
  /** Most chars a class may have to be spelled out. */
  private static final int MAX_CLASS = 4;

  private RequiredLiterals() {}

  /** Strings one of which every match of {@code pattern} contains (none empty); null when unknown. */
  static Set<String> of(String pattern) {
    try {
      Set<String> s = required(SyntaxTree.parse(pattern));
      return s == null || s.isEmpty() || s.contains("") ? null : s;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A set one of whose strings every match of {@code n} contains, or null. */
  private static Set<String> required(SyntaxTree.Node n) {
    Set<String> exact = exact(n);
    if (exact != null) {
      return exact.contains("") ? null : exact;
    }
    switch (n.op()) {
      case "CAPTURE" -> {
        return required(n.subs()[0]);
      }
      case "PLUS" -> {
        return required(n.subs()[0]);
      }
      case "REPEAT" -> {
        return n.min() >= 1 ? required(n.subs()[0]) : null;
      }
      case "ALTERNATE" -> {
        Set<String> all = new LinkedHashSet<>();
        for (SyntaxTree.Node sub : n.subs()) {
          Set<String> s = required(sub);
          if (s == null) {
            return null;
          }
          all.addAll(s);
        }
        return all.size() <= MAX_SET ? all : null;
      }
      case "CONCAT" -> {
        // runs of adjacent exact parts multiply into longer strings; a part that is not exact
        // ends a run, and may give a set of its own
        Set<String> best = null;
        Set<String> run = Set.of("");
        List<Set<String>> candidates = new ArrayList<>();
        for (SyntaxTree.Node sub : n.subs()) {
          Set<String> e = exact(sub);
          if (e != null) {
            Set<String> product = product(run, e);
            if (product != null) {
              run = product;
              continue;
            }
          }
          candidates.add(run);
          run = e != null ? e : Set.of("");
          if (e == null) {
            candidates.add(required(sub));
          }
        }
        candidates.add(run);
        for (Set<String> c : candidates) {
          if (c != null && !c.contains("") && (best == null || shortest(c) > shortest(best))) {
            best = c;
          }
        }
        return best;
      }
      default -> {
        return null;
      }
    }
  }

  private static int shortest(Set<String> s) {
    int m = Integer.MAX_VALUE;
    for (String x : s) {
      m = Math.min(m, x.length());
    }
    return m;
  }

  private static Set<String> product(Set<String> a, Set<String> b) {
    if ((long) a.size() * b.size() > MAX_SET) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String x : a) {
      for (String y : b) {
        out.add(x + y);
      }
    }
    return out;
  }

  /** Every string {@code n} can match, in exact case and ASCII, when they are few; null otherwise. */
  private static Set<String> exact(SyntaxTree.Node n) {
    switch (n.op()) {
      case "EMPTY_MATCH", "BEGIN_LINE", "END_LINE", "BEGIN_TEXT", "END_TEXT", "WORD_BOUNDARY", "NO_WORD_BOUNDARY" -> {
        return Set.of(""); // zero-width: what is on either side stays adjacent
      }
      case "LITERAL" -> {
        StringBuilder b = new StringBuilder();
        for (int r : n.runes()) {
          if (r >= 0x80 || n.foldCase() && Character.isLetter(r)) {
            return null;
          }
          b.append((char) r);
        }
        return Set.of(b.toString());
      }
      case "CHAR_CLASS" -> {
        int[] r = n.runes();
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i + 1 < r.length; i += 2) {
          if (r[i + 1] >= 0x80 || r[i + 1] - r[i] + 1 > MAX_CLASS) {
            return null;
          }
          for (int c = r[i]; c <= r[i + 1]; c++) {
            out.add(String.valueOf((char) c));
          }
          if (out.size() > MAX_CLASS) {
            return null;
          }
        }
        return out.isEmpty() ? null : out;
      }
      case "CAPTURE" -> {
        return exact(n.subs()[0]);
      }
      case "QUEST" -> {
        Set<String> s = exact(n.subs()[0]);
        if (s == null) {
          return null;
        }
        Set<String> out = new LinkedHashSet<>(s);
        out.add("");
        return out.size() <= MAX_SET ? out : null;
      }
      case "REPEAT" -> {
        if (n.max() < 0 || n.max() > 4) {
          return null;
        }
        Set<String> one = exact(n.subs()[0]);
        if (one == null) {
          return null;
        }
        Set<String> out = new LinkedHashSet<>();
        Set<String> acc = Set.of("");
        for (int k = 0; k <= n.max(); k++) {
          if (k >= n.min()) {
            out.addAll(acc);
          }
          if (k < n.max()) {
            acc = product(acc, one);
            if (acc == null) {
              return null;
            }
          }
        }
        return out.size() <= MAX_SET ? out : null;
      }
      case "CONCAT" -> {
        Set<String> acc = Set.of("");
        for (SyntaxTree.Node sub : n.subs()) {
          Set<String> e = exact(sub);
          if (e == null) {
            return null;
          }
          acc = product(acc, e);
          if (acc == null) {
            return null;
          }
        }
        return acc;
      }
      case "ALTERNATE" -> {
        Set<String> out = new LinkedHashSet<>();
        for (SyntaxTree.Node sub : n.subs()) {
          Set<String> e = exact(sub);
          if (e == null) {
            return null;
          }
          out.addAll(e);
        }
        return out.size() <= MAX_SET ? out : null;
      }
      default -> {
        return null;
      }
    }
  }
}

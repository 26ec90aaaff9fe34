package dev.tokensweep.detectors.engine;

import com.google.re2j.SyntaxTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A rule whose regex is {@code \b(S)\b} with S a fixed-length sequence of word-character sets,
 * such as {@code \b(ghp_[A-Za-z0-9]{36})\b} or {@code \b(AKIA[A-Z2-7]{16})\b}, and whose every
 * match begins with one of its keywords. Such a rule's matches are found without re2j: a match
 * starts exactly at a keyword hit {@code p}, spans {@code p + length()} bytes of the sets, and has
 * a non-word byte (or the edge of the text) on both sides; group 1 is the whole span. Matches cannot
 * overlap (a match's left neighbour must be a non-word byte, and every byte of a match is a word
 * byte), so re2j's leftmost-first search finds exactly these. Immutable, thread-safe.
 */
final class FixedShape {
  /** Longest shape in bytes: token formats are far shorter, and a shape's sets cost 32 bytes a position. */
  static final int MAX_LENGTH = 1000;
  /** Largest exact repetition ({@code x{40}}) a shape expands: within MAX_LENGTH, refused before expanding. */
  static final int MAX_REPEAT = 500;
  /** Most literal prefixes a shape's keyword check enumerates: beyond this a rule falls back to re2j. */
  static final int MAX_PREFIXES = 4096;
  /** Per position of the span, 256 bits: the bytes allowed there. */
  private final long[] sets;
  private final int length;

  /** What a detector holds for a rule that has no shape (null there means "not looked at yet"). */
  static final FixedShape NONE = new FixedShape(new long[0], -1);

  private FixedShape(long[] sets, int length) {
    this.sets = sets;
    this.length = length;
  }

  /**
   * The shape a detector uses for {@code rule}: {@link #of} when the whole shape fits the rule's
   * length, else {@link #NONE}.
   */
  static FixedShape forRule(SyntaxTree.Node tree, dev.tokensweep.detectors.rule.Rule rule) {
    FixedShape f = of(tree, rule.keywords());
    return f != null && f.length() <= rule.length() ? f : NONE;
  }

  int length() {
    return length;
  }

  /**
   * Whether a match spans {@code [p, p + length())} of {@code buf}, reading no byte outside
   * {@code [from, to)}; the edges of that range count as non-word context, as they do for re2j.
   */
  boolean matchesAt(byte[] buf, int p, int from, int to) {
    int e = p + length;
    if (e > to) {
      return false;
    }
    if (p > from && isWord(buf[p - 1])) {
      return false;
    }
    if (e < to && isWord(buf[e])) {
      return false;
    }
    final long[] s = sets;
    for (int i = 0, k = 0; i < length; i++, k += 4) {
      int b = buf[p + i] & 0xFF;
      if ((s[k + (b >>> 6)] & (1L << b)) == 0) {
        return false;
      }
    }
    return true;
  }

  static boolean isWord(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_';
  }

  /** The shape of {@code pattern}, or null when it is not {@code \b(fixed sequence of word-byte sets)\b} starting with a keyword. */
  static FixedShape of(String pattern, List<String> keywords) {
    if (keywords.isEmpty()) {
      return null;
    }
    SyntaxTree.Node tree;
    try {
      tree = SyntaxTree.parse(pattern);
    } catch (RuntimeException e) {
      return null;
    }
    return of(tree, keywords);
  }

  /** The shape of a pattern already parsed ({@link SyntaxTree#parse}), or null. */
  static FixedShape of(SyntaxTree.Node tree, List<String> keywords) {
    if (keywords.isEmpty()) {
      return null;
    }
    if (!tree.op().equals("CONCAT") || tree.subs().length != 3
        || !tree.subs()[0].op().equals("WORD_BOUNDARY") || !tree.subs()[2].op().equals("WORD_BOUNDARY")
        || !tree.subs()[1].op().equals("CAPTURE")) {
      return null;
    }
    SyntaxTree.Node body = tree.subs()[1].subs()[0];
    List<long[]> sets = new ArrayList<>();
    SyntaxTree.Node[] parts = body.op().equals("CONCAT") ? body.subs() : new SyntaxTree.Node[] {body};
    for (SyntaxTree.Node part : parts) {
      if (!add(part, sets)) {
        return null;
      }
    }
    if (sets.isEmpty() || sets.size() > MAX_LENGTH) {
      return null;
    }
    long[] flat = new long[sets.size() * 4];
    for (int i = 0; i < sets.size(); i++) {
      long[] s = sets.get(i);
      if ((s[0] | s[1] | s[2] | s[3]) == 0) {
        return null; // a position nothing matches
      }
      System.arraycopy(s, 0, flat, 4 * i, 4);
      for (int b = 0; b < 256; b++) {
        if ((s[b >>> 6] & (1L << b)) != 0 && !isWord((byte) b)) {
          return null; // only word bytes: matches cannot overlap and \b looks only outside the span
        }
      }
    }
    FixedShape f = new FixedShape(flat, sets.size());
    return f.startsWithKeyword(keywords) ? f : null;
  }

  private static boolean add(SyntaxTree.Node n, List<long[]> out) {
    switch (n.op()) {
      case "LITERAL" -> {
        for (int r : n.runes()) {
          long[] s = set(r, n.foldCase());
          if (s == null) {
            return false;
          }
          out.add(s);
        }
        return true;
      }
      case "CHAR_CLASS" -> {
        long[] s = charClass(n.runes());
        if (s == null) {
          return false;
        }
        out.add(s);
        return true;
      }
      case "REPEAT" -> {
        if (n.min() != n.max() || n.min() < 0 || n.min() > MAX_REPEAT) {
          return false;
        }
        List<long[]> one = new ArrayList<>();
        if (!add(n.subs()[0], one)) {
          return false;
        }
        for (int i = 0; i < n.min(); i++) {
          out.addAll(one);
        }
        return true;
      }
      case "CONCAT" -> {
        for (SyntaxTree.Node s : n.subs()) {
          if (!add(s, out)) {
            return false;
          }
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** The bytes of one rune; with folding, re2j's simple case folding, restricted to ASCII letters here. */
  private static long[] set(int r, boolean fold) {
    if (r > 127) {
      return null; // one rune, several bytes in UTF-8 or a Latin-1 char: leave it to re2j
    }
    long[] s = new long[4];
    s[r >>> 6] |= 1L << r;
    if (fold) {
      if (r == 'k' || r == 'K' || r == 's' || r == 'S') {
        return null; // folds to U+212A / U+017F in re2j: not worth the care
      }
      int o = Character.isUpperCase(r) ? Character.toLowerCase(r) : Character.toUpperCase(r);
      s[o >>> 6] |= 1L << o;
    }
    return s;
  }

  private static long[] charClass(int[] ranges) {
    long[] s = new long[4];
    for (int i = 0; i + 1 < ranges.length; i += 2) {
      if (ranges[i + 1] > 127) {
        return null;
      }
      for (int b = ranges[i]; b <= ranges[i + 1]; b++) {
        s[b >>> 6] |= 1L << b;
      }
    }
    return s;
  }

  /** True when every string of the shape begins with one of {@code keywords}, ASCII case-insensitively. */
  private boolean startsWithKeyword(List<String> keywords) {
    int m = 0;
    for (String k : keywords) {
      m = Math.max(m, k.length());
    }
    m = Math.min(m, length);
    // enumerate the shape's prefixes of length m; give up when there are too many
    List<String> prefixes = List.of("");
    for (int i = 0; i < m; i++) {
      List<String> next = new ArrayList<>();
      for (String p : prefixes) {
        for (int b = 0; b < 128; b++) {
          if ((sets[4 * i + (b >>> 6)] & (1L << b)) != 0) {
            next.add(p + (char) b);
          }
        }
      }
      if (next.size() > MAX_PREFIXES) {
        return false;
      }
      prefixes = next;
    }
    for (String p : prefixes) {
      boolean ok = false;
      for (String k : keywords) {
        if (p.length() >= k.length() && p.substring(0, k.length()).toLowerCase(Locale.ROOT).equals(k.toLowerCase(Locale.ROOT))) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

package com.google.re2j;

/**
 * tokensweep's read-only view of re2j's parse tree, so the detector can derive a byte DFA that
 * over-approximates a rule's regex with exactly re2j's reading of the syntax. It lives in re2j's
 * package because {@code Parser} and {@code Regexp} are package-private there; the re2j version is
 * pinned in the parent pom, and {@code WindowFilterTest} compares the derived DFAs with re2j on
 * random text, so an upgrade that changes the tree fails the build.
 */
public final class SyntaxTree {

  /** One node: {@code op} is re2j's operator name, {@code runes} literal runes or class ranges (pairs). */
  public record Node(String op, boolean foldCase, int[] runes, int min, int max, Node[] subs) {}

  private SyntaxTree() {}

  /** Parses {@code pattern} as {@code Pattern.compile(pattern)} does (Perl flags). */
  public static Node parse(String pattern) {
    return convert(Parser.parse(pattern, RE2.PERL));
  }

  private static Node convert(Regexp re) {
    Node[] subs = new Node[re.subs == null ? 0 : re.subs.length];
    for (int i = 0; i < subs.length; i++) {
      subs[i] = convert(re.subs[i]);
    }
    int[] runes = re.runes == null ? new int[0] : re.runes.clone();
    return new Node(re.op.name(), (re.flags & RE2.FOLD_CASE) != 0, runes, re.min, re.max, subs);
  }
}

package dev.tokensweep.scanner.pipeline;

import java.util.Random;

/** Random text for the tests that compare ways of reading the same logs. */
final class RandomText {
  private RandomText() {}

  /** {@code n} lower-case letters and spaces (one in nine), no keyword but by chance. */
  static String filler(Random r, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(r.nextInt(9) == 0 ? ' ' : (char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }
}

package com.google.re2j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A search that needs a deep job stack (a starred alternation over 40,000 bytes leaves two jobs
 * a byte pending) still finds what re2j finds, and the thread does not keep that stack for its
 * next search.
 */
class BacktrackerSpaceTest {

  @Test
  void deepSearch_sameAsRe2j_andItsStackIsNotKept() {
    Pattern p = Pattern.compile("(?:a|b)*(c)");
    Backtracker.Space space = new Backtracker.Space();
    Backtracker b = Backtracker.of(p, space);
    int[] got = new int[b.resultInts()];
    byte[] none = "a".repeat(40_000).getBytes(StandardCharsets.US_ASCII);
    assertFalse(b.find(none, 0, none.length, 0, got), "no c, no match");
    assertTrue(space.jobs.length <= Backtracker.KEPT_JOBS, "kept " + space.jobs.length + " ints of job stack");
    byte[] one = ("a".repeat(40_000) + "c").getBytes(StandardCharsets.US_ASCII);
    Matcher m = p.matcher(new String(one, StandardCharsets.US_ASCII));
    assertTrue(m.find());
    assertTrue(b.find(one, 0, one.length, 0, got));
    assertArrayEquals(new int[] {m.start(), m.end(), m.start(1), m.end(1)}, got);
    assertEquals(40_001, got[1]);
    assertTrue(space.jobs.length <= Backtracker.KEPT_JOBS, "kept " + space.jobs.length + " ints of job stack");
  }
}

package dev.tokensweep.detectors.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An AWS account id is written with twelve digits, leading zeros kept, as String.format wrote it. */
class AccountIdTest {

  @Test
  void twelveDigits_sameAsFormat() {
    Random r = new Random(9);
    long[] fixed = {0, 7, 123_456_789, 999_999_999_999L, 100_000_000_000L, 12_345_678_901L};
    for (long a : fixed) {
      assertEquals(String.format(Locale.ROOT, "%012d", a), Evidence.twelveDigits(a));
    }
    for (int i = 0; i < 10_000; i++) {
      long a = (long) (r.nextDouble() * 1e12) / (r.nextBoolean() ? 1 : 1 + r.nextInt(1_000_000));
      assertEquals(String.format(Locale.ROOT, "%012d", a), Evidence.twelveDigits(a));
    }
  }
}

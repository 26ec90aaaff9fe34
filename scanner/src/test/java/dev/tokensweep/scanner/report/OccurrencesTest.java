package dev.tokensweep.scanner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SARIF report's occurrence numbers, from the compact counter, against a plain map of the keys. */
class OccurrencesTest {

  @Test
  void next_manyKeysRepeatedInAnyOrder_numbersEachOccurrenceAsAMapOfTheKeysWould() {
    Random rnd = new Random(5);
    Occurrences counter = new Occurrences();
    Map<String, Integer> reference = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      // 60,000 places, so most come back a few times and the table grows well past its first size
      String key = "fp" + rnd.nextInt(60_000) + "\nSRCROOT\nlogs/app-" + rnd.nextInt(3) + ".log\n\nnull\nts.github.1";
      int expected = reference.merge(key, 1, Integer::sum);
      assertEquals(expected, counter.next(key), "occurrence " + i);
    }
  }
}

package dev.tokensweep.corpus.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked-in {@code corpus/samples} are exactly what the samples profile writes for seed 1. */
class SamplesTest {

  @Test
  void samples_areRegeneratedByteForByte(@TempDir Path tmp) throws Exception {
    Path checkedIn = Path.of("samples");
    new Generator(new Generator.Options(1, 0, Generator.Profile.SAMPLES, 1, 1, 0, false))
        .generate(tmp, tmp.resolve("labels.jsonl"));
    List<Path> want = names(tmp);
    assertEquals(want, names(checkedIn),
        "regenerate with: java -jar corpus/target/tokensweep-corpus.jar generate --profile samples --seed 1 --out corpus/samples");
    long total = 0;
    for (Path p : want) {
      byte[] b = Files.readAllBytes(checkedIn.resolve(p));
      assertArrayEquals(Files.readAllBytes(tmp.resolve(p)), b, p + " differs from the generator's output");
      total += b.length;
    }
    assertTrue(total < 300_000, "samples must stay small: " + total + " bytes");
  }

  private static List<Path> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
    }
  }
}

package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.pipeline.SevenZBytes;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of {@link SevenZLayout}, which parses a 7z's header itself: 7z's made by
 * 7-Zip and by commons-compress, plain and encoded headers (copy, LZMA, LZMA2), with gaps. The
 * walker reaches it only for archives {@code SevenZFile} accepted, and their CRCs keep mutations
 * out of the header; here none is checked, so every field is hostile. Nothing escapes, the heap
 * stays bounded, and every gap it claims lies between the signature header and the file's end,
 * in order, none overlapping.
 */
class SevenZLayoutFuzzTest {

  @TempDir
  Path dir;

  @Test
  void gaps_mutatedHeaders_noExceptionAndGapsInsideTheFile() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : List.of("p7zip-default.7z", "p7zip-plain-header.7z", "p7zip-copy-nonsolid.7z",
        "p7zip-bcj-nonsolid.7z")) {
      try (InputStream in = SevenZLayoutFuzzTest.class.getResourceAsStream("sevenz/" + name)) {
        seeds.add(in.readAllBytes());
      }
    }
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("a.log", "2026-11-22 INFO start\nmore text here\n".getBytes(StandardCharsets.US_ASCII));
    members.put("b.json", "{\"n\":[1,2,3]}".getBytes(StandardCharsets.US_ASCII));
    byte[] junk = "not a packed stream\n".getBytes(StandardCharsets.US_ASCII);
    for (SevenZMethod m : List.of(SevenZMethod.COPY, SevenZMethod.LZMA2)) {
      byte[] seven = SevenZBytes.write(dir.resolve("seed.7z"), members, m);
      seeds.add(seven);
      seeds.add(SevenZBytes.gapBeforeHeader(seven, junk));
      for (SevenZBytes.HeaderCoder c : SevenZBytes.HeaderCoder.values()) {
        seeds.add(SevenZBytes.encodeHeader(seven, c, junk, junk));
      }
    }
    int runs = FuzzLoop.run("7z layout", seeds, 77, 3_000, 512L << 20, 200, (bytes, run) -> {
      List<SevenZLayout.Gap> gaps = SevenZLayout.gaps(new SeekableInMemoryByteChannel(bytes));
      if (gaps == null) {
        return;
      }
      long at = SevenZLayout.SIGNATURE_HEADER;
      for (SevenZLayout.Gap g : gaps) {
        assertTrue(g.from() >= at && g.from() < g.to() && g.to() <= bytes.length,
            () -> "run " + run + ": gap " + g + " outside the file or out of order, " + bytes.length + " bytes");
        at = g.to();
      }
    });
    assertTrue(runs >= 200);
  }
}

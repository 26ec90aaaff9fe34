package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tokensweep.scanner.pipeline.SevenZBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SevenZLayout}: no gap in archives that 7-Zip and commons-compress make, the gaps where
 * bytes were put, and nothing claimed (null) for a header it cannot be sure of.
 */
class SevenZLayoutTest {

  @TempDir
  Path dir;

  private static List<SevenZLayout.Gap> gaps(byte[] archive) {
    return SevenZLayout.gaps(new SeekableInMemoryByteChannel(archive));
  }

  private static final byte[] JUNK = "not a packed stream\n".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"p7zip-default.7z", "p7zip-plain-header.7z", "p7zip-copy-nonsolid.7z", "p7zip-bcj-nonsolid.7z"})
  void gaps_archiveMadeBy7Zip_noneAndSure(String name) throws IOException {
    byte[] archive;
    try (InputStream in = SevenZLayoutTest.class.getResourceAsStream("sevenz/" + name)) {
      archive = in.readAllBytes();
    }
    assertEquals(List.of(), gaps(archive));
  }

  @Test
  void gaps_bytesBeforeAPlainHeader_oneGapEndingAtTheHeader() throws IOException {
    byte[] seven = SevenZBytes.write(dir.resolve("s.7z"), Map.of("a.log", JUNK), SevenZMethod.LZMA2);
    long at = SevenZBytes.headerAt(seven);
    assertEquals(List.of(), gaps(seven));
    assertEquals(List.of(new SevenZLayout.Gap(at, at + JUNK.length, true)), gaps(SevenZBytes.gapBeforeHeader(seven, JUNK)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"COPY", "LZMA", "LZMA2"})
  void gaps_encodedHeader_gapsOnEitherSideOfThePackedHeader(String coder) throws IOException {
    byte[] seven = SevenZBytes.write(dir.resolve("s.7z"), Map.of("a.log", JUNK), SevenZMethod.COPY);
    long streamsEnd = SevenZBytes.headerAt(seven);
    SevenZBytes.HeaderCoder c = SevenZBytes.HeaderCoder.valueOf(coder);
    assertEquals(List.of(), gaps(SevenZBytes.encodeHeader(seven, c, new byte[0], new byte[0])));
    byte[] both = SevenZBytes.encodeHeader(seven, c, JUNK, new byte[7]);
    List<SevenZLayout.Gap> g = gaps(both);
    assertNotNull(g);
    assertEquals(2, g.size());
    assertEquals(new SevenZLayout.Gap(streamsEnd, streamsEnd + JUNK.length, false), g.get(0));
    assertEquals(new SevenZLayout.Gap(SevenZBytes.headerAt(both) - 7, SevenZBytes.headerAt(both), true), g.get(1));
  }

  @Test
  void gaps_streamsAfterAHole_theHoleBeforeThem() {
    // PackPos 10: ten bytes between the signature header and the one packed stream of 5 bytes
    byte[] header = {0x01, 0x04, 0x06, 10, 1, 0x09, 5, 0x00, 0x00, 0x00};
    assertEquals(List.of(new SevenZLayout.Gap(32, 42, false)), gaps(SevenZBytes.withHeader(new byte[15], header)));
  }

  @Test
  void gaps_headerItCannotBeSureOf_null() {
    byte[] body = new byte[64];
    byte[][] headers = {
        // a count of 2^64 - 1 (negative as a long), and one of 2^62 that no header holds
        {0x01, 0x04, 0x06, 0, (byte) 0xFF, -1, -1, -1, -1, -1, -1, -1, -1, 0x09, 1},
        {0x01, 0x04, 0x06, 0, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x09, 1},
        // sizes that add up past the file, or past 2^63 (negative as a long), a PackPos past it
        {0x01, 0x04, 0x06, 0, 2, 0x09, (byte) 0xC0, (byte) 0xFF, (byte) 0xFF, 0x40, 0x00},
        {0x01, 0x04, 0x06, 0, 3, 0x09, 8, (byte) 0xFF, -1, -1, -1, -1, -1, -1, -1, 0x7F, 8, 0x00},
        {0x01, 0x04, 0x06, (byte) 0xFE, -1, -1, -1, -1, -1, -1, 0x3F, 1, 0x09, 1, 0x00},
        // pack info without sizes, additional streams, no header at all, cut short
        {0x01, 0x04, 0x06, 0, 1, 0x0A, 1, 0, 0, 0, 0, 0x00},
        {0x01, 0x03, 0x06, 0, 1, 0x09, 1, 0x00},
        {0x05, 0x00},
        {0x01, 0x04, 0x06, 0, (byte) 0x81},
        // encoded headers: unpacked size past the cap, an unknown coder, two coders, two pack streams
        {0x17, 0x06, 0, 1, 0x09, 8, 0x00, 0x07, 0x0B, 1, 0, 1, 0x01, 0x00, 0x0C, (byte) 0xF0, 0, 0, 0, 0x10},
        {0x17, 0x06, 0, 1, 0x09, 8, 0x00, 0x07, 0x0B, 1, 0, 1, 0x03, 0x04, 0x01, 0x08, 0x0C, 8},
        {0x17, 0x06, 0, 1, 0x09, 8, 0x00, 0x07, 0x0B, 1, 0, 2, 0x01, 0x00, 0x01, 0x00, 0x0C, 8},
        {0x17, 0x06, 0, 2, 0x09, 8, 8, 0x00, 0x07, 0x0B, 1, 0, 1, 0x01, 0x00, 0x0C, 8},
        // a copied header stream that is no header
        {0x17, 0x06, 0, 1, 0x09, 8, 0x00, 0x07, 0x0B, 1, 0, 1, 0x01, 0x00, 0x0C, 8, 0x00, 0x00},
    };
    for (int i = 0; i < headers.length; i++) {
      assertNull(gaps(SevenZBytes.withHeader(body, headers[i])), "header " + i);
    }
    // the signature header's own offsets: past the end, negative
    byte[] a = SevenZBytes.withHeader(body, new byte[] {0x01, 0x00});
    java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(12, Long.MAX_VALUE - 20);
    assertNull(gaps(a));
    java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(12, -1);
    assertNull(gaps(a));
  }

  @Test
  void gaps_emptyArchive_none() {
    byte[] a = SevenZBytes.withHeader(new byte[0], new byte[0]);
    assertEquals(List.of(), gaps(a));
  }
}

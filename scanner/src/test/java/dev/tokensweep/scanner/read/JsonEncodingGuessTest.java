package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON file whose first bytes make the JSON parser guess an unsupported UCS-4 byte order: the
 * parser failed while it was being made, outside the reader's fall-back to text, and the file was
 * not scanned at all (found by {@link TextReadersFuzzTest}). It is now read as text.
 */
class JsonEncodingGuessTest {
  @TempDir
  Path dir;

  @Test
  void jsonReader_oddUcs4ByteOrderMark_scannedAsText() throws Exception {
    String token = new TokenForge(new Random(12)).base62Crc32("ghp_");
    for (byte[] start : new byte[][] {{0, 0, (byte) 0xFF, (byte) 0xFE}, {(byte) 0xFE, (byte) 0xFF, 0, 0}}) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(start);
      b.writeBytes(("{\"token\": \"" + token + "\"}\n").getBytes(StandardCharsets.UTF_8));
      Path p = dir.resolve("odd.json");
      Files.write(p, b.toByteArray());
      var r = scan(p);
      noProblems(r);
      one(r, token, "a token after an odd byte-order mark");
    }
  }
}

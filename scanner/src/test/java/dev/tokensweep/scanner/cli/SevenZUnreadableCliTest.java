package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 7z that commons-compress cannot open: an empty one (7-Zip writes the 32-byte start header and
 * nothing else) was reported corrupt, exit 3; a damaged one was reported and none of its bytes
 * read, so a token in a stored member was lost.
 */
class SevenZUnreadableCliTest {

  @TempDir
  Path tmp;

  @Test
  void empty7z_noProblem_copiedAsItWas() throws IOException {
    byte[] h = new byte[32];
    byte[] sig = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4};
    System.arraycopy(sig, 0, h, 0, sig.length);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(h, 12, 20);
    long c = crc.getValue();
    for (int i = 0; i < 4; i++) {
      h[8 + i] = (byte) (c >>> (8 * i));
    }
    Path p = tmp.resolve("empty.7z");
    Files.write(p, h);
    Run r = Run.run("scan", "--format", "json", "--no-progress", p.toString());
    assertEquals(0, r.exit(), "a valid empty archive: nothing found, nothing wrong");
    assertEquals(0, new ObjectMapper().readTree(r.out()).get("problems").size());
    Path out = tmp.resolve("copy.7z");
    assertEquals(0, Run.run("sanitize", "-o", out.toString(), p.toString()).exit());
    assertArrayEquals(h, Files.readAllBytes(out), "copied as it was");
  }

  @Test
  void damaged7z_storedMemberStillFound_andReported() throws IOException {
    String token = new TokenForge(new Random(19)).base62Crc32("ghp_");
    Path p = tmp.resolve("stored.7z");
    try (SevenZOutputFile o = new SevenZOutputFile(p.toFile())) {
      o.setContentCompression(SevenZMethod.COPY);
      SevenZArchiveEntry e = new SevenZArchiveEntry();
      e.setName("notes.txt");
      o.putArchiveEntry(e);
      o.write(("deploy with GH_TOKEN=" + token + "\n").getBytes(StandardCharsets.US_ASCII));
      o.closeArchiveEntry();
    }
    byte[] b = Files.readAllBytes(p);
    b[28] ^= 0x5A; // the start header's CRC of the end header no longer matches
    Files.write(p, b);
    Run r = Run.run("scan", "--format", "json", "--no-progress", p.toString());
    assertEquals(1, r.exit(), "found");
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(List.of(p + "!<7z bytes>"), List.of(doc.get("findings").get(0).get("location").get("path").asText()));
    assertEquals(1, doc.get("problems").size(), "still said to be damaged");
    assertEquals("corrupt", doc.get("problems").get(0).get("problem").asText());
    assertTrue(r.err().contains("7z archive unreadable"), "the problem names the damage");

    Path out = tmp.resolve("clean.7z");
    Run s = Run.run("sanitize", "-o", out.toString(), p.toString());
    assertEquals(3, s.exit(), "sanitize cannot rebuild it and says so");
    assertTrue(s.err().contains("7z archive unreadable"), "named");
  }
}

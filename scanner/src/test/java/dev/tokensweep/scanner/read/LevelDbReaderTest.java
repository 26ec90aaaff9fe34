package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.impl.Iq80DBFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores written by a real LevelDB implementation (iq80's Java port: Snappy tables, the log
 * format), with Chromium Local Storage's key and value encodings (_origin NUL 1 key; value
 * prefixed 0 for UTF-16LE, 1 for Latin-1).
 */
class LevelDbReaderTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(21));

  static byte[] localStorageKey(String origin, String key) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("_" + origin).getBytes(StandardCharsets.ISO_8859_1));
    b.write(0);
    b.write(1);
    b.writeBytes(key.getBytes(StandardCharsets.ISO_8859_1));
    return b.toByteArray();
  }

  static byte[] latin1(String v) {
    byte[] s = v.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[s.length + 1];
    out[0] = 1;
    System.arraycopy(s, 0, out, 1, s.length);
    return out;
  }

  static byte[] utf16(String v) {
    byte[] s = v.getBytes(StandardCharsets.UTF_16LE);
    byte[] out = new byte[s.length + 1];
    out[0] = 0;
    System.arraycopy(s, 0, out, 1, s.length);
    return out;
  }

  static DB open(Path d) throws IOException {
    // a small write buffer makes the writer flush its memtable to table files (iq80 has no compactRange)
    return Iq80DBFactory.factory.open(d.toFile(), new Options().createIfMissing(true).compressionType(CompressionType.SNAPPY)
        .writeBufferSize(4096));
  }

  private static List<Path> files(Path d, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  @Test
  void numberedLog_sixDigitsOrMoreThenDotLog_only() {
    assertTrue(LevelDbReader.numberedLog("000003.log"));
    assertTrue(LevelDbReader.numberedLog("1234567890.log"));
    assertFalse(LevelDbReader.numberedLog("00003.log"), "five digits");
    assertFalse(LevelDbReader.numberedLog("000003.logs"));
    assertFalse(LevelDbReader.numberedLog("00000a.log"));
    assertFalse(LevelDbReader.numberedLog("app-000003.log"));
    assertFalse(LevelDbReader.numberedLog(".log"));
    assertFalse(LevelDbReader.numberedLog(""));
  }

  @Test
  void snappyTable_localStorageValues_utf16AndLatin1_foundWithTheirKey() throws IOException {
    String inUtf16 = forge.base62Crc32("ghp_");
    String inLatin1 = forge.base62Crc32("gho_");
    Path d = dir.resolve("leveldb");
    try (DB db = open(d)) {
      db.put(localStorageKey("https://app.example.com", "authToken"), utf16(inUtf16));
      db.put(localStorageKey("https://app.example.com", "refresh"), latin1("x".repeat(200) + " " + inLatin1 + " " + "y".repeat(200)));
      for (int i = 0; i < 200; i++) {
        db.put(localStorageKey("https://app.example.com", "k" + i), latin1("value number " + i + " ".repeat(50)));
      }
    }
    List<Path> tables = files(d, ".sst");
    assertFalse(tables.isEmpty(), "the writer made tables");
    Path copy = Files.createDirectories(dir.resolve("Local Storage").resolve("leveldb"));
    for (Path t : tables) {
      byte[] bytes = Files.readAllBytes(t);
      // Snappy keeps an incompressible token as a literal, but the run around it is compressed
      assertFalse(SqliteReaderTest.indexOf(bytes, "x".repeat(200).getBytes(StandardCharsets.ISO_8859_1)) >= 0,
          "blocks are Snappy-compressed");
      Files.write(copy.resolve(t.getFileName().toString().replace(".sst", ".ldb")), bytes);
    }
    ScanResult r = scan(copy);
    noProblems(r);
    Location u = one(r, inUtf16, "UTF-16LE value").location();
    assertEquals("leveldb", u.format());
    assertEquals("https://app.example.com key authToken", u.store().key());
    assertNotNull(u.store().valueOffset(), "inside a compressed block");
    Location l = one(r, inLatin1, "Latin-1 value").location();
    assertEquals("https://app.example.com key refresh", l.store().key());
    assertEquals(201L, l.store().valueOffset(), "offset in the value, after its prefix byte");
  }

  @Test
  void logRecordAcrossTwoBlocks_tokenCutByTheBlockHeader_foundWhole() throws IOException {
    String token = forge.base62Crc32("ghu_");
    Path d = dir.resolve("leveldb");
    byte[] key = localStorageKey("https://teams.example.com", "token");
    // one put is one record: 7-byte header, batch header (12), tag, key length, key, value length
    int valueLength = 50_000;
    int valueStart = 7 + 12 + 1 + 1 + key.length + 3;
    int tokenAt = LevelDbReader.LOG_BLOCK - 10 - valueStart; // 10 bytes before the first block's end
    StringBuilder v = new StringBuilder("z".repeat(valueLength - 1));
    v.replace(tokenAt - 2, tokenAt + token.length() + 1, " " + token + " "); // -1 for the prefix byte
    Path logCopy = dir.resolve("000003.log");
    try (DB db = open(d)) {
      db.put(key, latin1(v.toString()));
      List<Path> logs = files(d, ".log");
      Files.copy(logs.get(logs.size() - 1), logCopy);
    }
    byte[] bytes = Files.readAllBytes(logCopy);
    assertTrue(bytes.length > LevelDbReader.LOG_BLOCK, "the record spans blocks");
    assertEquals(-1, SqliteReaderTest.indexOf(bytes, token.getBytes(StandardCharsets.ISO_8859_1)), "cut by the next block's header");
    ScanResult r = scan(logCopy);
    noProblems(r);
    Location l = one(r, token, "token across two log blocks").location();
    assertEquals("leveldb-log", l.format());
    assertEquals(StoreContext.LOG, l.store().origin());
    assertEquals("https://teams.example.com key token", l.store().key());
    assertNull(l.store().valueOffset(), "a log record is stored as is: exact file offset");
    byte[] head = token.substring(0, 10).getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(SqliteReaderTest.indexOf(bytes, head), l.offset());
  }

  @Test
  void truncatedTableAndLog_problemWithOffset() throws IOException {
    String token = forge.base62Crc32("ghp_");
    Path d = dir.resolve("leveldb");
    Path logCopy = dir.resolve("000009.log");
    try (DB db = open(d)) {
      db.put("first".getBytes(StandardCharsets.US_ASCII), ("GH_TOKEN=" + token).getBytes(StandardCharsets.US_ASCII));
      db.put("second".getBytes(StandardCharsets.US_ASCII), "z".repeat(5000).getBytes(StandardCharsets.US_ASCII));
      List<Path> logs = files(d, ".log");
      byte[] all = Files.readAllBytes(logs.get(logs.size() - 1));
      int used = all.length;
      while (used > 0 && all[used - 1] == 0) {
        used--; // the writer preallocates its log with zeros
      }
      Files.write(logCopy, Arrays.copyOf(all, used - 100));
    }
    ScanResult r = scan(logCopy);
    one(r, token, "record before the cut");
    assertEquals(1, r.problems().size(), r.problems().toString());
    Problem p = r.problems().get(0);
    assertEquals(Problem.Type.CORRUPT, p.type());
    assertTrue(p.message().contains("truncated"), p.message());

    Path d2 = dir.resolve("leveldb2");
    try (DB db = open(d2)) {
      db.put("k".getBytes(StandardCharsets.US_ASCII), ("token " + token).getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 100; i++) {
        db.put(("filler" + i).getBytes(StandardCharsets.US_ASCII), new byte[512]);
      }
    }
    // the largest table: a compaction may leave an empty one behind, depending on timing
    Path largest = files(d2, ".sst").stream().max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
    byte[] t = Files.readAllBytes(largest);
    assertTrue(t.length > 100, "a table with the token: " + t.length + " bytes");
    Path cut = dir.resolve("000011.ldb");
    Files.write(cut, Arrays.copyOf(t, t.length - 20));
    ScanResult rt = scan(cut);
    assertEquals(1, rt.problems().size(), rt.problems().toString());
    assertTrue(rt.problems().get(0).message().contains("footer"), rt.problems().toString());
  }

  @Test
  void keyThatIsItselfAToken_hiddenInTheLocation() {
    String token = new TokenForge(new Random(5)).base62Crc32("ghp_");
    String shown = LevelDbReader.Keys.show(("session:" + token).getBytes(StandardCharsets.US_ASCII));
    assertFalse(shown.contains(token.substring(4, 20)), "no part of the token in the key shown");
    assertTrue(shown.startsWith("session:"), shown);
  }

  @SuppressWarnings("unused")
  private static File unused;
}

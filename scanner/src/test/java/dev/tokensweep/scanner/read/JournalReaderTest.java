package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.XZInputStream;

/** Real journal files (see resources/.../journal/PROVENANCE.md): every layout and compression. */
class JournalReaderTest {
  @TempDir
  Path dir;

  // synthetic, format-valid, never issued (planted by gen.py)
  static final String IN_MESSAGE = "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";
  static final String IN_CMDLINE = "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";
  static final String IN_ENVIRON = "ghu_MEhEmTyIx1QrwZxf6BektI7lLvkjWx3j8spK";

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = new XZInputStream(JournalReaderTest.class.getResourceAsStream("journal/" + name + ".journal.xz"))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstd-c1", "zstd-c0", "xz-c0", "lz4-c0", "lz4-c1"})
  void everyLayoutAndCompression_fieldsFoundWithEntryAndFieldName(String name) throws IOException {
    byte[] bytes = fixture(name);
    Path f = dir.resolve("system@" + name + ".journal~");
    Files.write(f, bytes);
    ScanResult r = scan(f);
    noProblems(r);
    Location m = one(r, IN_MESSAGE, name + ": token in a compressed MESSAGE").location();
    assertEquals("journal", m.format());
    assertEquals(2L, m.entry(), "the entry's sequence number");
    assertEquals(1785000002L, m.timestamp());
    StoreContext s = m.store();
    assertEquals("MESSAGE", s.field());
    assertEquals(2L, s.seqnum());
    assertEquals(1785000002_000000L, s.realtime());
    assertNotNull(s.valueOffset(), "a compressed field gives the offset in the field");
    Location c = one(r, IN_CMDLINE, name + ": token in _CMDLINE, stored as is").location();
    assertEquals("_CMDLINE", c.store().field());
    assertEquals(3L, c.store().seqnum());
    assertNull(c.store().valueOffset(), "stored as is: the file offset is exact");
    assertEquals(indexOf(bytes, IN_CMDLINE.getBytes(StandardCharsets.US_ASCII)), c.offset());
    Location e = one(r, IN_ENVIRON, name + ": token in COREDUMP_ENVIRON").location();
    assertEquals("COREDUMP_ENVIRON", e.store().field());
    assertEquals(4L, e.entry());
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstd-c1", "lz4-c0"})
  void insideACompressedStream_spooledAndRead(String name) throws IOException {
    Path f = dir.resolve(name + ".journal.xz");
    try (InputStream in = JournalReaderTest.class.getResourceAsStream("journal/" + name + ".journal.xz")) {
      Files.copy(in, f);
    }
    ScanResult r = scan(f);
    noProblems(r);
    assertEquals(2L, one(r, IN_MESSAGE, "through the spool").location().entry());
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstd-c1", "xz-c0"})
  void truncatedJournal_problemWithOffset_objectsBeforeScanned(String name) throws IOException {
    byte[] bytes = fixture(name);
    int cut = indexOf(bytes, IN_CMDLINE.getBytes(StandardCharsets.US_ASCII)) + 10;
    Path f = dir.resolve("cut.journal");
    Files.write(f, Arrays.copyOf(bytes, cut));
    ScanResult r = scan(f);
    assertEquals(2L, one(r, IN_MESSAGE, "entry before the cut").location().entry());
    assertTrue(r.findings().stream().noneMatch(x -> IN_CMDLINE.equals(x.revealed())), "the cut token is not whole");
    assertEquals(1, r.problems().size(), r.problems().toString());
    Problem p = r.problems().get(0);
    assertEquals(Problem.Type.CORRUPT, p.type());
    assertTrue(p.message().contains("truncated") && p.message().contains("ends at " + cut), p.message());
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstd-c1", "xz-c0", "lz4-c0"})
  void damagedObject_problemWithOffset_objectsAfterItStillScanned(String name) throws IOException {
    // one object's header overwritten (its type and size): the walk ended there, and every field
    // after it went unscanned
    byte[] bytes = fixture(name);
    int first = (int) le64(bytes, 88);
    int second = first + (int) ((le64(bytes, first + 8) + 7) & ~7L);
    Arrays.fill(bytes, second, second + 16, (byte) 0x5a);
    Path f = dir.resolve("damaged.journal");
    Files.write(f, bytes);
    ScanResult r = scan(f);
    one(r, IN_CMDLINE, name + ": a field after the damage");
    one(r, IN_ENVIRON, name + ": the last field");
    assertEquals(1, r.problems().size(), r.problems().toString());
    Problem p = r.problems().get(0);
    assertEquals(Problem.Type.CORRUPT, p.type());
    assertTrue(p.message().startsWith("journal: object at offset " + second + " has type 90")
        && p.message().contains("read on from the next whole object"), p.message());
  }

  @org.junit.jupiter.api.Test
  void fieldClaiming4GiB_isALimitProblem_notAnAllocation() throws IOException {
    // the lz4 size prefix of the MESSAGE field set to 4 GB: a limit, the other fields still read
    byte[] bytes = fixture("lz4-c0");
    int at = indexOfLz4Prefix(bytes);
    long huge = 4L << 30;
    for (int i = 0; i < 8; i++) {
      bytes[at + i] = (byte) (huge >>> (8 * i));
    }
    Path f = dir.resolve("bomb.journal");
    Files.write(f, bytes);
    ScanResult r = ReaderFixture.scan(f);
    one(r, IN_CMDLINE, "the other fields");
    assertTrue(r.problems().stream().anyMatch(p -> p.type() == Problem.Type.LIMIT && p.message().startsWith("max-ratio")),
        r.problems().toString());
  }

  /** The payload offset of the first lz4-compressed DATA object (flags 2): its 8-byte size prefix. */
  private static int indexOfLz4Prefix(byte[] b) {
    long hs = le64(b, 88);
    int p = (int) hs;
    boolean compact = (b[12] & 16) != 0;
    while (p + 16 <= b.length) {
      long size = le64(b, p + 8);
      if (size == 0) {
        break;
      }
      if (b[p] == 1 && b[p + 1] == 2) {
        return p + (compact ? 72 : 64);
      }
      p += (int) ((size + 7) & ~7L);
    }
    throw new AssertionError("no lz4 DATA object");
  }

  private static long le64(byte[] b, int i) {
    long v = 0;
    for (int k = 7; k >= 0; k--) {
      v = v << 8 | (b[i + k] & 0xFF);
    }
    return v;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    return SqliteReaderTest.indexOf(hay, needle);
  }
}

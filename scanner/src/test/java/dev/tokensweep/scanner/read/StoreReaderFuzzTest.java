package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random-mutation fuzzing of the store readers, bounded in time so it runs in every build:
 * real files (SQLite, journal, LevelDB table and log) with bytes flipped, ranges zeroed or
 * duplicated, little-endian and big-endian words set to extremes, and the file cut short. No
 * exception may escape a reader, every problem names the file, every location lies in the file,
 * one input is read in bounded time, and the heap stays bounded.
 */
class StoreReaderFuzzTest {
  private static final long BUDGET_MILLIS = FuzzLoop.budgetMillis(2_500);
  private static final long MAX_MILLIS_ONE = 10_000;
  private static final long MAX_HEAP = 512L << 20;

  @TempDir
  Path dir;

  interface ReaderFactory {
    Reader make();
  }

  private static void fuzz(String name, byte[] seed, ReaderFactory readers, long seedNo) {
    Random rnd = new Random(seedNo);
    long end = System.currentTimeMillis() + BUDGET_MILLIS;
    int runs = 0;
    long peak = 0;
    String path = "fuzz/" + name;
    while (System.currentTimeMillis() < end || runs < 20) {
      byte[] input = runs == 0 ? seed : FuzzLoop.mutate(seed, rnd);
      List<Problem> problems = new ArrayList<>();
      long[] located = {0};
      SegmentSink sink = new SegmentSink() {
        @Override
        public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
          for (int p = ownFrom; p < ownTo; p += Math.max(1, (ownTo - ownFrom) / 4)) {
            Location l = locator.locate(p);
            if (l.offset() < 0 || l.offset() > input.length || !path.equals(l.path())) {
              fail(name + " run " + runs(located) + ": location outside the file: " + l.offset());
            }
            located[0]++;
          }
        }

        @Override
        public int overlap() {
          return 256;
        }

        @Override
        public void problem(Problem p) {
          problems.add(p);
        }
      };
      long t0 = System.currentTimeMillis();
      try (InputStream in = new ByteArrayInputStream(input)) {
        readers.make().read(in, path, null, sink);
      } catch (Throwable e) {
        fail(name + " run " + runs + " (seed " + seedNo + "): " + e.getClass().getName() + " escaped: " + e.getMessage(), e);
      }
      long took = System.currentTimeMillis() - t0;
      assertTrue(took < MAX_MILLIS_ONE, name + " run " + runs + " took " + took + " ms");
      for (Problem p : problems) {
        assertEquals(path, p.location(), "every problem names the file");
        assertTrue(p.message() != null && !p.message().isBlank());
      }
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= MAX_HEAP) {
        // the fork's other tests leave garbage behind: what counts is what this read still holds
        System.gc();
        used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      }
      peak = Math.max(peak, used);
      runs++;
    }
    assertTrue(peak < MAX_HEAP, name + ": heap reached " + (peak >> 20) + " MB");
    assertTrue(runs >= 20, name + ": only " + runs + " runs");
  }

  private static long runs(long[] x) {
    return x[0];
  }

  private static ScanLimits limits() {
    ScanLimits d = ScanLimits.defaults();
    return new ScanLimits(d.maxDepth(), d.maxEntries(), d.maxTotalBytes(), 64L << 20, d.maxRatio(), 1 << 20, 64L << 20, 4096);
  }

  @Test
  void sqliteReader_mutatedDatabases() throws Exception {
    Path db = dir.resolve("seed.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=512");
      s.execute("CREATE TABLE t (a TEXT, b BLOB, c INTEGER)");
      s.execute("CREATE INDEX ia ON t(a)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
        for (int i = 0; i < 30; i++) {
          p.setString(1, "row " + i + " " + "q".repeat(i * 40));
          p.setBytes(2, ("blob " + i).getBytes(StandardCharsets.US_ASCII));
          p.setInt(3, i);
          p.executeUpdate();
        }
      }
      s.execute("DELETE FROM t WHERE c % 3 = 0");
    }
    fuzz("seed.db", Files.readAllBytes(db), () -> new SqliteReader(4096, limits(), false), 1);
  }

  @Test
  void sqliteWalReader_mutatedWalFiles() throws Exception {
    Path db = dir.resolve("w.db");
    byte[] wal;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=1024");
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("CREATE TABLE t (a TEXT)");
      for (int i = 0; i < 10; i++) {
        s.execute("INSERT INTO t VALUES ('" + "w".repeat(100 * i) + "')");
      }
      wal = Files.readAllBytes(dir.resolve("w.db-wal"));
    }
    fuzz("w.db-wal", wal, () -> new SqliteReader(4096, limits(), true), 2);
  }

  @Test
  void journalReader_mutatedJournals() throws Exception {
    for (String f : new String[] {"zstd-c1", "lz4-c0", "xz-c0"}) {
      byte[] seed = JournalReaderTest.fixture(f);
      // the hash tables are megabytes of zeros: fuzz the objects after them
      fuzz(f + ".journal", seed, () -> new JournalReader(4096, limits()), 3 + f.hashCode());
    }
  }

  @Test
  void levelDbReader_mutatedTablesAndLogs() throws Exception {
    Path d = dir.resolve("ldb");
    Path logCopy = dir.resolve("log");
    try (DB db = LevelDbReaderTest.open(d)) {
      for (int i = 0; i < 300; i++) {
        db.put(LevelDbReaderTest.localStorageKey("https://x.example", "k" + i),
            i % 2 == 0 ? LevelDbReaderTest.latin1("value " + i + " ".repeat(i % 50)) : LevelDbReaderTest.utf16("v" + i));
      }
      try (Stream<Path> s = Files.list(d)) {
        Path log = s.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        byte[] all = Files.readAllBytes(log);
        int used = all.length;
        while (used > 0 && all[used - 1] == 0) {
          used--;
        }
        Files.write(logCopy, java.util.Arrays.copyOf(all, Math.max(used, 64)));
      }
    }
    Path table;
    try (Stream<Path> s = Files.list(d)) {
      table = s.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
    fuzz("000005.ldb", Files.readAllBytes(table), () -> new LevelDbReader(4096, limits(), false), 4);
    fuzz("000003.log", Files.readAllBytes(logCopy), () -> new LevelDbReader(4096, limits(), true), 5);
  }

  @Test
  void gitPackReader_mutatedPacks() throws Exception {
    byte[] base = "line of text\n".repeat(9).getBytes(StandardCharsets.US_ASCII);
    byte[] insert = "GH_TOKEN=not-a-token\n".getBytes(StandardCharsets.US_ASCII);
    byte[] delta = GitPackReaderTest.delta(base.length, insert);
    byte[] tree = GitPackReaderTest.concat("100644 a.txt".getBytes(StandardCharsets.US_ASCII), new byte[21]);
    byte[] seed = GitPackReaderTest.pack(
        GitPackReaderTest.object(1, "tree 0\nauthor t <t@example.com> 0 +0000\n\nmessage\n".getBytes(StandardCharsets.US_ASCII)),
        GitPackReaderTest.object(2, tree),
        GitPackReaderTest.object(3, base),
        GitPackReaderTest.concat(GitPackReaderTest.header(6, delta.length), new byte[] {(byte) 0x81, 0x05},
            GitPackReaderTest.zlib(delta)),
        GitPackReaderTest.concat(GitPackReaderTest.header(7, delta.length), new byte[20], GitPackReaderTest.zlib(delta)));
    fuzz("pack-1.pack", seed, () -> new GitPackReader(4096, limits()), 6);
    fuzz("pack-2.pack", resolvingPack("SHA-1"), () -> new GitPackReader(4096, limits()), 7);
    fuzz("pack-3.pack", resolvingPack("SHA-256"), () -> new GitPackReader(4096, limits()), 8);
  }

  /**
   * A pack whose deltas resolve: a commit telling the id size, a blob, an OFS_DELTA against it, one
   * against that delta (a chain), and a REF_DELTA naming the blob by its id.
   */
  private static byte[] resolvingPack(String algorithm) throws Exception {
    String hex = algorithm.equals("SHA-1") ? "0".repeat(40) : "0".repeat(64);
    byte[] commit = GitPackReaderTest.object(1,
        ("tree " + hex + "\nauthor t <t@example.com> 0 +0000\n\nmessage\n").getBytes(StandardCharsets.US_ASCII));
    byte[] text = "line of text\nGH_TOKEN=not-a-\n".repeat(6).getBytes(StandardCharsets.US_ASCII);
    byte[] blob = GitPackReaderTest.object(3, text);
    byte[] added = "token-at-all\n".getBytes(StandardCharsets.US_ASCII);
    byte[] d1 = GitPackReaderTest.keepAndAdd(text.length, text.length - 1, added);
    byte[] ofs1 = GitPackReaderTest.ofsDelta(blob.length, d1);
    int size1 = text.length - 1 + added.length;
    byte[] d2 = GitPackReaderTest.concat(GitPackReaderTest.varint(size1), GitPackReaderTest.varint(size1 + 20),
        GitPackReaderTest.copy(3, size1 - 3), GitPackReaderTest.insert("inserted, 20 bytes..".getBytes(StandardCharsets.US_ASCII)),
        GitPackReaderTest.copy(0, 3));
    byte[] ofs2 = GitPackReaderTest.ofsDelta(ofs1.length, d2);
    byte[] id = GitPackReaderTest.gitId(algorithm, "blob", text);
    byte[] ref = GitPackReaderTest.concat(GitPackReaderTest.header(7, d1.length), id, GitPackReaderTest.zlib(d1));
    return GitPackReaderTest.pack(commit, blob, ofs1, ofs2, ref);
  }
}

package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Databases written by the real SQLite (sqlite-jdbc bundles it), read by our page-level reader. */
class SqliteReaderTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(13));

  static Connection open(Path db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + db);
  }

  static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  static void insert(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        p.setObject(i + 1, values[i]);
      }
      p.executeUpdate();
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  void adjacentColumns_tokenAfterAnotherColumnsText_foundWithTableRowidAndColumn() throws Exception {
    String token = forge.base62Crc32("ghp_");
    Path db = dir.resolve("hosts.db");
    try (Connection c = open(db)) {
      exec(c, "CREATE TABLE hosts (host TEXT, user TEXT, oauth_token TEXT)");
      insert(c, "INSERT INTO hosts VALUES (?, ?, ?)", "github.com", "octocat", token);
    }
    byte[] file = Files.readAllBytes(db);
    // stored back to back: the user name's last byte is a word character right before the token
    assertTrue(contains(file, ("octocat" + token).getBytes(StandardCharsets.US_ASCII)), "fixture glues the columns");
    ScanResult r = scan(db);
    noProblems(r);
    Location l = one(r, token, "token in a column after another column's text").location();
    assertEquals("sqlite", l.format());
    StoreContext s = l.store();
    assertEquals("hosts", s.table());
    assertEquals(1L, s.rowid());
    assertEquals("oauth_token", s.column());
    assertEquals(StoreContext.RECORD, s.origin());
    int at = indexOf(file, token.getBytes(StandardCharsets.US_ASCII));
    assertEquals(at, l.offset(), "file offset of the stored token");
    assertEquals((long) at / 4096 + 1, s.page());
  }

  @Test
  void overflowPage_tokenCutByThePagePointer_foundWhole() throws Exception {
    String token = forge.base62Crc32("gho_");
    Path db = dir.resolve("state.vscdb");
    // one text column of L bytes on 512-byte pages: the record is a 3-byte header then the text;
    // fileformat2 2.3.1.2 gives the local part, and the token is placed across its end
    int usable = 512;
    int length = 3000;
    long payload = 3 + length;
    long m = ((usable - 12) * 32L / 255) - 23;
    long x = usable - 35;
    long k = m + ((payload - m) % (usable - 4));
    long local = k <= x ? k : m;
    int cut = (int) (local - 3) - 20; // 20 bytes of the token on the b-tree page, the rest overflows
    StringBuilder v = new StringBuilder("x".repeat(length));
    v.replace(cut - 1, cut + token.length() + 1, " " + token + " ");
    try (Connection c = open(db)) {
      exec(c, "PRAGMA page_size=512", "CREATE TABLE ItemTable (value TEXT)");
      insert(c, "INSERT INTO ItemTable VALUES (?)", v.toString());
    }
    byte[] file = Files.readAllBytes(db);
    assertFalse(contains(file, token.getBytes(StandardCharsets.US_ASCII)), "the fixture stores the token in two pieces");
    ScanResult r = scan(db);
    noProblems(r);
    Location l = one(r, token, "token across an overflow page").location();
    assertEquals("value", l.store().column());
    byte[] head = token.substring(0, 20).getBytes(StandardCharsets.US_ASCII);
    assertEquals(indexOf(file, head), l.offset(), "located at its first stored byte, on the b-tree page");
  }

  @Test
  void deletedRowAndDroppedTable_foundAsDeletedData() throws Exception {
    String kept = forge.base62Crc32("ghp_");
    String deleted = forge.base62Crc32("ghu_");
    String dropped = forge.base62Crc32("ghs_");
    Path db = dir.resolve("Cookies");
    try (Connection c = open(db)) {
      exec(c, "PRAGMA page_size=1024", "CREATE TABLE cookies (host_key TEXT, name TEXT, value TEXT)",
          "CREATE TABLE scratch (note TEXT)");
      insert(c, "INSERT INTO cookies VALUES (?, ?, ?)", "example.com", "a", "token " + kept);
      insert(c, "INSERT INTO cookies VALUES (?, ?, ?)", "example.com", "b", "token " + deleted);
      for (int i = 0; i < 20; i++) {
        insert(c, "INSERT INTO scratch VALUES (?)", "x".repeat(300) + (i == 7 ? " " + dropped + " " : ""));
      }
      exec(c, "DELETE FROM cookies WHERE name = 'b'", "DROP TABLE scratch");
    }
    ScanResult r = scan(db);
    noProblems(r);
    assertEquals(StoreContext.RECORD, one(r, kept, "live row").location().store().origin());
    StoreContext d = one(r, deleted, "deleted row in a free block").location().store();
    assertEquals(StoreContext.DELETED, d.origin());
    StoreContext f = one(r, dropped, "row of a dropped table on a freelist page").location().store();
    assertEquals(StoreContext.DELETED, f.origin());
    assertEquals(null, f.table(), "deleted bytes belong to no table");
  }

  @Test
  void walFile_pageNotCheckpointed_foundAsUncommitted() throws Exception {
    String token = forge.base62Crc32("ghp_");
    Path db = dir.resolve("access_tokens.db");
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    try (Connection c = open(db)) {
      exec(c, "PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0",
          "CREATE TABLE access_tokens (account_id TEXT PRIMARY KEY, access_token TEXT)");
      insert(c, "INSERT INTO access_tokens VALUES (?, ?)", "ci@example.iam", token);
      // the connection is still open: the page is only in the -wal file
      Files.copy(db.resolveSibling("access_tokens.db-wal"), copy.resolve("access_tokens.db-wal"));
    }
    ScanResult r = scan(copy.resolve("access_tokens.db-wal"));
    noProblems(r);
    Location l = one(r, token, "token in a WAL frame").location();
    assertEquals("sqlite-wal", l.format());
    assertEquals(StoreContext.UNCOMMITTED, l.store().origin());
    assertTrue(l.store().rowid() != null, "decoded from the frame's table leaf cell");
  }

  @Test
  void utf16Database_textNarrowed_foundWithItsEncoding() throws Exception {
    String token = forge.base62Crc32("ghp_");
    Path db = dir.resolve("utf16.db");
    try (Connection c = open(db)) {
      exec(c, "PRAGMA encoding='UTF-16le'", "CREATE TABLE t (name TEXT, secret TEXT)");
      insert(c, "INSERT INTO t VALUES (?, ?)", "deploy", token);
    }
    ScanResult r = scan(db);
    noProblems(r);
    Location l = one(r, token, "token in a UTF-16LE database").location();
    assertEquals("utf-16le", l.encoding());
    assertEquals("secret", l.store().column());
    byte[] stored = token.getBytes(StandardCharsets.UTF_16LE);
    assertEquals(indexOf(Files.readAllBytes(db), stored), l.offset());
  }

  @Test
  void blobColumn_jsonInside_keyAwareRuleSeesTheJsonKey() throws Exception {
    String token = forge.random(TokenForge.ALNUM, 40);
    Path db = dir.resolve("state.vscdb");
    try (Connection c = open(db)) {
      exec(c, "CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)");
      insert(c, "INSERT INTO ItemTable VALUES (?, ?)", "secret://github.auth",
          ("{\"access_token\":\"" + token + "\",\"scope\":\"repo\"}").getBytes(StandardCharsets.UTF_8));
    }
    ScanResult r = scan(db);
    noProblems(r);
    assertEquals("value", one(r, token, "token in a JSON blob").location().store().column());
  }

  @Test
  void truncatedDatabase_problemWithOffset_pagesBeforeScanned() throws Exception {
    String early = forge.base62Crc32("ghp_");
    Path db = dir.resolve("big.db");
    try (Connection c = open(db)) {
      exec(c, "PRAGMA page_size=1024", "CREATE TABLE t (v TEXT)");
      insert(c, "INSERT INTO t VALUES (?)", "first " + early);
      for (int i = 0; i < 200; i++) {
        insert(c, "INSERT INTO t VALUES (?)", "filler row " + i + " " + "y".repeat(200));
      }
    }
    byte[] all = Files.readAllBytes(db);
    Path cut = dir.resolve("cut.db");
    Files.write(cut, Arrays.copyOf(all, all.length / 2 + 100));
    ScanResult r = scan(cut);
    one(r, early, "token on a page before the cut");
    assertEquals(1, r.problems().size(), r.problems().toString());
    Problem p = r.problems().get(0);
    assertEquals(Problem.Type.CORRUPT, p.type());
    assertTrue(p.message().contains("truncated") && p.message().contains("offset " + (all.length / 2 + 100)), p.message());
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void sqliteSchemaAndIndexes_indexKeysNotReportedTwice() throws Exception {
    String token = forge.base62Crc32("ghp_");
    Path db = dir.resolve("indexed.db");
    try (Connection c = open(db)) {
      exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, token TEXT UNIQUE)");
      insert(c, "INSERT INTO t (token) VALUES (?)", token);
    }
    ScanResult r = scan(db);
    noProblems(r);
    Finding f = one(r, token, "token in a table with a unique index on it");
    assertEquals("t", f.location().store().table());
  }
}

package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.report.Reporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.impl.Iq80DBFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names a store quotes in a finding's location (a SQLite table and column, a LevelDB key) are
 * input like file names: a table named after a token, or a key cut short in the middle of one,
 * must not print the token in any report.
 */
class StoreNamesLeakTest {
  private final TokenForge forge = new TokenForge(new Random(71));

  @TempDir
  Path dir;

  @Test
  void sqliteTableAndColumnNamedAfterTokens_redactedInEveryFormat() throws Exception {
    String inTable = forge.base62Crc32("ghp_");
    String inColumn = forge.base62Crc32("gho_");
    String value = forge.base62Crc32("ghu_");
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE \"tokens " + inTable + "\" (host TEXT, \"" + inColumn + "\" TEXT)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO \"tokens " + inTable + "\" VALUES (?, ?)")) {
        p.setString(1, "github.com");
        p.setString(2, value);
        p.executeUpdate();
      }
    }
    for (String format : Reporter.FORMATS) {
      Run r = Run.run("scan", "-f", format, db.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format);
      assertTrue(r.out().contains(value.substring(value.length() - 4)), format + ": the value's finding is reported");
      r.assertNotPrinted(inTable.substring(6, 26), format + ": a token in a table name");
      r.assertNotPrinted(inColumn.substring(6, 26), format + ": a token in a column name");
    }
  }

  @Test
  void levelDbKeyCutInsideAToken_noFragmentInEveryFormat() throws Exception {
    String inKey = forge.base62Crc32("ghp_");
    String value = forge.base62Crc32("gho_");
    // the key is cut at 200 characters for the location: 14 of the token's before the cut
    String key = "k ".repeat(93) + inKey;
    Path d = dir.resolve("leveldb");
    try (DB db = Iq80DBFactory.factory.open(d.toFile(), new Options().createIfMissing(true)
        .compressionType(CompressionType.SNAPPY))) {
      db.put(key.getBytes(StandardCharsets.ISO_8859_1), ("token=" + value).getBytes(StandardCharsets.ISO_8859_1));
    }
    for (String format : Reporter.FORMATS) {
      Run r = Run.run("scan", "-f", format, d.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format);
      assertTrue(r.out().contains("k k k"), format + ": the key is shown");
      // the part before the cut: "ghp_" and ten characters of the secret
      String fragment = inKey.substring(4, 14);
      r.assertNotPrinted(fragment, format + ": a token's first characters before the key's cut");
    }
  }
}

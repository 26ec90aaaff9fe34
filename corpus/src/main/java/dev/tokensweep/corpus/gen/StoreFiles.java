package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.SourceType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.impl.Iq80DBFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The stores an endpoint's applications keep tokens in, written by the real programs' code: a
 * VS Code-like {@code state.vscdb} and a CLI's SQLite cache (the real SQLite, through
 * sqlite-jdbc), with a token glued to the column before it and a deleted row; a Chromium
 * {@code Local Storage/leveldb} write-ahead log (a real LevelDB writer, iq80's), with Latin-1
 * and UTF-16LE values; and a systemd journal (real {@code systemd-journal-remote} output copied
 * from the resources, as no systemd runs here) with tokens in a compressed {@code MESSAGE}, a
 * {@code _CMDLINE} and a {@code COREDUMP_ENVIRON}.
 */
final class StoreFiles {
  private StoreFiles() {}

  // the tokens planted in the journal fixtures (see resources/.../gen/journal/README.md)
  private static final String J_MESSAGE = "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";
  private static final String J_CMDLINE = "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";
  private static final String J_ENVIRON = "ghu_MEhEmTyIx1QrwZxf6BektI7lLvkjWx3j8spK";

  static List<Leaf> all(Host h) {
    try {
      List<Leaf> out = new ArrayList<>();
      out.add(sqlite(h));
      out.add(leveldb(h));
      out.add(journal(h));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("sqlite", e);
    }
  }

  static Leaf sqlite(Host h) throws IOException, SQLException {
    Path tmp = Files.createTempFile("corpus-", ".db");
    Files.delete(tmp);
    Token live = h.forge.github("ghp_");
    Token glued = h.forge.gitlab();
    Token deleted = h.forge.github("gho_");
    try {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp); Statement s = c.createStatement()) {
        s.execute("PRAGMA page_size=1024");
        s.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)");
        s.execute("CREATE TABLE accounts (host TEXT, user TEXT, token TEXT, expiry INTEGER)");
        try (PreparedStatement p = c.prepareStatement("INSERT INTO ItemTable VALUES (?, ?)")) {
          for (int i = 0; i < 12; i++) {
            p.setString(1, "workbench.panel." + i);
            p.setBytes(2, ("{\"visible\":" + (i % 2 == 0) + ",\"size\":" + (100 + i) + ",\"id\":\"" + h.forge.uuid() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
            p.executeUpdate();
          }
          p.setString(1, "github.auth");
          p.setBytes(2, ("{\"token\":\"" + live.value() + "\",\"scopes\":[\"repo\"]}").getBytes(StandardCharsets.UTF_8));
          p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?, ?)")) {
          p.setString(1, "gitlab.example.com");
          p.setString(2, h.user + "Z"); // a word character right before the token in the record
          p.setString(3, glued.value());
          p.setLong(4, h.epoch() + 3600);
          p.executeUpdate();
          p.setString(1, "github.com");
          p.setString(2, h.user);
          p.setString(3, "revoked " + deleted.value() + " ");
          p.setLong(4, h.epoch());
          p.executeUpdate();
        }
        s.execute("DELETE FROM accounts WHERE host = 'github.com'");
      }
      byte[] bytes = Files.readAllBytes(tmp);
      List<Planted> ps = new ArrayList<>();
      ps.add(at(bytes, live, "sqlite ItemTable JSON blob"));
      ps.add(at(bytes, glued, "sqlite column right after another column's text"));
      ps.add(at(bytes, deleted, "sqlite deleted row (free block)"));
      return new Leaf(".config/Code/User/globalStorage/state.vscdb", bytes, ps);
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + "-journal"));
    }
  }

  static Leaf leveldb(Host h) throws IOException {
    Path dir = Files.createTempDirectory("corpus-ldb-");
    Token latin1 = h.forge.slackBot();
    Token utf16 = h.forge.github("ghu_");
    try {
      try (DB db = Iq80DBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true))) {
        db.put(key("https://app.slack.com", "localConfig_v2"), prefixed(1, ("{\"teams\":{\"T01\":{\"token\":\""
            + latin1.value() + "\"}}}").getBytes(StandardCharsets.ISO_8859_1)));
        db.put(key("https://app.example.com", "theme"), prefixed(1, "dark".getBytes(StandardCharsets.ISO_8859_1)));
        db.put(key("https://github.example.com", "auth"), prefixed(0, utf16.value().getBytes(StandardCharsets.UTF_16LE)));
        byte[] log;
        try (Stream<Path> s = Files.list(dir)) {
          Path p = s.filter(f -> f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
          log = Files.readAllBytes(p);
        }
        int used = recordsEnd(log); // the writer preallocates its log with zeros; its records end here
        byte[] bytes = java.util.Arrays.copyOf(log, used);
        List<Planted> ps = new ArrayList<>();
        ps.add(at(bytes, latin1, "Local Storage value (Latin-1) in a LevelDB log"));
        int o = indexOf(bytes, utf16.value().getBytes(StandardCharsets.UTF_16LE));
        ps.add(Planted.of(utf16, SourceType.LEVELDB, null, null, o, null, "utf-16le", "Local Storage value (UTF-16LE)"));
        return new Leaf(".config/Slack/Local Storage/leveldb/000003.log", bytes, ps);
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static Leaf journal(Host h) throws IOException {
    String fixture = h.random.nextBoolean() ? "zstd-c1" : "lz4-c0";
    byte[] bytes;
    try (InputStream in = new XZInputStream(StoreFiles.class.getResourceAsStream("journal/" + fixture + ".journal.xz"))) {
      bytes = in.readAllBytes();
    }
    List<Planted> ps = new ArrayList<>();
    ps.add(Planted.of(fixed(J_MESSAGE, "ghp_"), SourceType.JOURNAL, null, null, 0, 2L, null, "journal MESSAGE, compressed"));
    ps.add(Planted.of(fixed(J_CMDLINE, "gho_"), SourceType.JOURNAL, null, null,
        indexOf(bytes, J_CMDLINE.getBytes(StandardCharsets.US_ASCII)), 3L, null, "journal _CMDLINE"));
    ps.add(Planted.of(fixed(J_ENVIRON, "ghu_"), SourceType.JOURNAL, null, null, 0, 4L, null,
        "journal COREDUMP_ENVIRON, compressed"));
    return new Leaf("var/log/journal/" + h.forge.hex(32) + "/system.journal", bytes, ps);
  }

  /** Where a LevelDB log's records end: the first empty record header (zeros), 32 KiB blocks skipped over. */
  static int recordsEnd(byte[] log) {
    int p = 0;
    while (p + 7 <= log.length) {
      int inBlock = 32768 - p % 32768;
      if (inBlock < 7) {
        p += inBlock;
        continue;
      }
      int len = (log[p + 4] & 0xFF) | (log[p + 5] & 0xFF) << 8;
      if (log[p + 6] == 0 && len == 0) {
        break;
      }
      p += 7 + len;
    }
    return Math.min(p, log.length);
  }

  private static Token fixed(String value, String prefix) {
    return new Token(value, prefix.equals("ghp_") ? dev.tokensweep.detectors.rule.Kind.API_KEY
        : dev.tokensweep.detectors.rule.Kind.ACCESS_TOKEN, "github", dev.tokensweep.corpus.Capability.GITHUB, "unknown");
  }

  private static Planted at(byte[] bytes, Token t, String context) {
    int o = indexOf(bytes, t.value().getBytes(StandardCharsets.ISO_8859_1));
    if (o < 0) {
      throw new IllegalStateException("planted token not stored as it is: " + context);
    }
    SourceType type = context.startsWith("sqlite") ? SourceType.SQLITE : SourceType.LEVELDB;
    return Planted.of(t, type, null, null, o, null, null, context);
  }

  private static byte[] key(String origin, String name) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("_" + origin).getBytes(StandardCharsets.ISO_8859_1));
    b.write(0);
    b.write(1);
    b.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
    return b.toByteArray();
  }

  private static byte[] prefixed(int prefix, byte[] v) {
    byte[] out = new byte[v.length + 1];
    out[0] = (byte) prefix;
    System.arraycopy(v, 0, out, 1, v.length);
    return out;
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
}

package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sanitizing the application stores: SQLite masked in place and still valid, journals left out. */
class StoreSanitizeTest {
  @TempDir
  Path dir;

  private static final Detector DETECTOR = Detector.of(Rules.builtin());
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();
  private final TokenForge forge = new TokenForge(new Random(8));

  private static Scanner scanner() {
    return new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
  }

  private static PathSanitizer sanitizer() {
    Sanitizer.Options d = Sanitizer.Options.defaults();
    return new PathSanitizer(Sanitizer.of(scanner(), FP, new Sanitizer.Options(MaskStyle.TAG, false, d.binary(), d.spoolCap(),
        4096)), ScanLimits.defaults());
  }

  @Test
  void sqlite_maskedInPlace_stillOpensAndPassesIntegrityCheck_noSecretLeft() throws Exception {
    String split = forge.base62Crc32("gho_");
    String glued = forge.base62Crc32("ghp_");
    String indexed = forge.base62Crc32("ghu_");
    String deleted = forge.base62Crc32("ghs_");
    Path db = dir.resolve("state.vscdb");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=512");
      s.execute("CREATE TABLE ItemTable (key TEXT UNIQUE, value TEXT)");
      s.execute("CREATE TABLE tokens (user TEXT, token TEXT)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO ItemTable VALUES (?, ?)")) {
        for (int i = 0; i < 40; i++) {
          StringBuilder v = new StringBuilder("v".repeat(3000));
          if (i == 7) {
            v.replace(400 + i * 13, 402 + i * 13 + split.length(), " " + split + " ");
          }
          p.setString(1, "k" + i);
          p.setString(2, v.toString());
          p.executeUpdate();
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO tokens VALUES (?, ?)")) {
        p.setString(1, "octocat");
        p.setString(2, glued);
        p.executeUpdate();
        for (int i = 0; i < 30; i++) {
          p.setString(1, "u" + i);
          p.setString(2, "ghu_" + "a".repeat(20) + i); // neighbours in the unique index
          p.executeUpdate();
        }
        p.setString(1, "deploy");
        p.setString(2, indexed);
        p.executeUpdate();
        p.setString(1, "gone");
        p.setString(2, "bye " + deleted);
        p.executeUpdate();
      }
      s.execute("DELETE FROM tokens WHERE user = 'gone'");
    }
    Path out = dir.resolve("clean.vscdb");
    PathSanitizer.Result r = sanitizer().sanitize(db, out, false);
    assertTrue(Files.exists(out), "a copy was written");
    assertEquals(Files.size(db), Files.size(out), "masked in place: same size");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        assertTrue(rs.next());
        assertEquals("ok", rs.getString(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM ItemTable")) {
        rs.next();
        assertEquals(40, rs.getInt(1), "every row still there");
      }
    }
    ScanResult again = scanner().scan(List.of(out.toString()), null);
    assertEquals(List.of(), again.findings().stream().map(f -> f.evidence().ruleId() + "@" + f.location().offset()).toList(),
        "no secret left, also not the one cut by an overflow page nor the deleted one");
    assertTrue(r.toString().length() > 0);
  }

  @Test
  void sqlite_secretInAUniqueIndex_leftOutWithAProblem() throws Exception {
    Path db = dir.resolve("Login Data");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE tokens (user TEXT, token TEXT UNIQUE)");
      for (int i = 0; i < 3; i++) {
        s.execute("INSERT INTO tokens VALUES ('u" + i + "', '" + forge.base62Crc32("ghp_") + "')");
      }
    }
    Path in = Files.createDirectories(dir.resolve("profile"));
    Files.move(db, in.resolve("Login Data"));
    Path out = dir.resolve("clean");
    PathSanitizer.Result r = sanitizer().sanitize(in, out, false);
    assertFalse(Files.exists(out.resolve("Login Data")), "left out: masked keys would break the unique index");
    assertTrue(r.problems().stream().anyMatch(p -> p.message().contains("index key")), r.problems().toString());
  }

  @Test
  void journal_withSecrets_leftOutOfTheCopyWithAProblem() throws Exception {
    Path j = dir.resolve("system.journal");
    try (InputStream in = new org.tukaani.xz.XZInputStream(
        StoreSanitizeTest.class.getResourceAsStream("/dev/tokensweep/scanner/read/journal/zstd-c1.journal.xz"))) {
      Files.write(j, in.readAllBytes());
    }
    Path in = Files.createDirectories(dir.resolve("logs"));
    Files.move(j, in.resolve("system.journal"));
    Files.writeString(in.resolve("note.txt"), "nothing here\n");
    Path out = dir.resolve("clean");
    PathSanitizer.Result r = sanitizer().sanitize(in, out, false);
    assertFalse(Files.exists(out.resolve("system.journal")), "left out");
    assertTrue(Files.exists(out.resolve("note.txt")));
    List<Problem> ps = new ArrayList<>(r.problems());
    assertTrue(ps.stream().anyMatch(p -> p.location().endsWith("system.journal") && p.message().contains("left out of the copy")),
        ps.toString());
  }

  @Test
  void gitPack_withSecret_leftOutOfTheCopyWithAProblem() throws Exception {
    String token = forge.base62Crc32("ghp_");
    byte[] text = ("GH_TOKEN=" + token + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.util.zip.Deflater d = new java.util.zip.Deflater();
    d.setInput(text);
    d.finish();
    byte[] z = new byte[text.length + 64];
    int zn = d.deflate(z);
    d.end();
    java.io.ByteArrayOutputStream pack = new java.io.ByteArrayOutputStream();
    pack.writeBytes(new byte[] {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 1});
    pack.write(0x80 | 3 << 4 | (text.length & 15)); // a blob; its size in 4 bits, then 7
    pack.write(text.length >> 4);
    pack.write(z, 0, zn);
    pack.writeBytes(new byte[20]);
    Path in = Files.createDirectories(dir.resolve("repo/.git/objects/pack"));
    Files.write(in.resolve("pack-1.pack"), pack.toByteArray());
    Files.writeString(dir.resolve("repo/README"), "nothing here\n");
    Path out = dir.resolve("clean");
    PathSanitizer.Result r = sanitizer().sanitize(dir.resolve("repo"), out, false);
    assertFalse(Files.exists(out.resolve(".git/objects/pack/pack-1.pack")), "left out");
    assertTrue(Files.exists(out.resolve("README")));
    assertTrue(r.problems().stream().anyMatch(p -> p.location().endsWith("pack-1.pack") && p.type() == Problem.Type.UNSUPPORTED
        && p.message().contains("git packfile") && p.message().contains("left out of the copy")), r.problems().toString());
  }

  private static final Path GIT = dev.tokensweep.scanner.GitCli.GIT;

  /** Runs git in {@code repo} with no user or system config; its output (which names no token). */
  private String git(Path repo, String... args) throws Exception {
    return dev.tokensweep.scanner.GitCli.run(repo, dir, args);
  }

  private static java.util.Map<String, String> digests(Path root) throws Exception {
    java.util.Map<String, String> m = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(p).toString(),
            java.util.HexFormat.of().formatHex(dev.tokensweep.detectors.evidence.SecretDigest.sha256().digest(Files.readAllBytes(p))));
      }
    }
    return m;
  }

  @Test
  void gitPack_leftOut_itsIndexBitmapAndKeepLeftOutToo_copyOpensWithoutGarbage() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(GIT), "git is not installed");
    String token = forge.base62Crc32("ghp_");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "-q", ".");
    Files.writeString(repo.resolve("app.env"), "GH_TOKEN=" + token + "\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "one");
    Files.writeString(repo.resolve("app.env"), "GH_TOKEN=\n");
    git(repo, "commit", "-q", "-a", "-m", "two: the token removed");
    git(repo, "repack", "-q", "-adb"); // a pack, its index and a bitmap
    git(repo, "prune", "--expire=now");
    Path packDir = repo.resolve(".git/objects/pack");
    String stem;
    try (java.util.stream.Stream<Path> s = Files.list(packDir)) {
      String pack = s.map(x -> x.getFileName().toString()).filter(n -> n.endsWith(".pack")).findFirst().orElseThrow();
      stem = pack.substring(0, pack.length() - ".pack".length());
    }
    Files.writeString(packDir.resolve(stem + ".keep"), "kept\n");
    java.util.Map<String, String> before = digests(repo);
    Path out = dir.resolve("clean");
    PathSanitizer.Result r = sanitizer().sanitize(repo, out, false);
    assertEquals(before, digests(repo), "the input is unchanged");
    List<String> left;
    try (java.util.stream.Stream<Path> s = Files.list(out.resolve(".git/objects/pack"))) {
      left = s.map(x -> x.getFileName().toString()).toList();
    }
    assertEquals(List.of(), left, "the pack and every file named after it are left out");
    for (String ext : List.of(".pack", ".idx", ".bitmap", ".keep")) {
      assertTrue(r.problems().stream().anyMatch(p -> p.location().endsWith(stem + ext) && p.type() == Problem.Type.UNSUPPORTED
          && p.message().contains("left out of the copy")), ext + ": " + r.problems().size() + " problems");
    }
    assertTrue(r.problems().stream().anyMatch(p -> p.location().endsWith(stem + ".idx")
        && p.message().contains("with the git packfile " + stem + ".pack") && p.message().contains("no corresponding .pack")),
        "the index's problem names its pack and why");
    assertTrue(r.leaves().stream().anyMatch(l -> l.path().endsWith(stem + ".idx") && l.dropped()), "the index is reported dropped");
    // the copy holds the refs but not the objects: git reads it without complaint, and finds no garbage
    assertEquals(git(repo, "rev-parse", "HEAD"), git(out, "rev-parse", "HEAD"));
    String count = git(out, "count-objects", "-v");
    assertTrue(count.contains("garbage: 0") && !count.contains("no corresponding"), count);
  }
}

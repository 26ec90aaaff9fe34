package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.pipeline.Archives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.sanitize.MaskStyle;
import dev.tokensweep.scanner.sanitize.PathSanitizer;
import dev.tokensweep.scanner.sanitize.Sanitizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A support bundle as customers send it (tar.gz holding a zip holding a gzipped log, a zsh history
 * with metafied bytes, a HAR and a minidump with a UTF-16LE token), sanitized: the copy opens with
 * the same tools, lists the same entries with the same metadata, differs only where secrets were,
 * re-scans clean, and the input is untouched.
 */
class SanitizeBundleTest {

  @TempDir
  Path dir;

  private static final Detector DETECTOR = Detector.of(Rules.builtin());
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();
  private final TokenForge forge = new TokenForge(new Random(77));
  private final Map<String, byte[]> original = new LinkedHashMap<>();
  private final Map<String, Integer> modes = new LinkedHashMap<>();
  private String logA;
  private String logB;
  private String zshToken;
  private String harToken;
  private String dumpToken;
  private byte[] zip;
  private byte[] traceLog;

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String tag(Kind kind, String secret) {
    return MaskStyle.tag(kind, FP.fingerprint(secret.getBytes(StandardCharsets.US_ASCII)));
  }

  @BeforeEach
  void buildBundle() throws IOException {
    logA = forge.base62Crc32("gho_");
    logB = forge.base62Crc32("ghs_");
    zshToken = forge.base62Crc32("ghp_");
    harToken = forge.base62Crc32("ghu_");
    dumpToken = forge.base62Crc32("ghs_");
    traceLog = ascii("2026-11-02T10:00:00Z INFO start\n2026-11-02T10:00:01Z DEBUG oauth token " + logA
        + " issued\n2026-11-02T10:00:02Z DEBUG job token " + logB + " for runner\n");
    zip = zip(Map.of("app/readme.txt", ascii("nothing secret\n"), "app/trace.log.gz", gzip(traceLog)));
    // zsh extended history: "echo á" is C3 A1 in UTF-8; A1 is metafied as 0x83 0x81
    ByteArrayOutputStream zsh = new ByteArrayOutputStream();
    zsh.writeBytes(ascii(": 1793000000:0;echo "));
    zsh.write(0xC3);
    zsh.write(0x83);
    zsh.write(0xA1 ^ 0x20);
    zsh.writeBytes(ascii("\n: 1793000100:0;export GITHUB_TOKEN=" + zshToken + "\n: 1793000200:3;git push\n"));
    String har = "{\"log\":{\"version\":\"1.2\",\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"https://api.github.com/user\","
        + "\"headers\":[{\"name\":\"Authorization\",\"value\":\"token " + harToken + "\"}]},\"response\":{\"status\":200}}]}}\n";
    byte[] dump = new byte[8192];
    new Random(5).nextBytes(dump);
    System.arraycopy(new byte[] {'M', 'D', 'M', 'P', (byte) 0x93, (byte) 0xA7, 0, 0}, 0, dump, 0, 8);
    byte[] le = ("GH_TOKEN=" + dumpToken).getBytes(StandardCharsets.UTF_16LE);
    System.arraycopy(le, 0, dump, 4096, le.length);
    original.put("etc/clean.conf", ascii("listen 8080\n"));
    original.put("logs/app.zip", zip);
    original.put("home/u/.zsh_history", zsh.toByteArray());
    original.put("har/session.har", ascii(har));
    original.put("dumps/app.dmp", dump);
    modes.put("etc/clean.conf", 0644);
    modes.put("logs/app.zip", 0640);
    modes.put("home/u/.zsh_history", 0600);
    modes.put("har/session.har", 0644);
    modes.put("dumps/app.dmp", 0400);
  }

  private byte[] tarGz() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GzipCompressorOutputStream(bo))) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      long mtime = 1_793_000_000_000L;
      for (Map.Entry<String, byte[]> e : original.entrySet()) {
        TarArchiveEntry te = new TarArchiveEntry(e.getKey());
        te.setSize(e.getValue().length);
        te.setMode(modes.get(e.getKey()));
        te.setModTime(new Date(mtime += 60_000));
        te.setUserName("support");
        t.putArchiveEntry(te);
        t.write(e.getValue());
        t.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream g = new GzipCompressorOutputStream(bo)) {
      g.write(data);
    }
    return bo.toByteArray();
  }

  private static byte[] zip(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      for (String name : List.of("app/readme.txt", "app/trace.log.gz")) {
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        e.setTime(1_793_000_000_000L);
        z.putArchiveEntry(e);
        z.write(members.get(name));
        z.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  private static String sha(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  private record Entry(String name, int mode, long mtime, String user, byte[] content) {}

  private static List<Entry> entries(byte[] tgz) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tgz)))) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        out.add(new Entry(e.getName(), e.getMode(), e.getModTime().getTime(), e.getUserName(), t.readAllBytes()));
      }
    }
    return out;
  }

  @Test
  void sanitize_supportBundle_keepsFormAndChangesOnlySecrets() throws Exception {
    Path in = Files.write(dir.resolve("bundle.tar.gz"), tarGz());
    String inSha = sha(in);
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    PathSanitizer.Result result = new PathSanitizer(Sanitizer.of(scanner, FP, Sanitizer.Options.defaults()),
        ScanLimits.defaults()).sanitize(in, dir.resolve("clean.tar.gz"), false);
    assertTrue(result.problems().isEmpty(), result.problems().toString());
    Path out = dir.resolve("clean.tar.gz");
    // the report names members as the scanner does: the gzip layer of a tar.gz is not named again
    assertTrue(result.leaves().stream().anyMatch(l -> l.path().equals(in + "!har/session.har")),
        result.leaves().stream().map(Sanitizer.LeafReport::path).toList().toString());
    assertTrue(result.leaves().stream().anyMatch(l -> l.path().equals(in + "!logs/app.zip!app/trace.log.gz!")));

    // the same tools open it; same entries, order and metadata
    List<Entry> before = entries(Files.readAllBytes(in));
    List<Entry> after = entries(Files.readAllBytes(out));
    assertEquals(before.stream().map(Entry::name).toList(), after.stream().map(Entry::name).toList());
    for (int i = 0; i < before.size(); i++) {
      assertEquals(before.get(i).mode(), after.get(i).mode(), before.get(i).name());
      assertEquals(before.get(i).mtime(), after.get(i).mtime(), before.get(i).name());
      assertEquals(before.get(i).user(), after.get(i).user(), before.get(i).name());
    }
    if (Files.isExecutable(Path.of("/bin/tar"))) {
      Process p = new ProcessBuilder("/bin/tar", "-tzf", out.toString()).redirectErrorStream(true).start();
      String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), "GNU tar reads the sanitized bundle");
      assertEquals(String.join("\n", original.keySet()) + "\n", listing);
    }
    Map<String, byte[]> got = new LinkedHashMap<>();
    after.forEach(e -> got.put(e.name(), e.content()));

    // untouched entries are byte-identical
    assertArrayEquals(original.get("etc/clean.conf"), got.get("etc/clean.conf"));

    // zip inside: same entries, readme identical, the gzipped log changed only at the two tokens
    List<String> zipNames = new ArrayList<>();
    Map<String, byte[]> zipped = new LinkedHashMap<>();
    try (ZipArchiveInputStream z = new ZipArchiveInputStream(new ByteArrayInputStream(got.get("logs/app.zip")))) {
      ZipArchiveEntry e;
      while ((e = z.getNextEntry()) != null) {
        zipNames.add(e.getName());
        zipped.put(e.getName(), z.readAllBytes());
        assertEquals(1_793_000_000_000L / 2000, e.getTime() / 2000, "zip entry time kept (DOS 2 s resolution)");
      }
    }
    assertEquals(List.of("app/readme.txt", "app/trace.log.gz"), zipNames);
    assertArrayEquals(ascii("nothing secret\n"), zipped.get("app/readme.txt"));
    byte[] log;
    try (InputStream g = new GzipCompressorInputStream(new ByteArrayInputStream(zipped.get("app/trace.log.gz")))) {
      log = g.readAllBytes();
    }
    String expectedLog = new String(traceLog, StandardCharsets.ISO_8859_1)
        .replace(logA, tag(Kind.ACCESS_TOKEN, logA)).replace(logB, tag(Kind.ACCESS_TOKEN, logB));
    assertEquals(expectedLog, new String(log, StandardCharsets.ISO_8859_1));

    // zsh history: metafied bytes intact, only the token replaced
    String zshBefore = new String(original.get("home/u/.zsh_history"), StandardCharsets.ISO_8859_1);
    assertEquals(zshBefore.replace(zshToken, tag(Kind.API_KEY, zshToken)),
        new String(got.get("home/u/.zsh_history"), StandardCharsets.ISO_8859_1));

    // HAR still parses, only the header value changed
    String harAfter = new String(got.get("har/session.har"), StandardCharsets.UTF_8);
    new ObjectMapper().readTree(harAfter);
    assertEquals(new String(original.get("har/session.har"), StandardCharsets.UTF_8)
        .replace(harToken, tag(Kind.ACCESS_TOKEN, harToken)), harAfter);

    // minidump: same size, only the UTF-16LE token's bytes differ
    byte[] dumpBefore = original.get("dumps/app.dmp");
    byte[] dumpAfter = got.get("dumps/app.dmp");
    assertEquals(dumpBefore.length, dumpAfter.length);
    int tokenAt = 4096 + 2 * "GH_TOKEN=".length();
    for (int i = 0; i < dumpBefore.length; i++) {
      boolean inToken = i >= tokenAt && i < tokenAt + 2 * dumpToken.length();
      if (!inToken) {
        assertEquals(dumpBefore[i], dumpAfter[i], "dump byte " + i + " outside the token changed");
      }
    }
    assertFalse(new String(dumpAfter, StandardCharsets.UTF_16LE).contains(dumpToken.substring(4)), "UTF-16LE token masked");

    // a re-scan of the copy finds nothing; the input is unchanged
    ScanResult rescan = scanner.scan(List.of(out.toString()), null);
    assertEquals(0, rescan.findings().size(), rescan.findings().toString());
    assertEquals(inSha, sha(in));
  }

  @Test
  void sanitize_cleanBundle_isByteIdentical() throws Exception {
    original.clear();
    modes.clear();
    original.put("etc/clean.conf", ascii("listen 8080\n"));
    modes.put("etc/clean.conf", 0644);
    original.put("logs/app.zip", zip(Map.of("app/readme.txt", ascii("nothing\n"), "app/trace.log.gz", gzip(ascii("ok\n")))));
    modes.put("logs/app.zip", 0644);
    Path in = Files.write(dir.resolve("clean-in.tar.gz"), tarGz());
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    new PathSanitizer(Sanitizer.of(scanner, FP, Sanitizer.Options.defaults()), ScanLimits.defaults())
        .sanitize(in, dir.resolve("clean-out.tar.gz"), false);
    assertEquals(sha(in), sha(dir.resolve("clean-out.tar.gz")));
  }

  @Test
  void sanitize_zipWithMoreMembersThanTheLimit_leftOutAndReported_restSanitized() throws Exception {
    // a zip's directory is held in memory to rewrite it: past --max-entries it is left out of
    // the copy, said so on its path, and the other members are sanitized as usual
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put("m/" + i + ".log", ascii("export GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n"));
    }
    original.clear();
    modes.clear();
    original.put("logs/many.zip", Archives.zip(many));
    modes.put("logs/many.zip", 0644);
    original.put("logs/app.log", ascii("export GITHUB_TOKEN=" + logA + "\n"));
    modes.put("logs/app.log", 0644);
    Path in = Files.write(dir.resolve("many-in.tar.gz"), tarGz());
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    ScanLimits d = ScanLimits.defaults();
    ScanLimits limits = new ScanLimits(d.maxDepth(), 30, d.maxTotalBytes(), d.maxEntryBytes(), d.maxRatio(),
        d.ratioThreshold(), d.maxSpoolBytes(), d.maxLineBytes());
    Path out = dir.resolve("many-out.tar.gz");
    PathSanitizer.Result result = new PathSanitizer(Sanitizer.of(scanner, FP, Sanitizer.Options.defaults()), limits)
        .sanitize(in, out, false);
    assertEquals(List.of(in + "!logs/many.zip [limit]"),
        result.problems().stream().map(p -> p.location() + " [" + p.type() + "]").toList());
    ScanResult rescan = scanner.scan(List.of(out.toString()), null);
    assertEquals(List.of(), rescan.findings().stream().map(f -> f.location().path()).toList(),
        "the copy holds no token: the zip is left out, the log sanitized");
    assertEquals(1L, rescan.leaves(), "only the log is in the copy");
  }

  @Test
  void sanitize_zipWhoseCommentHoldsAnEmptyEndRecord_leftOutNotCopiedWithItsSecret() throws Exception {
    // ZipFile sees no member in such a zip; copied unchanged it would keep its token
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      z.putNextEntry(new java.util.zip.ZipEntry("app.log"));
      z.write(ascii("export GITHUB_TOKEN=" + logB + "\n"));
      z.closeEntry();
      z.setComment("PK\u0005\u0006" + "\u0000".repeat(18));
    }
    original.clear();
    modes.clear();
    original.put("logs/hidden.zip", bo.toByteArray());
    modes.put("logs/hidden.zip", 0644);
    original.put("logs/app.log", ascii("export GITHUB_TOKEN=" + logA + "\n"));
    modes.put("logs/app.log", 0644);
    Path in = Files.write(dir.resolve("hidden-in.tar.gz"), tarGz());
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    Path out = dir.resolve("hidden-out.tar.gz");
    PathSanitizer.Result result = new PathSanitizer(Sanitizer.of(scanner, FP, Sanitizer.Options.defaults()),
        ScanLimits.defaults()).sanitize(in, out, false);
    assertEquals(List.of(in + "!logs/hidden.zip [corrupt]"),
        result.problems().stream().map(p -> p.location() + " [" + p.type() + "]").toList());
    ScanResult rescan = scanner.scan(List.of(out.toString()), null);
    assertEquals(List.of(), rescan.findings().stream().map(f -> f.location().path()).toList(), "no token in the copy");
  }
}

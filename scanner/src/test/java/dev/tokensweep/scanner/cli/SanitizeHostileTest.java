package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokensweep sanitize} on the inputs that broke it (issue 14, issue 12 items 13-15): the
 * support bundle that Python's {@code tarfile} writes, special files, and limits.
 */
class SanitizeHostileTest {

  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(1414));

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream g = new GzipCompressorOutputStream(bo)) {
      g.write(data);
    }
    return bo.toByteArray();
  }

  static byte[] zipOne(String name, byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      ZipArchiveEntry e = new ZipArchiveEntry(name);
      e.setMethod(ZipArchiveEntry.DEFLATED);
      z.putArchiveEntry(e);
      z.write(data);
      z.closeArchiveEntry();
    }
    return bo.toByteArray();
  }

  private String msalCache(String access, String refresh) {
    String home = forge.uuid() + "." + forge.uuid();
    return "{\n  \"AccessToken\": {\n    \"" + home + "-login.microsoftonline.com-accesstoken-a-b-scope\": {\n"
        + "      \"credential_type\": \"AccessToken\", \"secret\": \"" + access + "\",\n"
        + "      \"cached_at\": \"1793000000\", \"expires_on\": \"1793003600\"}\n  },\n"
        + "  \"RefreshToken\": {\n    \"" + home + "-login.microsoftonline.com-refreshtoken-1--\": {\n"
        + "      \"credential_type\": \"RefreshToken\", \"secret\": \"" + refresh + "\", \"family_id\": \"1\"}\n  }\n}\n";
  }

  /**
   * The bundle as Python writes it when python3 is on the machine: {@code gzip} for the log,
   * {@code zipfile} (deflated) for the zip, {@code tarfile} ({@code w:gz}, PAX format with float
   * mtimes in PAX records) around them; else the same layout with commons-compress.
   */
  private Path pythonBundle(byte[] gzLog, byte[] zipLog, byte[] cache, Path out) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.write(src.resolve("app.log"), gzLog);
    Files.write(src.resolve("service.log"), zipLog);
    Files.createDirectories(src.resolve("home/u/.azure"));
    Files.write(src.resolve("home/u/.azure/msal_token_cache.json"), cache);
    String script = String.join("\n",
        "import gzip, os, sys, tarfile, zipfile",
        "os.makedirs('var/log'); os.makedirs('logs')",
        "with gzip.open('var/log/app.log.gz', 'wb') as g: g.write(open('app.log', 'rb').read())",
        "with zipfile.ZipFile('logs/service.zip', 'w', zipfile.ZIP_DEFLATED) as z: z.write('service.log')",
        "os.utime('home/u/.azure/msal_token_cache.json', (1793613600.123456, 1793613600.123456))",
        "with tarfile.open(sys.argv[1], 'w:gz') as t:",
        "    for a in ['var/log/app.log.gz', 'logs/service.zip', 'home/u/.azure/msal_token_cache.json']: t.add(a)",
        "");
    try {
      Process p = new ProcessBuilder("python3", "-c", script, out.toString()).directory(src.toFile())
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return out;
      }
    } catch (IOException e) {
      // no python3: the same layout below
    }
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("var/log/app.log.gz", gzip(gzLog));
    members.put("logs/service.zip", zipOne("service.log", zipLog));
    members.put("home/u/.azure/msal_token_cache.json", cache);
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(out)))) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(m.getKey());
        e.setSize(m.getValue().length);
        e.addPaxHeader("mtime", "1793613600.123456");
        e.setUserName("support");
        t.putArchiveEntry(e);
        t.write(m.getValue());
        t.closeArchiveEntry();
      }
    }
    return out;
  }

  private static Map<String, byte[]> tarMembers(Path tgz) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(tgz)))) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        out.put(e.getName(), t.readAllBytes());
      }
    }
    return out;
  }

  private static byte[] gunzip(byte[] b) throws IOException {
    try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }

  private static byte[] unzipOne(byte[] b) throws IOException {
    try (ZipArchiveInputStream z = new ZipArchiveInputStream(new ByteArrayInputStream(b))) {
      z.getNextEntry();
      return z.readAllBytes();
    }
  }

  /** Whether {@code after} is {@code before} with each secret replaced by something, and nothing else changed. */
  private static void onlySecretsChanged(byte[] before, byte[] after, String... secrets) {
    String b = new String(before, StandardCharsets.ISO_8859_1);
    String a = new String(after, StandardCharsets.ISO_8859_1);
    for (String s : secrets) {
      assertTrue(b.contains(s));
      assertFalse(a.contains(s), "secret left in the copy");
    }
    // the bytes before the first secret and after the last are identical
    int first = Integer.MAX_VALUE;
    int last = 0;
    for (String s : secrets) {
      first = Math.min(first, b.indexOf(s));
      last = Math.max(last, b.lastIndexOf(s) + s.length());
    }
    assertEquals(b.substring(0, first), a.substring(0, first));
    assertEquals(b.substring(last), a.substring(a.length() - (b.length() - last)));
  }

  @Test
  void sanitize_pythonTarfileSupportBundle_gzipLogZipLogMsalCache_validCleanCopy() throws Exception {
    String gzToken = forge.base62Crc32("ghp_");
    String zipToken = forge.base62Crc32("gho_");
    String access = "EwA" + forge.random(TokenForge.ALNUM + "+/", 320);
    String refresh = "1.A" + forge.random(TokenForge.B64URL, 60) + ".AgA" + forge.random(TokenForge.B64URL, 260);
    byte[] gzLog = ascii("2026-11-02T10:00:00Z INFO start\n2026-11-02T10:00:01Z DEBUG export GITHUB_TOKEN=" + gzToken
        + "\n2026-11-02T10:00:02Z INFO done\n");
    byte[] zipLog = ascii("2026-11-02T10:00:03Z DEBUG oauth token " + zipToken + " issued\n2026-11-02T10:00:04Z INFO ok\n");
    byte[] cache = ascii(msalCache(access, refresh));
    Path in = pythonBundle(gzLog, zipLog, cache, dir.resolve("sosreport.tar.gz"));
    byte[] inBytes = Files.readAllBytes(in);
    Path out = dir.resolve("clean.tar.gz");

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("verification clean"), r.err());
    assertArrayEquals(inBytes, Files.readAllBytes(in), "input untouched");
    Map<String, byte[]> got = tarMembers(out);
    assertEquals(List.of("var/log/app.log.gz", "logs/service.zip", "home/u/.azure/msal_token_cache.json"),
        List.copyOf(got.keySet()), "same members, same order");
    onlySecretsChanged(gzLog, gunzip(got.get("var/log/app.log.gz")), gzToken);
    onlySecretsChanged(zipLog, unzipOne(got.get("logs/service.zip")), zipToken);
    onlySecretsChanged(cache, got.get("home/u/.azure/msal_token_cache.json"), access, refresh);
    Run rescan = Run.run("scan", out.toString());
    assertEquals(0, rescan.exit(), rescan.out() + rescan.err());
    if (Files.isExecutable(Path.of("/bin/tar"))) {
      Process p = new ProcessBuilder("/bin/tar", "-tzf", out.toString()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      assertEquals(0, p.waitFor(), "GNU tar reads the copy");
    }
  }

  private void nothingBesides(String... names) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      assertEquals(java.util.Set.of(names), s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
          "no temp or partial file beside the output");
    }
  }

  @Test
  void sanitize_devZero_refusedAsSpecialFile_exit3_nothingWritten() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
    Run r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> Run.run("sanitize", "/dev/zero", "-o", dir.resolve("out").toString()));
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().contains("/dev/zero: special-file"), r.err());
    nothingBesides();
  }

  @Test
  void sanitize_fifo_refusedWithoutBlocking_exit3_nothingWritten() throws Exception {
    Path fifo = dir.resolve("pipe");
    Process mk;
    try {
      mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no mkfifo");
      return;
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0);
    Run r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> Run.run("sanitize", fifo.toString(), "-o", dir.resolve("out").toString()));
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().contains("special-file"), r.err());
    nothingBesides("pipe");
    // in a directory: the FIFO is left out and named, the rest is sanitized
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.move(fifo, tree.resolve("pipe"));
    Files.write(tree.resolve("app.log"), ascii("export GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n"));
    Run t = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> Run.run("sanitize", tree.toString(), "-o", dir.resolve("clean").toString()));
    assertEquals(3, t.exit(), t.err());
    assertTrue(t.err().contains("pipe: special-file"), t.err());
    assertTrue(Files.exists(dir.resolve("clean/app.log")));
    assertFalse(Files.exists(dir.resolve("clean/pipe")));
  }

  @Test
  void sanitize_gzipBombInABundle_exit3NamesTheMember_restSanitized() throws Exception {
    // 64 MiB of zeros as gzip: past the default ratio (200) once 16 MiB came out. The tar is not
    // compressed again: gzip would squeeze the bomb's repetitive stream further, and the whole
    // input would then be the bomb
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      byte[] bomb;
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (GzipCompressorOutputStream g = new GzipCompressorOutputStream(b)) {
        byte[] zeros = new byte[1 << 20];
        for (int i = 0; i < 64; i++) {
          g.write(zeros);
        }
      }
      bomb = b.toByteArray();
      String token = forge.base62Crc32("ghp_");
      for (Map.Entry<String, byte[]> m : Map.of("var/bomb.bin.gz", bomb, "var/app.log",
          ascii("export GITHUB_TOKEN=" + token + "\n")).entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(m.getKey());
        e.setSize(m.getValue().length);
        t.putArchiveEntry(e);
        t.write(m.getValue());
        t.closeArchiveEntry();
      }
    }
    Path in = Files.write(dir.resolve("bundle.tar"), bo.toByteArray());
    Path out = dir.resolve("clean.tar");
    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().contains("bundle.tar!var/bomb.bin.gz: limit: max-ratio"), r.err());
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(Files.newInputStream(out))) {
      for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
        names.add(e.getName());
      }
    }
    assertEquals(List.of("var/app.log"), names);
    assertEquals(0, Run.run("scan", out.toString()).exit());
    nothingBesides("bundle.tar", "clean.tar");
  }

  @Test
  void sanitize_secretInFileNameMemberNameAndJsonKey_renamedAndRewritten_restOfNameKept() throws Exception {
    String inFileName = forge.base62Crc32("ghp_");
    String inKey = forge.base62Crc32("gho_");
    String inTarName = forge.base62Crc32("ghs_");
    String inZipName = forge.base62Crc32("ghu_");
    Path d = Files.createDirectories(dir.resolve("d"));
    Files.write(d.resolve("x?access_token=" + inFileName + ".cache"), ascii("nothing secret\n"));
    String inPlainName = forge.base62Crc32("ghp_");
    Files.write(d.resolve("backup-" + inPlainName + ".log"), ascii("nothing secret either\n"));
    Files.write(d.resolve("keys.json"), ascii("{\"" + inKey + "\": {\"scope\": \"repo\"}, \"other\": 1}\n"));
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      byte[] data = ascii("clean line\n");
      TarArchiveEntry e = new TarArchiveEntry("cache/x?access_token=" + inTarName + ".cache");
      e.setSize(data.length);
      t.putArchiveEntry(e);
      t.write(data);
      t.closeArchiveEntry();
    }
    Files.write(d.resolve("bundle.tar"), bo.toByteArray());
    Files.write(d.resolve("bundle.zip"), zipOne("cache/x?access_token=" + inZipName + ".cache", ascii("clean\n")));
    Path report = dir.resolve("report.json");

    Run r = Run.run("sanitize", d.toString(), "-o", dir.resolve("out").toString(),
        "--report", report.toString());

    assertEquals(0, r.exit(), r.err());
    String[] tokens = {inFileName, inKey, inTarName, inZipName, inPlainName};
    List<String> names;
    try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("out"))) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    String json = Files.readString(dir.resolve("out/keys.json"));
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    List<String> tarNames = new ArrayList<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(Files.newInputStream(dir.resolve("out/bundle.tar")))) {
      for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
        tarNames.add(e.getName());
      }
    }
    List<String> zipNames = new ArrayList<>();
    try (org.apache.commons.compress.archivers.zip.ZipFile z = org.apache.commons.compress.archivers.zip.ZipFile.builder()
        .setPath(dir.resolve("out/bundle.zip")).get()) {
      z.getEntries().asIterator().forEachRemaining(e -> zipNames.add(e.getName()));
    }
    String everything = String.join("\n", names) + json + tarNames + zipNames + r.err() + r.out() + Files.readString(report);
    for (String t : tokens) {
      assertFalse(everything.contains(t.substring(4)), "a token is left in a name, a key or the output");
    }
    // the secret part is masked as in content (here the access_token value as the rule reads it), the rest kept
    String renamed = names.stream().filter(n -> n.startsWith("x?access_token=")).findFirst().orElseThrow();
    assertTrue(renamed.contains("[REDACTED:"), renamed);
    String plain = names.stream().filter(n -> n.startsWith("backup-")).findFirst().orElseThrow();
    assertTrue(plain.matches("backup-\\[REDACTED:[a-z_]+:[0-9a-f]{8}\\]\\.log"), plain);
    assertTrue(json.contains("\"scope\": \"repo\"") && json.contains("REDACTED"), json);
    assertEquals(1, tarNames.size());
    assertTrue(tarNames.get(0).startsWith("cache/x?access_token=[REDACTED:"), tarNames.toString());
    assertEquals(1, zipNames.size());
    assertTrue(zipNames.get(0).startsWith("cache/x?access_token=[REDACTED:"), zipNames.toString());
    assertTrue(r.err().contains("sanitized 5 files"), r.err());
  }

  /** Whether {@code command} ran and exited 0; true when the tool is not on this machine. */
  private static boolean readsOrAbsent(String... command) throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
    } catch (IOException e) {
      return true;
    }
    return p.waitFor() == 0;
  }

  @Test
  void sanitize_tokenInAZipCommentAndASymlinkTarget_verificationClean_exit0_validZip() throws Exception {
    String inComment = forge.base62Crc32("ghp_");
    String inTarget = forge.base62Crc32("gho_");
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      z.setComment("release bundle; GITHUB_TOKEN=" + inComment + "\n");
      ZipArchiveEntry f = new ZipArchiveEntry("app.log");
      z.putArchiveEntry(f);
      z.write(ascii("nothing here\n"));
      z.closeArchiveEntry();
      ZipArchiveEntry link = new ZipArchiveEntry("cache");
      link.setUnixMode(0120777);
      z.putArchiveEntry(link);
      z.write(ascii("/home/u/.cache/" + inTarget));
      z.closeArchiveEntry();
    }
    Path in = Files.write(dir.resolve("bundle.zip"), bo.toByteArray());
    byte[] inBytes = Files.readAllBytes(in);
    Path out = dir.resolve("clean.zip");

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("verification clean"), r.err());
    assertArrayEquals(inBytes, Files.readAllBytes(in), "input untouched");
    String copy = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
    assertFalse(copy.contains(inComment.substring(4)) || copy.contains(inTarget.substring(4)), "a token is left in the copy");
    assertTrue(readsOrAbsent("unzip", "-l", out.toString()), "unzip lists the copy");
    assertTrue(readsOrAbsent("python3", "-m", "zipfile", "-l", out.toString()), "python's zipfile lists the copy");
  }

  @Test
  void sanitize_sigtermMidway_leavesNoSpoolAndNoPartialCopy() throws Exception {
    // 512 MiB of zeros as gzip, with the ratio limit raised so the copy takes a while
    Path in = dir.resolve("zeros.log.gz");
    try (GzipCompressorOutputStream g = new GzipCompressorOutputStream(Files.newOutputStream(in))) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 512; i++) {
        g.write(zeros);
      }
    }
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path outDir = Files.createDirectories(dir.resolve("out"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx256m", "-Djava.io.tmpdir=" + tmp, "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "sanitize", in.toString(), "-o",
        outDir.resolve("zeros.log.gz").toString(), "--max-ratio", "1000000")
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    try {
      long deadline = System.currentTimeMillis() + 60_000;
      boolean spooling = false;
      while (!spooling && child.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
        try (java.util.stream.Stream<Path> s = Files.walk(tmp)) {
          spooling = s.anyMatch(p -> p.getFileName().toString().startsWith("tokensweep-" + child.pid() + "-"));
        }
      }
      assertTrue(spooling, "the child spooled: " + Files.readString(dir.resolve("child.log")));
      child.destroy(); // SIGTERM
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      try (java.util.stream.Stream<Path> s = Files.walk(tmp)) {
        assertEquals(List.of(), s.filter(Files::isRegularFile).map(Path::toString).toList(), "no spool left");
      }
      try (java.util.stream.Stream<Path> s = Files.list(outDir)) {
        assertEquals(List.of(), s.map(Path::toString).toList(), "no partial copy left");
      }
    } finally {
      child.destroyForcibly();
    }
  }
}

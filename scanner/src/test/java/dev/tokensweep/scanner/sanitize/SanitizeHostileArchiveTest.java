package dev.tokensweep.scanner.sanitize;

import static dev.tokensweep.scanner.pipeline.Archives.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.expand.Spool;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Archives;
import dev.tokensweep.scanner.pipeline.Bombs;
import dev.tokensweep.scanner.pipeline.RawZip;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.pipeline.SevenZBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sanitize side of every hostile archive that the scan side handles ({@code ArchiveScanTest}):
 * each comes out as a valid archive whose re-scan is clean, with the member that a guard stopped
 * left out and named in a problem, and no spool file left behind. Sanitize walks archives with the
 * scanner's own walker, so these hold by construction; the tests keep it so.
 */
class SanitizeHostileArchiveTest {

  @TempDir
  Path dir;

  private static final Detector DETECTOR = Detector.of(Rules.builtin());
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();
  private final TokenForge forge = new TokenForge(new Random(1212));
  private final Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
  private Set<String> spoolsBefore;

  @BeforeEach
  void spools() throws IOException {
    spoolsBefore = spoolFiles();
  }

  @AfterEach
  void noSpoolLeft() throws IOException {
    Set<String> now = spoolFiles();
    now.removeAll(spoolsBefore);
    assertEquals(Set.of(), now, "spool files left behind");
  }

  private static Set<String> spoolFiles() throws IOException {
    try (Stream<Path> s = Files.list(Spool.directory())) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static ScanLimits limits(int depth, long entries, long total, long entry, double ratio, long threshold) {
    ScanLimits d = ScanLimits.defaults();
    return new ScanLimits(depth, entries, total, entry, ratio, threshold, d.maxSpoolBytes(), d.maxLineBytes());
  }

  private byte[] log(String token) {
    return ascii("2026-11-02T10:00:00Z INFO start\nexport GITHUB_TOKEN=" + token + "\n2026-11-02T10:00:02Z INFO done\n");
  }

  private record Outcome(PathSanitizer.Result result, Path out, List<String> problems) {}

  private Outcome sanitize(String name, byte[] input, ScanLimits limits) throws IOException {
    Path in = Files.write(dir.resolve(name), input);
    Path out = dir.resolve("clean-" + name);
    PathSanitizer.Result r = new PathSanitizer(Sanitizer.of(scanner, FP, Sanitizer.Options.defaults()), limits)
        .sanitize(in, out, false);
    assertArrayEquals(input, Files.readAllBytes(in), "input untouched");
    List<String> ps = new ArrayList<>();
    for (Problem p : r.problems()) {
      ps.add(p.location().substring(dir.toString().length() + 1) + " [" + p.type() + "]");
    }
    if (r.written()) {
      ScanResult rescan = scanner.scan(List.of(out.toString()), null);
      assertEquals(List.of(), rescan.findings().stream().map(f -> f.location().path()).toList(), "the copy re-scans clean");
      // names are copied as they were, so an unsafe name is reported again; nothing else is
      assertEquals(List.of(), rescan.problems().stream().filter(p -> p.type() != Problem.Type.UNSAFE_NAME)
          .map(Problem::toString).toList(), "the copy is a valid archive");
    } else {
      assertFalse(Files.exists(out), "nothing written when nothing could be");
      assertFalse(r.problems().isEmpty(), "what was left out is named");
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
          "no half-written file beside the output");
    }
    return new Outcome(r, out, ps);
  }

  private static List<String> zipNames(Path zip) throws IOException {
    try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
      return java.util.Collections.list(z.getEntriesInPhysicalOrder()).stream().map(ZipArchiveEntry::getName).toList();
    }
  }

  private static List<String> tarNames(Path tar) throws IOException {
    List<String> out = new ArrayList<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
        out.add(e.getName());
      }
    }
    return out;
  }

  @Test
  void sanitize_nestedZipBomb_bombLeftOutByRatio_siblingSanitized() throws IOException {
    byte[] bomb = Bombs.nestedZip(3, 4, 4L << 20, Map.of("secrets.txt", log(forge.base62Crc32("ghp_"))));
    Outcome o = sanitize("42.zip", bomb, limits(8, 100_000, 64L << 30, 16L << 30, 50, 1L << 20));
    assertTrue(o.result().written());
    assertTrue(o.problems().stream().allMatch(p -> p.endsWith("[limit]")), o.problems().toString());
    assertFalse(o.problems().isEmpty());
    assertTrue(zipNames(o.out()).contains("secrets.txt"), "the sibling of the bomb is in the copy");
  }

  @Test
  void sanitize_gzipOverTheTotalBytes_leftOutAndExitsAsLimit() throws IOException {
    byte[] zeros = Archives.gzip(new byte[4 << 20]);
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("app.log", log(forge.base62Crc32("ghp_")));
    m.put("big.bin.gz", zeros);
    Outcome o = sanitize("total.tar", Archives.tar(m), limits(8, 100_000, 1L << 20, 16L << 30, 1e9, 16L << 20));
    assertEquals(List.of("total.tar!big.bin.gz! [limit]"), o.problems());
    assertFalse(o.result().written(), "the input's total budget ran out: the copy cannot be whole");
  }

  @Test
  void sanitize_memberOverTheEntryBytes_leftOutSiblingSanitized() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("big.log", ascii("x".repeat(70_000) + "\n"));
    m.put("app.log", log(forge.base62Crc32("ghp_")));
    Outcome o = sanitize("entry.tar", Archives.tar(m), limits(8, 100_000, 64L << 30, 65_536, 200, 16L << 20));
    assertEquals(List.of("entry.tar!big.log [limit]"), o.problems());
    assertEquals(List.of("app.log"), tarNames(o.out()));
  }

  @Test
  void sanitize_memberNameOver16KiB_leftOutSiblingSanitized() throws IOException {
    // commons-compress writes a long name in time quadratic in its length: a 1 MiB pax name kept
    // sanitize busy for hours; no file system has a name over 4 KiB
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("d/".repeat(10_000) + "x.log", log(forge.base62Crc32("ghp_")));
    m.put("app.log", log(forge.base62Crc32("ghp_")));
    Outcome o = sanitize("long.tar", Archives.tar(m), ScanLimits.defaults());
    assertEquals(1, o.problems().size(), o.problems().size() + " problems");
    assertTrue(o.problems().get(0).endsWith("x.log [limit]"), "the long name is the one left out");
    assertEquals(List.of("app.log"), tarNames(o.out()));
  }

  @Test
  void sanitize_tooManyEntries_archiveLeftOut() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      m.put("m" + i + ".log", log(forge.base62Crc32("ghp_")));
    }
    Outcome o = sanitize("many.tar", Archives.tar(m), limits(8, 10, 64L << 30, 16L << 30, 200, 16L << 20));
    assertEquals(List.of("many.tar [limit]"), o.problems());
    assertFalse(o.result().written());
  }

  @Test
  void sanitize_nestedDeeperThanTheLimit_innerArchiveLeftOut() throws IOException {
    byte[] inner = Archives.zip(Map.of("deep.log", log(forge.base62Crc32("ghp_"))));
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("inner.zip", Archives.zip(Map.of("inner2.zip", inner)));
    m.put("app.log", log(forge.base62Crc32("ghp_")));
    Outcome o = sanitize("deep.tar", Archives.tar(m), limits(2, 100_000, 64L << 30, 16L << 30, 200, 16L << 20));
    assertEquals(List.of("deep.tar!inner.zip!inner2.zip [limit]"), o.problems());
    assertEquals(List.of("inner.zip", "app.log"), tarNames(o.out()));
  }

  @Test
  void sanitize_overlappingZip_leftOutAsCorrupt() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("overlap.zip", Bombs.overlappingZip(200, 1L << 20));
    m.put("app.log", log(forge.base62Crc32("ghp_")));
    Outcome o = sanitize("overlap.tar", Archives.tar(m), ScanLimits.defaults());
    assertTrue(o.problems().contains("overlap.tar!overlap.zip [corrupt]"), o.problems().toString());
    assertEquals(List.of("app.log"), tarNames(o.out()));
  }

  @Test
  void sanitize_sparseTarWithHugeHoles_membersLeftOutByRatio() throws IOException {
    byte[] tail = log(forge.base62Crc32("ghp_"));
    Outcome o = sanitize("sparse.tar", Bombs.sparseTar(3, 1L << 30, tail),
        limits(8, 100_000, 64L << 30, 16L << 30, 100, 1L << 20));
    assertFalse(o.problems().isEmpty());
    assertTrue(o.problems().stream().allMatch(p -> p.endsWith("[limit]")), o.problems().toString());
  }

  @Test
  void sanitize_zipDirectoryLeavesOutAMember_zipLeftOutNotCopiedWithItsSecret() throws IOException {
    byte[] zip = new RawZip().add("listed.log", log(forge.base62Crc32("ghp_")))
        .add("hidden.log", log(forge.base62Crc32("ghp_")), false, -1, -1).bytes();
    Outcome o = sanitize("hides.zip", zip, ScanLimits.defaults());
    assertEquals(List.of("hides.zip [corrupt]"), o.problems());
    assertFalse(o.result().written());
  }

  @Test
  void sanitize_zipSlipAndAbsoluteNames_keptByteForByteAndSanitized() throws IOException {
    String token = forge.base62Crc32("ghp_");
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    // java.util.zip writes "made by" MS-DOS: commons-compress reads backslashes as slashes there
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      for (String n : List.of("dir\\..\\..\\x.txt", "../../etc/evil.log", "/abs/path.log")) {
        z.putNextEntry(new java.util.zip.ZipEntry(n));
        z.write(log(token));
        z.closeEntry();
      }
    }
    Outcome o = sanitize("slip.zip", bo.toByteArray(), ScanLimits.defaults());
    assertTrue(o.result().written());
    assertTrue(o.problems().stream().allMatch(p -> p.endsWith("[unsafe-name]")), o.problems().toString());
    List<String> raw = new ArrayList<>();
    try (ZipFile z = ZipFile.builder().setPath(o.out()).get()) {
      for (ZipArchiveEntry e : java.util.Collections.list(z.getEntriesInPhysicalOrder())) {
        raw.add(new String(e.getRawName(), StandardCharsets.UTF_8));
      }
    }
    assertEquals(List.of("dir\\..\\..\\x.txt", "../../etc/evil.log", "/abs/path.log"), raw, "names copied byte for byte");
  }

  @Test
  void sanitize_tarWithSymlinkAndHardLinkMembers_linksKeptAsLinks_fileSanitized() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    byte[] data = log(forge.base62Crc32("ghp_"));
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      TarArchiveEntry f = new TarArchiveEntry("app.log");
      f.setSize(data.length);
      t.putArchiveEntry(f);
      t.write(data);
      t.closeArchiveEntry();
      TarArchiveEntry s = new TarArchiveEntry("passwd", TarArchiveEntry.LF_SYMLINK);
      s.setLinkName("/etc/passwd");
      t.putArchiveEntry(s);
      t.closeArchiveEntry();
      TarArchiveEntry h = new TarArchiveEntry("hard.log", TarArchiveEntry.LF_LINK);
      h.setLinkName("app.log");
      t.putArchiveEntry(h);
      t.closeArchiveEntry();
    }
    Outcome o = sanitize("links.tar", bo.toByteArray(), ScanLimits.defaults());
    assertEquals(List.of(), o.problems());
    List<String> kinds = new ArrayList<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(Files.newInputStream(o.out()))) {
      for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
        kinds.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : e.isLink() ? " => " + e.getLinkName() : ""));
      }
    }
    assertEquals(List.of("app.log", "passwd -> /etc/passwd", "hard.log => app.log"), kinds);
  }

  @Test
  void sanitize_truncatedTarMember_archiveLeftOutNamed() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("b.log", ascii("y".repeat(5000) + "\n"));
    byte[] tar = Archives.tar(m);
    byte[] cut = java.util.Arrays.copyOf(tar, 512 * 4 + 100);
    Outcome o = sanitize("cut.tar", cut, ScanLimits.defaults());
    assertFalse(o.problems().isEmpty());
    assertTrue(o.problems().stream().allMatch(p -> p.endsWith("[corrupt]")), o.problems().toString());
  }

  @Test
  void sanitize_cpioArAnd7zWithSizeChangingSecrets_rewrittenInTheirFormatAndClean() throws IOException {
    // the tag is longer than the token: every member after the first moves, as in the tar bug
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("b.log", log(forge.base62Crc32("gho_")));
    m.put("c.txt", ascii("nothing\n"));
    for (String name : List.of("x.cpio", "x.ar")) {
      byte[] in = name.endsWith("cpio") ? Archives.cpio(m) : Archives.ar(m);
      Outcome o = sanitize(name, in, ScanLimits.defaults());
      assertEquals(List.of(), o.problems(), name);
      assertTrue(o.result().written(), name);
      assertEquals(3, o.result().leaves().size(), name);
    }
    Path seven = dir.resolve("seed.7z");
    Archives.sevenZ(seven, m);
    Outcome o = sanitize("x.7z", Files.readAllBytes(seven), ScanLimits.defaults());
    assertEquals(List.of(), o.problems());
    assertTrue(o.result().written());
    Files.delete(seven);
  }

  // ---- data after a container's end: left out of the copy, named, never copied with its secret

  private static byte[] concat(byte[]... parts) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bo.write(p);
    }
    return bo.toByteArray();
  }

  @Test
  void sanitize_tarWithATokenAfterItsEnd_rebuiltWithoutItAndNamed() throws IOException {
    byte[] tar = concat(Archives.tar(Map.of("a.log", ascii("nothing here\n"))), log(forge.base62Crc32("ghp_")));
    Outcome o = sanitize("after.tar", tar, ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of("after.tar!<after tar end> [corrupt]"), o.problems());
    assertEquals(List.of("a.log"), tarNames(o.out()));
  }

  @Test
  void sanitize_arWithATokenAfterItsLastMember_rebuiltWithoutItAndNamed() throws IOException {
    byte[] ar = Archives.ar(Map.of("a.log", ascii("nothing here\n")));
    Outcome o = sanitize("after.a", concat(ar, log(forge.base62Crc32("ghp_"))), ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of("after.a!<after ar end> [corrupt]"), o.problems());
    assertArrayEquals(ar, Files.readAllBytes(o.out()), "the copy is the ar without what followed it");
  }

  @Test
  void sanitize_compressedWithATokenAfterItsEnd_rebuiltWithoutItAndNamed() throws IOException {
    for (String ext : List.of("gz", "bz2", "xz", "zz")) {
      byte[] member = ascii("nothing here\n");
      byte[] c = switch (ext) {
        case "gz" -> Archives.gzip(member);
        case "bz2" -> Archives.bzip2(member);
        case "zz" -> Archives.zlib(member);
        default -> Archives.xz(member);
      };
      String name = "after.log." + ext;
      Outcome o = sanitize(name, concat(c, log(forge.base62Crc32("ghp_"))), ScanLimits.defaults());
      assertTrue(o.result().written(), ext);
      String f = switch (ext) {
        case "gz" -> "gzip";
        case "bz2" -> "bzip2";
        case "zz" -> "deflate";
        default -> ext;
      };
      assertEquals(List.of(name + "!<after " + f + " end> [corrupt]"), o.problems());
    }
  }

  @Test
  void sanitize_tarGzWithATokenAfterTheTarEnd_rebuiltWithoutIt() throws IOException {
    byte[] tgz = Archives.gzip(concat(Archives.tar(Map.of("a.log", ascii("nothing here\n"))),
        log(forge.base62Crc32("ghp_"))));
    Outcome o = sanitize("after.tar.gz", tgz, ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of("after.tar.gz!<after tar end> [corrupt]"), o.problems());
  }

  @Test
  void sanitize_zipWithATokenAfterItsEndRecordOrUnderADirectory_rebuiltWithoutThem() throws IOException {
    byte[] zip = concat(Archives.zip(Map.of("a.log", ascii("nothing here\n"))), log(forge.base62Crc32("ghp_")));
    Outcome o = sanitize("after.zip", zip, ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of("after.zip!<after zip end> [corrupt]"), o.problems());
    assertEquals(List.of("a.log"), zipNames(o.out()));
    byte[] dirData = new RawZip().add("a.log", ascii("nothing here\n")).add("dir/", log(forge.base62Crc32("ghp_"))).bytes();
    Outcome d = sanitize("dir.zip", dirData, ScanLimits.defaults());
    assertTrue(d.result().written());
    assertEquals(List.of("dir.zip!dir/ [corrupt]"), d.problems());
    assertEquals(List.of("a.log"), zipNames(d.out()));
  }

  // ---- a zip's comment and its symbolic links' targets: read by the scan, so redacted in the copy

  /** {@code zip} (no comment of its own) with {@code comment} as its comment, bytes as given. */
  private static byte[] withComment(byte[] zip, byte[] comment) throws IOException {
    byte[] out = concat(zip, comment);
    int at = zip.length - 2; // the end record's comment length, the last field of the zip
    out[at] = (byte) comment.length;
    out[at + 1] = (byte) (comment.length >>> 8);
    return out;
  }

  /** The last {@code n} bytes of {@code file}: a zip's comment when its end record says {@code n}. */
  private static byte[] tail(Path file, int n) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int len = (b[b.length - n - 2] & 0xFF) | (b[b.length - n - 1] & 0xFF) << 8;
    assertEquals(n, len, "the end record's comment length");
    return java.util.Arrays.copyOfRange(b, b.length - n, b.length);
  }

  private static byte[] zipWithSymlink(String link, byte[] target, String sibling, byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream z =
        new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(bo)) {
      ZipArchiveEntry f = new ZipArchiveEntry(sibling);
      z.putArchiveEntry(f);
      z.write(data);
      z.closeArchiveEntry();
      ZipArchiveEntry e = new ZipArchiveEntry(link);
      e.setUnixMode(0120777);
      z.putArchiveEntry(e);
      z.write(target);
      z.closeArchiveEntry();
    }
    return bo.toByteArray();
  }

  @Test
  void sanitize_tokenInTheZipComment_commentRedactedRestKept() throws IOException {
    String token = forge.base62Crc32("ghp_");
    byte[] zip = withComment(Archives.zip(Map.of("a.log", ascii("nothing here\n"))), log(token));
    Outcome o = sanitize("comment.zip", zip, ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of(), o.problems());
    assertEquals(List.of("a.log"), zipNames(o.out()));
    String comment;
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(o.out().toFile())) {
      comment = z.getComment();
    }
    assertTrue(comment != null && !comment.contains(token), "the token is out of the comment");
    assertTrue(comment.startsWith("2026-11-02T10:00:00Z INFO start\nexport GITHUB_TOKEN=[REDACTED:")
        && comment.endsWith("]\n2026-11-02T10:00:02Z INFO done\n"), "the rest of the comment is kept");
    assertEquals(1, o.result().leaves().stream().filter(r -> r.replacements() > 0).count(), "one leaf had a secret");
  }

  @Test
  void sanitize_zipSymlinkWhoseTargetHoldsAToken_keptAsALinkTargetRedacted() throws IOException {
    String token = forge.base62Crc32("ghp_");
    byte[] zip = zipWithSymlink("cache", ascii("/home/u/.cache/" + token), "a.log", ascii("nothing here\n"));
    Outcome o = sanitize("link.zip", zip, ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of(), o.problems());
    try (ZipFile z = ZipFile.builder().setPath(o.out()).get()) {
      ZipArchiveEntry link = z.getEntry("cache");
      assertTrue(link != null && link.isUnixSymlink(), "still a symbolic link");
      String target = z.getUnixSymlink(link);
      assertFalse(target.contains(token), "the token is out of the target");
      assertTrue(target.startsWith("/home/u/.cache/[REDACTED:"), "the rest of the target is kept");
    }
  }

  @Test
  void sanitize_zipWithACleanComment_commentKeptByteForByte() throws IOException {
    // not UTF-8, in a zip whose names are flagged UTF-8: no charset may stand between the bytes;
    // an end record's signature too near the end to be taken for one is a byte like any other
    byte[] comment = concat(ascii("built by ci "), new byte[] {(byte) 0xFF, (byte) 0x80, ' ', (byte) 0xC3, '(', 0, '\n',
        'P', 'K', 5, 6, '\n'});
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream z =
        new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(bo)) {
      z.setUseLanguageEncodingFlag(true);
      for (String n : List.of("a.log", "b.log")) {
        z.putArchiveEntry(new ZipArchiveEntry(n));
        z.write(n.equals("a.log") ? log(forge.base62Crc32("ghp_")) : ascii("nothing here\n"));
        z.closeArchiveEntry();
      }
    }
    byte[] zip = withComment(bo.toByteArray(), comment);
    Outcome o = sanitize("kept.zip", zip, ScanLimits.defaults());
    assertEquals(List.of(), o.problems());
    assertEquals(List.of("a.log", "b.log"), zipNames(o.out()));
    assertArrayEquals(comment, tail(o.out(), comment.length), "the comment of a rebuilt zip, as it was");
    byte[] clean = withComment(Archives.zip(Map.of("b.log", ascii("nothing here\n"))), comment);
    Outcome c = sanitize("clean.zip", clean, ScanLimits.defaults());
    assertArrayEquals(clean, Files.readAllBytes(c.out()), "a clean zip with a comment is copied as it was");
  }

  @Test
  void sanitize_tarPaddedWithZeros_copiedAsItWas() throws IOException {
    byte[] tar = concat(Archives.tar(Map.of("a.log", ascii("nothing here\n"))), new byte[20_000]);
    Outcome o = sanitize("padded.tar", tar, ScanLimits.defaults());
    assertEquals(List.of(), o.problems());
    assertArrayEquals(tar, Files.readAllBytes(o.out()), "a clean tar with zero padding is copied byte for byte");
  }

  @Test
  void sanitize_7zWithATokenAfterItsEnd_rebuiltWithoutIt() throws IOException {
    Path seven = dir.resolve("s.7z.tmp");
    Archives.sevenZ(seven, Map.of("a.log", ascii("nothing here\n")));
    byte[] in = concat(Files.readAllBytes(seven), log(forge.base62Crc32("ghp_")));
    Files.delete(seven);
    Outcome o = sanitize("after.7z", in, ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of("after.7z!<after 7z end> [corrupt]"), o.problems());
  }

  @Test
  void sanitize_7zWithATokenBeforeItsHeader_rebuiltWithoutIt() throws IOException {
    byte[] seven = SevenZBytes.write(dir.resolve("s.7z.tmp"), Map.of("a.log", ascii("nothing here\n")),
        SevenZMethod.LZMA2);
    byte[] in = SevenZBytes.gapBeforeHeader(seven, log(forge.base62Crc32("ghp_")));
    Outcome o = sanitize("gap.7z", in, ScanLimits.defaults());
    assertTrue(o.result().written());
    assertEquals(List.of("gap.7z!<before 7z header> [corrupt]"), o.problems());
  }

  @Test
  void sanitize_selfExtractingZip_membersNamedAsNotSanitized() throws IOException {
    byte[] zip = Archives.zip(Map.of("app/config.log", log(forge.base62Crc32("ghp_"))));
    Path in = Files.write(dir.resolve("setup.sh"), concat(ascii("#!/bin/sh\nunzip \"$0\"; exit 0\n"), zip));
    Path out = dir.resolve("clean-setup.sh");
    PathSanitizer.Result r = new PathSanitizer(Sanitizer.of(scanner, FP, Sanitizer.Options.defaults()), ScanLimits.defaults())
        .sanitize(in, out, false);
    assertEquals(List.of(in + " [unsupported]"), r.problems().stream().map(p -> p.location() + " [" + p.type() + "]").toList(),
        "the compressed members are named as not sanitized");
  }
}

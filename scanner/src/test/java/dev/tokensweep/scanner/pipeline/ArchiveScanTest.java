package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;

import static dev.tokensweep.scanner.pipeline.Archives.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Archives and compressed streams end to end through {@link Scanner}: every planted token is found
 * once with its whole location chain and line, and every damaged or hostile input becomes one
 * located problem while the other inputs are still scanned. Failure messages name locations and
 * counts, never token text.
 */
class ArchiveScanTest {

  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(1));

  /** A three-line log whose third line holds {@code token}, starting at column 21. */
  private static byte[] log(String token) {
    return ascii("2026-11-02 INFO start\n2026-11-02 INFO login ok\nexport GITHUB_TOKEN=" + token + "\n");
  }

  private ScanResult scan(ScanLimits limits, Path... inputs) {
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(),
        Scanner.Options.defaults().withThreads(1).withLimits(limits));
    List<String> names = new ArrayList<>();
    for (Path p : inputs) {
      names.add(p.toString());
    }
    return s.scan(names, InputStream.nullInputStream());
  }

  private ScanResult scan(Path... inputs) {
    return scan(ScanLimits.defaults(), inputs);
  }

  private Path write(String name, byte[] data) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, data);
    return p;
  }

  private static List<String> paths(ScanResult r) {
    return r.findings().stream().map(f -> f.location().path()).collect(Collectors.toList());
  }

  private static List<String> problems(ScanResult r) {
    return r.problems().stream().map(p -> p.location() + " [" + p.type() + "]").collect(Collectors.toList());
  }

  /** Exactly one finding, at {@code path} line 3 column 21, and no problem. */
  private static void assertFoundOnce(ScanResult r, String path) {
    assertEquals(List.of(path), paths(r), () -> "finding locations; problems " + r.problems());
    assertEquals(3L, r.findings().get(0).location().line(), "line");
    assertEquals(21L, r.findings().get(0).location().column(), "column");
    assertEquals(List.of(), problems(r), "problems");
  }

  private static ScanLimits limits(int depth, long entries, long total, long entry, double ratio, long threshold,
      long spool) {
    return new ScanLimits(depth, entries, total, entry, ratio, threshold, spool, ScanLimits.defaults().maxLineBytes());
  }

  private static Set<String> spoolFiles() throws IOException {
    try (Stream<Path> s = Files.list(dev.tokensweep.scanner.expand.Spool.directory())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("tokensweep-") && n.endsWith(".spool"))
          .collect(Collectors.toSet());
    }
  }

  // ---- every supported kind, nested

  @Test
  void scan_tarGzHoldingZipHoldingGz_namesEveryLevel() throws IOException {
    Set<String> spoolsBefore = spoolFiles();
    byte[] zip = Archives.zip(Map.of("app/trace.log.gz", Archives.gzip(log(forge.base62Crc32("ghp_")))));
    byte[] tgz = Archives.gzip(Archives.tar(Map.of("logs/app.zip", zip, "logs/README", ascii("nothing\n"))));
    Path p = write("bundle.tar.gz", tgz);
    ScanResult r = scan(p);
    assertFoundOnce(r, p + "!logs/app.zip!app/trace.log.gz!");
    assertEquals(1, r.files());
    assertEquals(2, r.leaves(), "trace.log and README");
    assertEquals(Files.size(p), r.bytes(), "bytes counts the input as stored");
    assertEquals(spoolsBefore, spoolFiles(), "the zip inside the tar was spooled and the spool deleted");
  }

  static Stream<Arguments> compressors() {
    return Stream.of(
        Arguments.of("gz", (Archives.Wrap) null),
        Arguments.of("bz2", null), Arguments.of("xz", null), Arguments.of("lzma", null), Arguments.of("zst", null),
        Arguments.of("lz4", null), Arguments.of("sz", null), Arguments.of("zz", null), Arguments.of("Z", null));
  }

  private static byte[] compressed(String ext, byte[] data) throws IOException {
    return switch (ext) {
      case "gz" -> Archives.gzip(data);
      case "bz2" -> Archives.bzip2(data);
      case "xz" -> Archives.xz(data);
      case "lzma" -> Archives.lzma(data);
      case "zst" -> Archives.zstd(data);
      case "lz4" -> Archives.lz4(data);
      case "sz" -> Archives.snappy(data);
      case "zz" -> Archives.zlib(data);
      case "Z" -> Archives.unixCompress(data);
      default -> throw new IllegalArgumentException(ext);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("compressors")
  void scan_compressedLog_foundInDecompressedMember(String ext, Archives.Wrap unused) throws IOException {
    Path p = write("app.log." + ext, compressed(ext, log(forge.base62Crc32("gho_"))));
    assertFoundOnce(scan(p), p + "!");
  }

  @ParameterizedTest(name = "{0} with a misleading name")
  @MethodSource("compressors")
  void scan_compressedLogNamedTxt_sniffedByMagic(String ext, Archives.Wrap unused) throws IOException {
    if (ext.equals("lzma") || ext.equals("zz")) {
      return; // the default encoders' headers are recognised without a name too; see the next test
    }
    Path p = write("notes.txt", compressed(ext, log(forge.base62Crc32("ghu_"))));
    assertFoundOnce(scan(p), p + "!");
  }

  @Test
  void scan_lzmaAndZlibWithoutTheirNames_sniffedByHeader() throws IOException {
    Path a = write("a.bin", Archives.lzma(log(forge.base62Crc32("ghp_"))));
    Path b = write("b.bin", Archives.zlib(log(forge.base62Crc32("ghp_"))));
    ScanResult r = scan(a, b);
    assertEquals(List.of(a + "!", b + "!"), paths(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_sevenZ_ar_cpio_zip_tar_eachFoundOnce() throws IOException {
    Path seven = dir.resolve("logs.7z");
    Archives.sevenZ(seven, Map.of("var/log/app.log", log(forge.base62Crc32("ghp_"))));
    Path ar = write("pkg.a", Archives.ar(Map.of("app.log", log(forge.base62Crc32("ghp_")))));
    Path cpio = write("initrd.cpio", Archives.cpio(Map.of("etc/app.log", log(forge.base62Crc32("ghp_")))));
    Path zip = write("app.jar", Archives.zip(Map.of("META-INF/app.log", log(forge.base62Crc32("ghp_")))));
    Path tar = write("b.tar", Archives.tar(Map.of("home/u/app.log", log(forge.base62Crc32("ghp_")))));
    ScanResult r = scan(seven, ar, cpio, zip, tar);
    assertEquals(List.of(zip + "!META-INF/app.log", tar + "!home/u/app.log", cpio + "!etc/app.log",
        seven + "!var/log/app.log", ar + "!app.log"), paths(r));
    for (Finding f : r.findings()) {
      assertEquals(3L, f.location().line(), f.location().path());
    }
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_everyKindNestedInOneChain_foundAtTheBottom() throws IOException {
    Path seven = dir.resolve("inner.7z");
    byte[] leaf = Archives.unixCompress(log(forge.base62Crc32("ghs_")));
    Archives.sevenZ(seven, Map.of("deep/app.log.Z", leaf));
    byte[] b = Files.readAllBytes(seven);
    Files.delete(seven);
    // 7z in cpio in ar in zip in tar, each layer compressed in turn
    b = Archives.cpio(Map.of("x.7z", b));
    b = Archives.zlib(Archives.snappy(Archives.lz4(b)));
    b = Archives.ar(Map.of("c.cpio.lz4.sz.zz", b));
    b = Archives.zstd(Archives.lzma(Archives.xz(Archives.bzip2(b))));
    b = Archives.zip(Map.of("d/a.ar.bz2.xz.lzma.zst", b));
    b = Archives.gzip(Archives.tar(Map.of("e.zip", b)));
    Path p = write("all.tgz", b);
    // each compressed layer and each archive is one level: 17 in all
    ScanResult r = scan(limits(17, 100, 1 << 30, 1 << 30, 200, 1 << 20, 1 << 20), p);
    // a compressed layer holding an archive is not named again (see Names)
    // one ! per compressed layer (DESIGN.md: the content of app.log.gz is app.log.gz!); a layer
    // that holds an archive is not named again
    String chain = p + "!e.zip!d/a.ar.bz2.xz.lzma.zst!!!!c.cpio.lz4.sz.zz!!!x.7z!deep/app.log.Z!";
    assertFoundOnce(r, chain);
  }

  @Test
  void scan_gzipHeaderName_neverTrustedInTheChain() throws IOException {
    Path p = write("rotated.1.gz", Archives.gzipNamed(log(forge.base62Crc32("ghp_")), "../../srv/app.log"));
    assertFoundOnce(scan(p), p + "!");
  }

  @Test
  void scan_rotatedLogThatIsGzip_keepsItsName() throws IOException {
    Path p = write("app.log.2", Archives.gzip(log(forge.base62Crc32("ghp_"))));
    assertFoundOnce(scan(p), p + "!");
  }

  @Test
  void scan_txtThatIsZip_isOpened() throws IOException {
    Path p = write("notes.txt", Archives.zip(Map.of("inner.log", log(forge.base62Crc32("ghp_")))));
    assertFoundOnce(scan(p), p + "!inner.log");
  }

  @Test
  void scan_multiMemberGzip_readsEveryMember() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(Archives.gzip(log(forge.base62Crc32("ghp_"))));
    b.write(Archives.gzip(log(forge.base62Crc32("ghp_"))));
    Path p = write("app.log.gz", b.toByteArray());
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!", p + "!"), paths(r));
    assertEquals(List.of(3L, 6L), r.findings().stream().map(f -> f.location().line()).toList());
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_zipOnStdin_isSpooledAndDeleted() throws IOException {
    Set<String> before = spoolFiles();
    byte[] zip = Archives.zip(Map.of("a.log", log(forge.base62Crc32("ghp_"))));
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(1));
    ScanResult r = s.scan(List.of("-"), new ByteArrayInputStream(zip));
    assertEquals(List.of(Scanner.STDIN + "!a.log"), paths(r));
    assertEquals(zip.length, r.bytes());
    assertEquals(before, spoolFiles());
  }

  @Test
  void scan_plainTextWithMagicLookalikes_staysALeaf() throws IOException {
    String t = "export GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n";
    String[] starts = {"BZh91AY&SY is not bzip2\n", "x^ not zlib\n", "H,not zlib\n", "070701 not cpio\n",
        "PK is a name\n", "!<arch> almost\n", "]\n"};
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < starts.length; i++) {
      inputs.add(write("look" + i + ".gz", ascii(starts[i] + "line two\n" + t)));
    }
    ScanResult r = scan(inputs.toArray(Path[]::new));
    assertEquals(inputs.stream().map(Path::toString).sorted().toList(), paths(r));
    assertEquals(List.of(), problems(r));
  }

  // ---- limits

  @Test
  void scan_zipBomb_reportsRatioLimitAndScansTheRest() throws IOException {
    byte[] zeros = new byte[4 << 20];
    Path bomb = write("bomb.zip", Archives.zip(Map.of("zeros.bin", zeros)));
    Path ok = write("ok.log", log(forge.base62Crc32("ghp_")));
    ScanLimits l = limits(8, 100, 1L << 30, 1L << 30, 100, 1 << 20, 1 << 20);
    ScanResult r = scan(l, bomb, ok);
    assertEquals(List.of(ok.toString()), paths(r));
    assertEquals(List.of(bomb + "!zeros.bin [limit]"), problems(r));
    assertTrue(r.problems().get(0).message().startsWith("max-ratio:"), r.problems().get(0).message());
    assertEquals(1, r.exitCode(Severity.INFO));
    assertEquals(3, scan(l, bomb).exitCode(Severity.INFO));
  }

  @Test
  void scan_nestedBombUnderThePerStreamRatio_caughtByTheInputRatio() throws IOException {
    // each gzip layer alone expands less than 150x; the two together far more
    byte[] b = Archives.gzip(Archives.gzip(new byte[8 << 20]));
    Path p = write("double.gz", b);
    ScanResult r = scan(limits(8, 100, 1L << 30, 1L << 30, 150, 1 << 20, 1 << 20), p);
    assertEquals(1, r.problems().size(), problems(r).toString());
    assertEquals(Problem.Type.LIMIT, r.problems().get(0).type());
    assertTrue(r.problems().get(0).message().startsWith("max-ratio:"), r.problems().get(0).message());
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void scan_nestedZipBomb_stoppedAtEachNestedMemberAndItsSiblingsScanned() throws IOException {
    // 42.zip in small: 4 levels of 8 zips, 64 MiB of zeros in each of the 512 leaves (32 GiB in
    // all), with a secret beside the nest inside the zip and another file beside the zip
    byte[] secret = log(forge.base62Crc32("ghp_"));
    Path bomb = write("42.zip", Bombs.nestedZip(4, 8, 64L << 20, Map.of("secrets.txt", secret)));
    Path beside = write("beside.log", log(forge.base62Crc32("ghp_")));
    ScanResult r = scan(limits(8, 100_000, 64L << 30, 16L << 30, 200, 1 << 20, 4L << 30), bomb, beside);
    assertEquals(List.of(bomb + "!secrets.txt", beside.toString()), paths(r));
    assertEquals(8, r.problems().size(), () -> "one problem per nested member of the outer zip: " + problems(r));
    for (Problem p : r.problems()) {
      assertEquals(Problem.Type.LIMIT, p.type());
      assertTrue(p.message().startsWith("max-ratio:"), p.message());
      assertTrue(p.location().matches(java.util.regex.Pattern.quote(bomb + "!") + "lib3_[0-7]\\.zip"), p.location());
    }
    assertTrue(r.bytes() < (64L << 20), "what was read stays small");
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void scan_overlappingZipBomb_sharedBytesReadOnce() throws IOException {
    // 500 directory entries that all decode one 4 MiB kernel: 2 GB if each were read
    Path bomb = write("overlap.zip", Bombs.overlappingZip(500, 4L << 20));
    Path beside = write("beside.log", log(forge.base62Crc32("ghp_")));
    ScanResult r = scan(bomb, beside);
    assertEquals(List.of(beside.toString()), paths(r));
    assertEquals(List.of(bomb + " [corrupt]"), problems(r));
    assertTrue(r.problems().get(0).message().startsWith("499 members overlap"), r.problems().get(0).message());
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void scan_overlappingMembersUnderTheRatioThreshold_stoppedByTheInputRatio() throws IOException {
    // each member stays under the ratio threshold, so no member's own ratio is ever checked:
    // the input's ratio, over every decoded byte, stops it
    byte[] zip = Bombs.overlappingZip(2000, (1 << 20) - 1);
    Path bomb = write("overlap.zip", zip);
    ScanLimits l = limits(8, 100_000, 64L << 30, 16L << 30, 200, 1 << 20, 4L << 30);
    // read as a stream inside a tar, the layout check does not apply: the ratio still holds
    Path tar = write("overlap.tar", Archives.tar(Map.of("overlap.zip", zip)));
    for (Path p : new Path[] {bomb, tar}) {
      ScanResult r = scan(l, p);
      assertTrue(r.problems().stream().anyMatch(x -> x.type() == Problem.Type.CORRUPT || x.message().startsWith("max-ratio:")),
          () -> problems(r).toString());
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void scan_sparseTarHoles_countAsDecodedBytes() throws IOException {
    // ten members that each declare a 1 GiB hole in a few hundred bytes on disk (commons-compress
    // reads GNU sparse 1.0 maps only below 2 GiB; larger ones are reported as corrupt)
    byte[] tail = log(forge.base62Crc32("ghp_"));
    Path p = write("sparse.tar", Bombs.sparseTar(10, 1L << 30, tail));
    ScanResult r = scan(limits(8, 100_000, 1L << 30, 16L << 30, 10, 1 << 20, 4L << 30), p);
    assertEquals(10, r.problems().size(), () -> problems(r).toString());
    for (Problem x : r.problems()) {
      assertTrue(x.message().startsWith("max-ratio:"), x.message());
    }
  }

  @Test
  void scan_zipWhoseDirectoryLeavesOutAMember_memberReadFromTheLocalHeaders() throws IOException {
    byte[] zip = new RawZip().add("listed.log", log(forge.base62Crc32("ghp_")))
        .add("hidden.log", log(forge.base62Crc32("ghp_")), false, -1, -1).bytes();
    Path p = write("hides.zip", zip);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!hidden.log", p + "!listed.log"), paths(r));
    assertEquals(List.of(p + " [corrupt]"), problems(r));
    assertTrue(r.problems().get(0).message().contains("offset"), r.problems().get(0).message());
  }

  @Test
  void scan_zipWhoseDirectoryUndersizesAStoredMember_wholeMemberRead() throws IOException {
    byte[] data = ascii("line one\n".repeat(40) + "export GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n");
    Path p = write("short.zip", new RawZip().addStored("app.log", data, 100).bytes());
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!app.log"), paths(r));
    assertTrue(problems(r).contains(p + " [corrupt]"), problems(r).toString());
  }

  @Test
  void scan_zipMemberWithBadCrc_reportedAsCorruptAndScanned() throws IOException {
    Path p = write("crc.zip", new RawZip().add("app.log", log(forge.base62Crc32("ghp_")), true, -1, 0x12345678L).bytes());
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!app.log"), paths(r));
    assertEquals(List.of(p + "!app.log [corrupt]"), problems(r));
    assertTrue(r.problems().get(0).message().startsWith("bad CRC"), r.problems().get(0).message());
    // read from its local headers (a zip inside a tar), the same
    Path t = write("crc.tar", Archives.tar(Map.of("in.zip", java.nio.file.Files.readAllBytes(p))));
    ScanResult rt = scan(t);
    assertEquals(1, rt.findings().size());
    assertTrue(problems(rt).contains(t + "!in.zip!app.log [corrupt]"), problems(rt).toString());
  }

  @Test
  void scan_ordinaryZipsFromSeveralWriters_noDisagreementReported() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("dir/", new byte[0]);
    m.put("b.bin", new byte[70_000]);
    m.put("c.log", log(forge.base62Crc32("ghp_")));
    List<byte[]> zips = new ArrayList<>();
    zips.add(Archives.zip(m)); // commons-compress to a stream: data descriptors
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      for (Map.Entry<String, byte[]> e : m.entrySet()) {
        z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    zips.add(bo.toByteArray());
    Path seekable = dir.resolve("seekable.zip");
    try (org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream z =
             new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(seekable)) {
      z.setUseZip64(org.apache.commons.compress.archivers.zip.Zip64Mode.Always);
      for (Map.Entry<String, byte[]> e : m.entrySet()) {
        org.apache.commons.compress.archivers.zip.ZipArchiveEntry ze =
            new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(e.getKey());
        if (e.getKey().equals("b.bin")) {
          ze.setMethod(java.util.zip.ZipEntry.STORED);
        }
        z.putArchiveEntry(ze);
        z.write(e.getValue());
        z.closeArchiveEntry();
      }
    }
    zips.add(Files.readAllBytes(seekable));
    for (int i = 0; i < zips.size(); i++) {
      Path p = write("ok" + i + ".zip", zips.get(i));
      ScanResult r = scan(p);
      assertEquals(List.of(p + "!a.log", p + "!c.log"), paths(r), "zip " + i);
      assertEquals(List.of(), problems(r), "zip " + i);
    }
  }

  @Test
  void scan_lzmaWhoseHeaderDeclaresTheLargestDictionary_decoded() throws IOException {
    // xz --format=lzma -dc decodes a header whose dictionary size is FF FF FF FF; it was not even
    // recognised as lzma, read as binary, and its token missed with exit 0
    byte[] lz = Archives.lzma(log(forge.base62Crc32("ghp_")));
    for (int i = 1; i <= 4; i++) {
      lz[i] = (byte) 0xFF;
    }
    Path p = write("app.log.lzma", lz);
    assertFoundOnce(scan(p), p + "!");
    // with an unknown size the dictionary is cut to the decoder cap and still decodes
    byte[] unknown = Archives.lzmaUnknownSize(log(forge.base62Crc32("ghp_")));
    for (int i = 1; i <= 4; i++) {
      unknown[i] = (byte) 0xFF;
    }
    Path q = write("unknown.log.lzma", unknown);
    assertFoundOnce(scan(q), q + "!");
  }

  @Test
  void scan_truncatedLzma_scansWhatCameBeforeAndReports() throws IOException {
    byte[] lz = Archives.lzma(log(forge.base62Crc32("ghp_")));
    Path p = write("cut.log.lzma", Arrays.copyOf(lz, lz.length - 8));
    ScanResult r = scan(p);
    assertEquals(List.of(p + "! [corrupt]"), problems(r));
    assertEquals(3, r.exitCode(Severity.INFO) == 1 ? 3 : r.exitCode(Severity.INFO));
  }

  @Test
  void scan_tooDeep_reportsDepthAtTheUnopenedLevel() throws IOException {
    byte[] b = Archives.gzip(Archives.gzip(Archives.gzip(log(forge.base62Crc32("ghp_")))));
    Path deep = write("deep.log.gz.gz.gz", b);
    Path ok = write("ok.log.gz", Archives.gzip(log(forge.base62Crc32("ghp_"))));
    ScanResult r = scan(limits(2, 100, 1L << 30, 1L << 30, 200, 1 << 20, 1 << 20), deep, ok);
    assertEquals(List.of(ok + "!"), paths(r));
    assertEquals(List.of(deep + "!! [limit]"), problems(r));
    assertTrue(r.problems().get(0).message().startsWith("max-depth:"));
    assertEquals(1, r.exitCode(Severity.INFO));
  }

  @Test
  void scan_tarWithTwoMembersOfOneName_bothSecretsReported() throws IOException {
    // one finding per secret span must not merge two different secrets that only share a
    // displayed location (a tar may hold the same name twice, appended)
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t =
             new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bo)) {
      for (int i = 0; i < 2; i++) {
        byte[] data = log(forge.base62Crc32("ghp_"));
        org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
            new org.apache.commons.compress.archivers.tar.TarArchiveEntry("app.log");
        e.setSize(data.length);
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
      }
    }
    Path p = write("twice.tar", bo.toByteArray());
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!app.log", p + "!app.log"), paths(r));
    assertEquals(2, r.findings().stream().map(f -> f.evidence().fingerprint()).distinct().count(), "two secrets");
  }

  @Test
  void scan_zipWhoseCommentHoldsAnEmptyEndRecord_membersReadFromLocalHeaders() throws IOException {
    // an end record in the comment makes ZipFile see an empty directory: the member must not
    // be hidden by it
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      z.putNextEntry(new java.util.zip.ZipEntry("app.log"));
      z.write(log(forge.base62Crc32("ghp_")));
      z.closeEntry();
      z.setComment("PK\u0005\u0006" + "\u0000".repeat(18));
    }
    Path p = write("hidden.zip", bo.toByteArray());
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!app.log"), paths(r));
    assertEquals(List.of(p + " [corrupt]"), problems(r));
  }

  @Test
  void scan_tooManyEntries_scansTheFirstAndReports() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      m.put("f" + i + ".log", log(forge.base62Crc32("ghp_")));
    }
    Path p = write("many.zip", Archives.zip(m));
    ScanResult r = scan(limits(8, 3, 1L << 30, 1L << 30, 200, 1 << 20, 1 << 20), p);
    assertEquals(List.of(p + "!f0.log", p + "!f1.log", p + "!f2.log"), paths(r));
    assertEquals(List.of(p + " [limit]"), problems(r));
  }

  @Test
  void scan_entryTooLarge_scansItsStartAndReports() throws IOException {
    byte[] big = new byte[64 << 10];
    Arrays.fill(big, (byte) 'a');
    byte[] head = log(forge.base62Crc32("ghp_"));
    System.arraycopy(head, 0, big, 0, head.length);
    Path p = write("big.tar", Archives.tar(Map.of("big.log", big)));
    ScanResult r = scan(limits(8, 100, 1L << 30, 4096, 200, 1 << 20, 1 << 20), p);
    assertEquals(List.of(p + "!big.log"), paths(r));
    assertEquals(List.of(p + "!big.log [limit]"), problems(r));
    assertTrue(r.problems().get(0).message().startsWith("max-entry-bytes:"));
  }

  @Test
  void scan_totalBytes_stopsTheInput() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("b.bin", new byte[32 << 10]);
    m.put("c.log", log(forge.base62Crc32("ghp_")));
    Path p = write("t.zip", Archives.zip(m));
    ScanResult r = scan(limits(8, 100, 16 << 10, 1L << 30, 1e9, 1 << 20, 1 << 20), p);
    assertEquals(List.of(p + "!a.log"), paths(r));
    assertEquals(List.of(p + "!b.bin [limit]"), problems(r));
    assertTrue(r.problems().get(0).message().startsWith("max-total-bytes:"));
  }

  @Test
  void scan_spoolTooLarge_reportsAndSkipsTheBranch() throws IOException {
    Set<String> before = spoolFiles();
    byte[] zip = Archives.zip(Map.of("a.log", log(forge.base62Crc32("ghp_"))));
    Path p = write("s.tar", Archives.tar(Map.of("in.zip", zip, "b.log", log(forge.base62Crc32("ghp_")))));
    ScanResult r = scan(limits(8, 100, 1L << 30, 1L << 30, 200, 1 << 20, 64), p);
    assertEquals(List.of(p + "!b.log"), paths(r));
    assertEquals(List.of(p + "!in.zip [limit]"), problems(r));
    assertEquals(before, spoolFiles());
  }

  // ---- damage and hostility

  @Test
  void scan_truncatedGzip_scansWhatCameBeforeAndReportsCorrupt() throws IOException {
    StringBuilder rest = new StringBuilder();
    Random rnd = new Random(5);
    for (int i = 0; i < 2000; i++) {
      rest.append("INFO request ").append(Long.toHexString(rnd.nextLong())).append('\n');
    }
    byte[] full = Archives.gzip(ascii(new String(log(forge.base62Crc32("ghp_")), java.nio.charset.StandardCharsets.US_ASCII) + rest));
    Path p = write("app.log.gz", Arrays.copyOf(full, full.length * 2 / 3));
    Path ok = write("ok.log", ascii("fine\n"));
    ScanResult r = scan(p, ok);
    assertEquals(List.of(p + "!"), paths(r), r.problems().toString());
    assertEquals(List.of(p + "! [corrupt]"), problems(r));
    assertEquals(2, r.leaves());
  }

  @Test
  void scan_truncatedTarGz_reportsOnceAtTheArchive() throws IOException {
    byte[] noise = new byte[40 << 10];
    new Random(3).nextBytes(noise);
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("noise.bin", noise);
    byte[] tgz = Archives.gzip(Archives.tar(m));
    Path p = write("b.tar.gz", Arrays.copyOf(tgz, tgz.length - 8000));
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!a.log"), paths(r));
    assertEquals(List.of(p + " [corrupt]"), problems(r));
  }

  @Test
  void scan_truncatedSmallBzip2_reportedNotReadAsBinary() throws IOException {
    // a bzip2 shorter than the sniffing head, cut inside its only block: it used to be taken for a
    // binary leaf, so the scan said "complete, nothing found" (exit 0)
    byte[] bz = Archives.bzip2(log(forge.base62Crc32("ghp_")));
    assertTrue(bz.length < dev.tokensweep.scanner.expand.Sniffer.HEAD);
    Path p = write("app.log.bz2", Arrays.copyOf(bz, bz.length / 2));
    ScanResult r = scan(p);
    assertEquals(List.of(p + " [corrupt]"), problems(r));
    assertEquals(3, r.exitCode(dev.tokensweep.detectors.rule.Severity.INFO));
  }

  @Test
  void scan_bzip2DamagedInItsHead_reportedNotReadAsBinary() throws IOException {
    // damage inside the sniffing head made the decoder fail there, and the file was scanned as a binary
    byte[] noise = new byte[32 << 10];
    new Random(7).nextBytes(noise);
    byte[] bz = Archives.bzip2(noise);
    assertTrue(bz.length > dev.tokensweep.scanner.expand.Sniffer.HEAD);
    for (int i = 2000; i < 2040; i++) {
      bz[i] ^= 0x5A;
    }
    Path p = write("core.bz2", bz);
    ScanResult r = scan(p);
    assertEquals(1, problems(r).size(), "one problem at the damaged stream");
    assertTrue(problems(r).get(0).endsWith("[corrupt]"), problems(r).toString());
    assertEquals(3, r.exitCode(dev.tokensweep.detectors.rule.Severity.INFO));
  }

  @Test
  void scan_truncatedAr_reportsTheCutMember() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    byte[] noise = new byte[4096];
    Arrays.fill(noise, (byte) 'x');
    m.put("b.log", noise);
    byte[] ar = Archives.ar(m);
    Path p = write("logs.a", Arrays.copyOf(ar, ar.length - 1000));
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!a.log"), paths(r));
    assertEquals(List.of(p + "!b.log [corrupt]"), problems(r));
  }

  @Test
  void scan_zipWithoutCentralDirectory_readsLocalEntriesAndReportsCorrupt() throws IOException {
    Set<String> before = spoolFiles();
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("b.log", log(forge.base62Crc32("ghp_")));
    byte[] zip = Archives.zip(m);
    int cd = lastIndexOf(zip, new byte[] {'P', 'K', 1, 2});
    int firstCd = indexOf(zip, new byte[] {'P', 'K', 1, 2});
    assertTrue(cd > 0 && firstCd > 0);
    Path p = write("broken.zip", Arrays.copyOf(zip, firstCd + 10));
    // the same damage inside a tar goes through the spool
    Path t = write("outer.tar", Archives.tar(Map.of("broken.zip", Arrays.copyOf(zip, firstCd + 10))));
    ScanResult r = scan(p, t);
    assertEquals(List.of(p + "!a.log", p + "!b.log", t + "!broken.zip!a.log", t + "!broken.zip!b.log"), paths(r));
    assertEquals(List.of(p + " [corrupt]", t + "!broken.zip [corrupt]"), problems(r));
    assertEquals(before, spoolFiles(), "spool deleted after a corrupt zip");
  }

  @Test
  void scan_zipWithDamagedEntry_reportsTheEntryAndScansSiblings() throws IOException {
    StringBuilder text = new StringBuilder();
    Random rnd = new Random(9);
    for (int i = 0; i < 800; i++) {
      text.append("GET /api/v").append(rnd.nextInt(9)).append("/items/").append(rnd.nextInt(99999)).append(" 200\n");
    }
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("bad.bin", ascii(text.toString()));
    m.put("good.log", log(forge.base62Crc32("ghp_")));
    byte[] zip = Archives.zip(m);
    // overwrite part of bad.bin's Huffman-coded deflate data (stored data would go unnoticed: zip
    // readers do not check CRCs); the central directory stays intact
    for (int i = 200; i < 260; i++) {
      zip[i] = (byte) 0xFF;
    }
    Path p = write("d.zip", zip);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!good.log"), paths(r), r.problems().toString());
    assertEquals(List.of(p + "!bad.bin [corrupt]"), problems(r));
  }

  @Test
  void scan_zipSlipNames_reportedAndContentStillScanned() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("../../etc/cron.d/evil", log(forge.base62Crc32("ghp_")));
    m.put("/abs/app.log", log(forge.base62Crc32("ghp_")));
    m.put("ok/app.log", log(forge.base62Crc32("ghp_")));
    Path p = write("slip.zip", Archives.zip(m));
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!../../etc/cron.d/evil", p + "!/abs/app.log", p + "!ok/app.log"), paths(r));
    assertEquals(List.of(p + "!../../etc/cron.d/evil [unsafe-name]", p + "!/abs/app.log [unsafe-name]"), problems(r));
    assertEquals(1, r.exitCode(Severity.INFO));
  }

  @Test
  void scan_controlCharactersInNames_escaped() throws IOException {
    Path p = write("c.tar", Archives.tar(Map.of("a\nb.log", log(forge.base62Crc32("ghp_")))));
    assertFoundOnce(scan(p), p + "!a\\x0ab.log");
  }

  @Test
  void scan_encryptedZipEntry_reportedAndSkipped() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("secret.log", ascii("opaque\n"));
    m.put("plain.log", log(forge.base62Crc32("ghp_")));
    byte[] zip = Archives.zip(m);
    // set the encryption flag of the first entry in its local and central headers
    zip[indexOf(zip, new byte[] {'P', 'K', 3, 4}) + 6] |= 1;
    zip[indexOf(zip, new byte[] {'P', 'K', 1, 2}) + 8] |= 1;
    Path p = write("e.zip", zip);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!plain.log"), paths(r));
    assertEquals(List.of(p + "!secret.log [encrypted]"), problems(r));
  }

  @Test
  void scan_problemsOnly_exitThree() throws IOException {
    byte[] full = Archives.gzip(ascii("nothing here\n".repeat(2000)));
    Path p = write("x.gz", Arrays.copyOf(full, full.length / 2));
    ScanResult r = scan(p);
    assertEquals(List.of(), paths(r));
    assertEquals(3, r.exitCode(Severity.INFO));
  }

  private static int indexOf(byte[] h, byte[] n) {
    outer:
    for (int i = 0; i + n.length <= h.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (h[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int lastIndexOf(byte[] h, byte[] n) {
    for (int i = h.length - n.length; i >= 0; i--) {
      if (Arrays.equals(h, i, i + n.length, n, 0, n.length)) {
        return i;
      }
    }
    return -1;
  }
}

package dev.tokensweep.scanner.pipeline;

import static dev.tokensweep.scanner.pipeline.Archives.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing after an archive's or a compressed stream's end goes unscanned: a member followed by data
 * that is no member is scanned whole (decoders used to drop the last bytes they decoded when the
 * data after them made them fail), and the data after the end (after a tar's end-of-archive blocks,
 * cpio's trailer, an ar's last member, the last compressed member) is scanned as a member of its
 * own, named {@code <container>!<after FORMAT end>}, and reported as corrupt; so are a 7z's bytes
 * before its end header that no packed stream holds. Zero padding is no data. Failure messages
 * name locations and counts, never token text.
 */
class DataAfterEndScanTest {

  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(42));

  /** A three-line log whose third line holds {@code token}, starting at column 21. */
  private static byte[] log(String token) {
    return ascii("2026-11-02 INFO start\n2026-11-02 INFO login ok\nexport GITHUB_TOKEN=" + token + "\n");
  }

  private ScanResult scan(ScanLimits limits, Path p) {
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(),
        Scanner.Options.defaults().withThreads(1).withLimits(limits));
    return s.scan(List.of(p.toString()), InputStream.nullInputStream());
  }

  private ScanResult scan(Path p) {
    return scan(ScanLimits.defaults(), p);
  }

  private Path write(String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    for (byte[] b : parts) {
      bo.write(b);
    }
    return Files.write(dir.resolve(name), bo.toByteArray());
  }

  private static List<String> paths(ScanResult r) {
    return r.findings().stream().map(f -> f.location().path() + ":" + f.location().line() + ":" + f.location().column())
        .collect(Collectors.toList());
  }

  private static List<String> problems(ScanResult r) {
    return r.problems().stream().map(p -> p.location() + " [" + p.type() + "]").collect(Collectors.toList());
  }

  /** The token {@link #log} plants after {@code p}'s {@code format} end is the one finding, there, and the data is reported corrupt. */
  private static void assertFoundAfterEnd(ScanResult r, Path p, String format, String context) {
    String after = p + "!<after " + format + " end>";
    assertEquals(List.of(after + ":3:21"), paths(r), () -> context + "findings; problems " + problems(r));
    assertEquals(List.of(after + " [corrupt]"), problems(r), context + "problems");
  }

  private static byte[] compressed(String ext, byte[] data) throws IOException {
    return switch (ext) {
      case "gz" -> Archives.gzip(data);
      case "bz2" -> Archives.bzip2(data);
      case "xz" -> Archives.xz(data);
      case "lzma" -> Archives.lzmaUnknownSize(data);
      case "lz4" -> Archives.lz4(data);
      case "zst" -> Archives.zstd(data);
      case "sz" -> Archives.snappy(data);
      case "zz" -> Archives.zlib(data);
      case "Z" -> Archives.unixCompress(data);
      default -> throw new IllegalArgumentException(ext);
    };
  }

  private static String format(String ext) {
    return switch (ext) {
      case "gz" -> "gzip";
      case "bz2" -> "bzip2";
      case "zz" -> "deflate";
      default -> ext;
    };
  }

  private static final byte[] JUNK = ascii("not a member: junk after the end\n");

  // ---- compressed streams

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gz", "bz2", "xz", "lzma", "lz4", "zz"})
  void scan_smallMemberThenJunk_memberScannedWholeAndJunkReported(String ext) throws IOException {
    Path p = write("app.log." + ext, compressed(ext, log(forge.base62Crc32("ghp_"))), JUNK);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!:3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(p + "!<after " + format(ext) + " end> [corrupt]"), problems(r));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"zst", "sz", "Z"})
  void scan_smallMemberThenJunk_decoderReportsItAfterTheWholeMember(String ext) throws IOException {
    // their decoders fail on the data after the end only in the read after the member's last bytes
    // (.Z has no end: its decoder meets the data as a bad code)
    Path p = write("app.log." + ext, compressed(ext, log(forge.base62Crc32("ghp_"))), JUNK);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!:3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(p + "! [corrupt]"), problems(r));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gz", "bz2", "xz", "lz4", "zz"})
  void scan_largeMemberThenJunk_tokenInItsLastBytesFound(String ext) throws IOException {
    StringBuilder text = new StringBuilder();
    Random rnd = new Random(9);
    while (text.length() < 200_000) {
      text.append("INFO request ").append(Long.toHexString(rnd.nextLong())).append('\n');
    }
    text.append("export GITHUB_TOKEN=").append(forge.base62Crc32("ghp_")).append('\n');
    long lines = text.chars().filter(c -> c == '\n').count();
    Path p = write("big.log." + ext, compressed(ext, ascii(text.toString())), JUNK);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!:" + lines + ":21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(p + "!<after " + format(ext) + " end> [corrupt]"), problems(r));
  }

  @Test
  void scan_multiMemberGzipThenZeros_everyMemberReadNoProblem() throws IOException {
    Path p = write("two.log.gz", Archives.gzip(ascii("first member\n")), Archives.gzip(log(forge.base62Crc32("ghp_"))),
        new byte[4096]);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!:4:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gz", "bz2", "xz", "lzma", "lz4", "zz"})
  void scan_tokenAfterTheCompressedEnd_found(String ext) throws IOException {
    Path p = write("app.log." + ext, compressed(ext, ascii("nothing here\n")), log(forge.base62Crc32("ghp_")));
    ScanResult r = scan(p);
    assertFoundAfterEnd(r, p, format(ext), "");
    assertEquals(1, r.exitCode(Severity.INFO));
  }

  // ---- tar and cpio

  @Test
  void scan_tokenAfterTheTarEndBlocks_found() throws IOException {
    byte[] tar = Archives.tar(Map.of("a.log", ascii("nothing here\n")));
    // the writer pads to a 10 KiB record: data inside that padding, and data after it
    for (int at : new int[] {512 * 5, tar.length}) {
      byte[] t = java.util.Arrays.copyOf(tar, Math.max(tar.length, at));
      Path p = write("x" + at + ".tar", java.util.Arrays.copyOf(t, at), log(forge.base62Crc32("ghp_")));
      ScanResult r = scan(p);
      assertFoundAfterEnd(r, p, "tar", "at " + at + ": ");
    }
  }

  @Test
  void scan_tokenAfterTheCpioTrailer_found() throws IOException {
    Path p = write("x.cpio", Archives.cpio(Map.of("a.log", ascii("nothing here\n"))), log(forge.base62Crc32("ghp_")));
    ScanResult r = scan(p);
    assertFoundAfterEnd(r, p, "cpio", "");
  }

  @Test
  void scan_tokenAfterTheArsLastMember_found() throws IOException {
    // a member of odd size is followed by a padding byte; an ar with no member is its signature alone
    for (String content : List.of("nothing here\n", "nothing here!\n", "")) {
      byte[] ar = content.isEmpty() ? ascii("!<arch>\n") : Archives.ar(Map.of("a.log", ascii(content)));
      Path p = write("x" + content.length() + ".a", ar, log(forge.base62Crc32("ghp_")));
      ScanResult r = scan(p);
      assertFoundAfterEnd(r, p, "ar", content.length() + " bytes: ");
    }
    // in a stream (not a file read whole), after a member larger than any buffer, its reader
    // leaving most of it unread (a binary leaf)
    byte[] big = new byte[300_001];
    new Random(3).nextBytes(big);
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    bo.write(Archives.ar(Map.of("blob.bin", big)));
    bo.write(log(forge.base62Crc32("ghp_")));
    Path p = write("big.a.gz", Archives.gzip(bo.toByteArray()));
    ScanResult r = scan(p);
    assertFoundAfterEnd(r, p, "ar", "gzip: ");
  }

  @Test
  void scan_arWithOrWithoutZerosAfterIt_noProblem() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("b.log", ascii("odd\n"));
    byte[] ar = Archives.ar(m);
    for (byte[] tail : List.of(new byte[0], new byte[1], new byte[3_000])) {
      Path p = write("z" + tail.length + ".a", ar, tail);
      ScanResult r = scan(p);
      assertEquals(List.of(p + "!a.log:3:21"), paths(r), () -> "findings; problems " + problems(r));
      assertEquals(List.of(), problems(r), tail.length + " zeros");
    }
  }

  @Test
  void scan_tarGzWithDataAfterTheTarEnd_namedByTheTarsEnd() throws IOException {
    byte[] tar = Archives.tar(Map.of("a.log", ascii("nothing here\n")));
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    bo.write(tar);
    bo.write(log(forge.base62Crc32("ghp_")));
    Path p = write("b.tar.gz", Archives.gzip(bo.toByteArray()));
    ScanResult r = scan(p);
    assertFoundAfterEnd(r, p, "tar", "");
  }

  @Test
  void scan_tarAndCpioPaddedWithZeros_noProblem() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    Path tar = write("z.tar", Archives.tar(m), new byte[30_000]);
    Path cpio = write("z.cpio", Archives.cpio(m), new byte[3_000]);
    for (Path p : List.of(tar, cpio)) {
      ScanResult r = scan(p);
      assertEquals(List.of(p + "!a.log:3:21"), paths(r), () -> "findings; problems " + problems(r));
      assertEquals(List.of(), problems(r));
    }
  }

  @Test
  void scan_largeDataAfterTheTarEnd_boundedByTheEntryLimit() throws IOException {
    ScanLimits d = ScanLimits.defaults();
    ScanLimits limits = new ScanLimits(d.maxDepth(), d.maxEntries(), d.maxTotalBytes(), 64 << 10, d.maxRatio(),
        d.ratioThreshold(), d.maxSpoolBytes(), d.maxLineBytes());
    byte[] tail = ascii("x".repeat(99) + "\n").clone();
    ByteArrayOutputStream big = new ByteArrayOutputStream();
    for (int i = 0; i < 2000; i++) {
      big.write(tail);
    }
    Path p = write("t.tar", Archives.tar(Map.of("a.log", ascii("nothing here\n"))), big.toByteArray());
    ScanResult r = scan(limits, p);
    List<String> ps = new ArrayList<>(problems(r));
    assertEquals(List.of(p + "!<after tar end> [corrupt]", p + "!<after tar end> [limit]"), ps);
    assertTrue(r.problems().get(1).message().startsWith("max-entry-bytes"), r.problems().get(1).message());
  }

  // ---- zip

  @Test
  void scan_tokenAfterTheZipEndRecord_found() throws IOException {
    Path p = write("x.zip", Archives.zip(Map.of("a.log", ascii("nothing here\n"))), log(forge.base62Crc32("ghp_")));
    ScanResult r = scan(p);
    assertFoundAfterEnd(r, p, "zip", "");
  }

  @Test
  void scan_tokenInTheZipComment_foundNoProblem() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      z.setComment(new String(log(forge.base62Crc32("ghp_")), java.nio.charset.StandardCharsets.US_ASCII));
      z.putArchiveEntry(new ZipArchiveEntry("a.log"));
      z.write(ascii("nothing here\n"));
      z.closeArchiveEntry();
    }
    Path p = write("c.zip", bo.toByteArray());
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!<zip comment>:3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_zipDirectoryEntryHoldingData_readAndReported() throws IOException {
    byte[] zip = new RawZip().add("a.log", ascii("nothing here\n")).add("dir/", log(forge.base62Crc32("ghp_"))).bytes();
    Path p = write("d.zip", zip);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!dir/:3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(p + "!dir/ [corrupt]"), problems(r));
  }

  @Test
  void scan_zipSymlinkWhoseTargetHoldsAToken_found() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      ZipArchiveEntry e = new ZipArchiveEntry("link");
      e.setUnixMode(0120777);
      z.putArchiveEntry(e);
      z.write(log(forge.base62Crc32("ghp_")));
      z.closeArchiveEntry();
    }
    Path p = write("l.zip", bo.toByteArray());
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!link:3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_tokenAfterThe7zEnd_found() throws IOException {
    Path seven = dir.resolve("s.7z.tmp");
    Archives.sevenZ(seven, Map.of("a.log", ascii("nothing here\n")));
    Path p = write("s.7z", Files.readAllBytes(seven), log(forge.base62Crc32("ghp_")));
    ScanResult r = scan(p);
    assertFoundAfterEnd(r, p, "7z", "");
  }

  // ---- 7z: bytes between the packed streams and the end header

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"COPY", "LZMA", "LZMA2"})
  void scan_tokenBetweenThe7zStreamsAndItsHeader_found(String method) throws IOException {
    byte[] seven = SevenZBytes.write(dir.resolve("s.tmp"), Map.of("a.log", ascii("nothing here\n")),
        SevenZMethod.valueOf(method));
    Path p = write("g.7z", SevenZBytes.gapBeforeHeader(seven, log(forge.base62Crc32("ghp_"))));
    ScanResult r = scan(p);
    String gap = p + "!<before 7z header>";
    assertEquals(List.of(gap + ":3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(gap + " [corrupt]"), problems(r));
    assertEquals(1, r.exitCode(Severity.INFO));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"COPY", "LZMA", "LZMA2"})
  void scan_encoded7zHeaderWithDataAroundThePackedHeader_bothFound(String coder) throws IOException {
    byte[] seven = SevenZBytes.write(dir.resolve("s.tmp"), Map.of("a.log", ascii("nothing here\n")),
        SevenZMethod.LZMA2);
    long streamsEnd = SevenZBytes.headerAt(seven);
    Path p = write("e.7z", SevenZBytes.encodeHeader(seven, SevenZBytes.HeaderCoder.valueOf(coder),
        log(forge.base62Crc32("ghp_")), log(forge.base62Crc32("gho_"))));
    ScanResult r = scan(p);
    String between = p + "!<7z gap at " + streamsEnd + ">";
    String before = p + "!<before 7z header>";
    assertEquals(List.of(between + ":3:21", before + ":3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(between + " [corrupt]", before + " [corrupt]"), problems(r));
  }

  @Test
  void scan_valid7zArchives_memberFoundNoProblem() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("empty.log", new byte[0]);
    m.put("a.log", log(forge.base62Crc32("ghp_")));
    m.put("b.log", ascii("nothing here\n"));
    int n = 0;
    for (SevenZMethod method : List.of(SevenZMethod.COPY, SevenZMethod.LZMA, SevenZMethod.LZMA2, SevenZMethod.DEFLATE,
        SevenZMethod.BZIP2)) {
      byte[] seven = SevenZBytes.write(dir.resolve("s.tmp"), m, method);
      List<byte[]> layouts = new ArrayList<>(List.of(seven));
      for (SevenZBytes.HeaderCoder c : SevenZBytes.HeaderCoder.values()) {
        layouts.add(SevenZBytes.encodeHeader(seven, c, new byte[0], new byte[0]));
      }
      for (byte[] archive : layouts) {
        String context = method + " layout " + (n % layouts.size()) + ": ";
        Path p = write("v" + n++ + ".7z", archive);
        ScanResult r = scan(p);
        assertEquals(List.of(p + "!a.log:3:21"), paths(r), () -> context + "findings; problems " + problems(r));
        assertEquals(List.of(), problems(r), context + "problems");
      }
    }
    // no member with content: no packed stream at all
    Path empty = write("empty.7z", SevenZBytes.write(dir.resolve("s.tmp"), Map.of("e.log", new byte[0]),
        SevenZMethod.LZMA2));
    assertEquals(List.of(), problems(scan(empty)));
  }

  @Test
  void scan_zerosBetweenThe7zStreamsAndItsHeader_paddingNoProblem() throws IOException {
    byte[] seven = SevenZBytes.write(dir.resolve("s.tmp"), Map.of("a.log", log(forge.base62Crc32("ghp_"))),
        SevenZMethod.LZMA2);
    Path p = write("z.7z", SevenZBytes.gapBeforeHeader(seven, new byte[4096]));
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!a.log:3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  // ---- a zip behind a launcher

  @Test
  void scan_selfExtractingZip_compressedMembersRead() throws IOException {
    byte[] zip = Archives.zip(Map.of("app/config.log", log(forge.base62Crc32("ghp_"))));
    Path p = write("setup.sh", ascii("#!/bin/sh\nunzip -o \"$0\" -d /opt/app; exit 0\n"), zip);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!app/config.log:3:21"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_selfExtractingZipWithAComment_compressedMembersRead() throws IOException {
    // the end record is then not in the file's last 22 bytes: up to 65,535 comment bytes follow it
    for (int commentLength : new int[] {1, 300, 0xFFFF}) {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
        z.setComment("c".repeat(commentLength));
        z.putArchiveEntry(new ZipArchiveEntry("app/config.log"));
        z.write(log(forge.base62Crc32("ghp_")));
        z.closeArchiveEntry();
      }
      Path p = write("setup" + commentLength + ".sh", ascii("#!/bin/sh\nunzip -o \"$0\" -d /opt/app; exit 0\n"),
          bo.toByteArray());
      ScanResult r = scan(p);
      assertEquals(List.of(p + "!app/config.log:3:21"), paths(r),
          () -> commentLength + "-byte comment: findings; problems " + problems(r));
      assertEquals(List.of(), problems(r), commentLength + "-byte comment");
    }
  }

  @Test
  void scan_largeSelfExtractingScriptOnSeveralThreads_notReadInPartsZipOpened() throws IOException {
    byte[] zip = Archives.zip(Map.of("app/config.log", log(forge.base62Crc32("ghp_"))));
    String script = "#!/bin/sh\n" + "# installer line\n".repeat(20_000);
    Path p = write("big-setup.sh", ascii(script), zip);
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(2));
    s.partsFromBytes = 64 << 10;
    s.partBytes = 32 << 10;
    ScanResult r = s.scan(List.of(p.toString()), null);
    assertEquals(List.of(p + "!app/config.log:3:21"), paths(r), () -> "findings; problems " + problems(r));
  }

  @Test
  void scan_scriptsAndExecutablesWithoutAZip_readAsBefore() throws IOException {
    Path sh = write("run.sh", ascii("#!/bin/sh\nexport GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n"));
    byte[] elf = new byte[4096];
    elf[0] = 0x7F;
    elf[1] = 'E';
    elf[2] = 'L';
    elf[3] = 'F';
    Path bin = write("tool", elf);
    assertEquals(List.of(sh + ":2:21"), paths(scan(sh)));
    ScanResult r = scan(bin);
    assertEquals(List.of(), paths(r));
    assertEquals(List.of(), problems(r));
  }
}

package dev.tokensweep.scanner.pipeline;

import static dev.tokensweep.scanner.pipeline.Archives.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.sanitize.PathSanitizer;
import dev.tokensweep.scanner.sanitize.Sanitizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zip anywhere inside a file read as a leaf has its compressed members read, not only one that
 * ends the file: a signed self-extracting executable (its certificate table follows the zip), a zip
 * with more than a comment's reach of data after it, a zip or jar in the middle of a dump. The
 * bytes around it are still scanned, a damaged directory is a located problem, and a binary full
 * of zip signatures (a heap dump holds each open jar's directory) raises none.
 */
class EmbeddedZipTest {

  private static final Detector DETECTOR = Detector.of(Rules.builtin());
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();

  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(7));
  private final Random random = new Random(11);

  /** A settings file whose line 201 holds {@code token} at column 7, behind enough text that deflate hides it. */
  private static byte[] settings(String token) {
    return ascii("filler line\n".repeat(200) + "token=" + token + "\n" + "more\n".repeat(100));
  }

  /** The head of a PE executable (a DOS stub pointing at its PE signature), then random code and data. */
  private byte[] executable(int size) {
    byte[] b = bytes(size);
    b[0] = 'M';
    b[1] = 'Z';
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0x3C, 64).put(64, (byte) 'P').put(65, (byte) 'E')
        .put(66, (byte) 0).put(67, (byte) 0);
    return b;
  }

  /** An Authenticode certificate table's size: DER, a SEQUENCE with a two-byte length, then its content. */
  private byte[] certificateTable(int size) {
    byte[] b = bytes(size);
    b[0] = 0x30;
    b[1] = (byte) 0x82;
    return b;
  }

  private byte[] bytes(int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  private Path write(String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    for (byte[] b : parts) {
      bo.write(b);
    }
    return Files.write(dir.resolve(name), bo.toByteArray());
  }

  private static ScanResult scan(Path p) {
    Scanner s = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    return s.scan(List.of(p.toString()), InputStream.nullInputStream());
  }

  /** Each finding's path, and its line and column in text, or its byte offset in a binary. */
  private static List<String> paths(ScanResult r) {
    return r.findings().stream().map(f -> f.location().path() + (f.location().line() != null
        ? ":" + f.location().line() + ":" + f.location().column() : "@" + f.location().offset())).toList();
  }

  private static List<String> problems(ScanResult r) {
    return r.problems().stream().map(p -> p.location() + " [" + p.type() + "]").toList();
  }

  @Test
  void scan_signedSelfExtractor_membersReadAndTheCertificateTableScanned() throws IOException {
    byte[] zip = Archives.zip(Map.of("conf/settings.ini", settings(forge.base62Crc32("ghp_"))));
    // a secret in the bytes after the zip is found as before, in the file itself
    byte[] cert = certificateTable(9000);
    String after = forge.base62Crc32("ghp_");
    System.arraycopy(ascii(" token=" + after + " "), 0, cert, 5000, 48);
    byte[] stub = executable(30_000);
    Path p = write("setup.exe", stub, zip, cert);
    ScanResult r = scan(p);
    assertEquals(List.of(p + "@" + (stub.length + zip.length + 5000 + 7), p + "!conf/settings.ini:201:7"), paths(r),
        () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_zipWithMoreThanACommentsReachAfterIt_membersRead() throws IOException {
    byte[] zip = Archives.zip(Map.of("conf/settings.ini", settings(forge.base62Crc32("ghp_"))));
    Path p = write("signed-big.exe", executable(30_000), zip, certificateTable(80_000));
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!conf/settings.ini:201:7"), paths(r), () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_zipInTheMiddleOfADumpHoldingAStoredJar_eachMemberReadOnce() throws IOException {
    // the jar's own end record lies inside the outer zip: read as its member, not a second time
    // (its stored bytes are found in the dump itself too, as a stored member's always were)
    byte[] jar = Archives.storedZip(Map.of("META-INF/app.properties", settings(forge.base62Crc32("ghp_"))));
    byte[] outer = Archives.storedZip(Map.of("lib/app.jar", Archives.zip(Map.of("x", ascii("x"))), "lib/inner.jar", jar));
    byte[] core = bytes(50_000);
    core[0] = 0x7F;
    core[1] = 'E';
    core[2] = 'L';
    core[3] = 'F';
    Path p = write("core.1234", core, outer, bytes(70_000));
    ScanResult r = scan(p);
    int stored = lastIndexOf(outer, ascii("token=")) + 6;
    assertEquals(List.of(p + "@" + (core.length + stored), p + "!lib/inner.jar!META-INF/app.properties:201:7"), paths(r),
        () -> "findings; problems " + problems(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void scan_tokenNamedMemberOfAnEmbeddedZip_nameRedacted() throws IOException {
    String token = forge.base62Crc32("ghp_");
    byte[] zip = Archives.zip(Map.of("keys/" + token + ".txt", ascii("nothing here\n")));
    Path p = write("setup.exe", executable(20_000), zip, certificateTable(9000));
    ScanResult r = scan(p);
    // the name is stored twice in the zip, as it is (in the local header and the directory): the
    // file itself holds it; and it names a member
    List<String> shown = r.findings().stream().map(f -> f.location().path()).toList();
    assertEquals(List.of(p.toString(), p.toString(), p + "!keys/ghp_…" + token.substring(36) + ".txt"), shown);
  }

  @Test
  void scan_embeddedZipWithADamagedDirectory_corruptAtItsOffsetAndMembersRead() throws IOException {
    byte[] zip = Archives.zip(Map.of("conf/settings.ini", settings(forge.base62Crc32("ghp_"))));
    int end = lastEnd(zip);
    int cd = end - ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(end + 12);
    zip[cd] = 'X'; // the directory's first header is no header
    byte[] stub = executable(30_000);
    Path p = write("setup.exe", stub, zip, certificateTable(9000));
    ScanResult r = scan(p);
    assertEquals(List.of(p + "!conf/settings.ini:201:7"), paths(r), () -> "members from their local headers; problems "
        + problems(r));
    assertEquals(List.of(p + " [corrupt]"), problems(r));
    Problem damage = r.problems().get(0);
    assertEquals("zip at offset " + stub.length + " (end record at offset " + (stub.length + end) + "): no directory "
        + "header at offset " + (stub.length + cd) + " where its end record (at offset " + (stub.length + end)
        + ") puts one; members read from their local headers", damage.message());
  }

  @Test
  void scan_binaryFullOfZipSignaturesAndJarDirectories_noProblems() throws IOException {
    // zip signatures at random places, with plausible bytes after them, and what a Java heap
    // holds for each open jar: its directory and end record, without the members
    byte[] dump = bytes(400_000);
    byte[][] sigs = {{'P', 'K', 3, 4}, {'P', 'K', 1, 2}, {'P', 'K', 5, 6}, {'P', 'K', 5, 6, 0, 0, 0, 0, 1, 0, 1, 0}};
    for (int i = 0; i < 2000; i++) {
      byte[] s = sigs[i % sigs.length];
      System.arraycopy(s, 0, dump, random.nextInt(dump.length - s.length), s.length);
    }
    byte[] jar = Archives.zip(Map.of("a.class", bytes(3000), "b.class", bytes(200)));
    int end = lastEnd(jar);
    int cd = end - ByteBuffer.wrap(jar).order(ByteOrder.LITTLE_ENDIAN).getInt(end + 12);
    for (int at = 1000; at < dump.length - 1000; at += 50_000) {
      System.arraycopy(jar, cd, dump, at, jar.length - cd);
    }
    Path p = write("java_pid1234.hprof", ascii("JAVA PROFILE 1.0.2\0"), dump);
    ScanResult r = scan(p);
    assertEquals(List.of(), paths(r));
    assertEquals(List.of(), problems(r));
  }

  @Test
  void sanitize_signedSelfExtractor_namedAsNotSanitizedAndTheCopyStillHoldsIt() throws IOException {
    byte[] zip = Archives.zip(Map.of("conf/settings.ini", settings(forge.base62Crc32("ghp_"))));
    Path in = write("setup.exe", executable(30_000), zip, certificateTable(9000));
    Path out = dir.resolve("clean-setup.exe");
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    PathSanitizer.Result r = new PathSanitizer(Sanitizer.of(scanner, FP, Sanitizer.Options.defaults()),
        ScanLimits.defaults()).sanitize(in, out, false);
    assertEquals(List.of(in + " [unsupported]"), r.problems().stream().map(x -> x.location() + " [" + x.type() + "]")
        .toList(), "the compressed members are named as not sanitized");
    assertTrue(r.problems().get(0).message().startsWith("zip at offset 30000 "), r.problems().get(0).message());
    // what the verification scans: the token is still there, and it says so
    assertEquals(List.of(out + "!conf/settings.ini:201:7"), paths(scan(out)));
    assertEquals(Files.size(in), Files.size(out), "a binary is masked in place");
  }

  private static final byte[] END_RECORD = {'P', 'K', 5, 6};

  /** Where the last end-record signature in {@code b} starts. */
  private static int lastEnd(byte[] b) {
    return lastIndexOf(b, END_RECORD);
  }

  private static int lastIndexOf(byte[] b, byte[] what) {
    for (int i = b.length - what.length; i >= 0; i--) {
      if (java.util.Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
        return i;
      }
    }
    throw new AssertionError("not there");
  }
}

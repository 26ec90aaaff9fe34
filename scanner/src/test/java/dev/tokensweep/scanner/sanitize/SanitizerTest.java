package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SanitizerTest {

  @TempDir
  Path dir;

  private static final Detector DETECTOR = Detector.of(Rules.builtin());
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();
  private final TokenForge forge = new TokenForge(new Random(21));

  private PathSanitizer sanitizer(MaskStyle style, boolean keepClaims) {
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    Sanitizer.Options d = Sanitizer.Options.defaults();
    return new PathSanitizer(Sanitizer.of(scanner, FP, new Sanitizer.Options(style, keepClaims, d.binary(), d.spoolCap(), 4096)),
        dev.tokensweep.scanner.model.ScanLimits.defaults());
  }

  /** About {@code n} letters in words of random length. */
  private static String words(Random r, int n) {
    StringBuilder b = new StringBuilder();
    while (b.length() < n) {
      b.append((char) ('a' + r.nextInt(26))).append(r.nextInt(8) == 0 ? " " : "");
    }
    return b.toString();
  }

  /** Base64 of a JSON object holding {@code note} and then {@code token}: the token late in the blob. */
  private static String base64Json(String note, String token) {
    return java.util.Base64.getEncoder().encodeToString(
        ("{\"note\":\"" + note + "\",\"github_token\":\"" + token + "\",\"end\":1}").getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The base64 value between {@code before} and {@code after} in {@code clean} (the first such);
   * fails with {@code what} when there is none.
   */
  private static String base64After(String clean, String before, String after, String what) {
    Matcher m = Pattern.compile(Pattern.quote(before) + "([A-Za-z0-9+/=]+)" + Pattern.quote(after)).matcher(clean);
    assertTrue(m.find(), what);
    return m.group(1);
  }

  /** {@code value} decoded from base64, a char a byte. */
  private static String decoded(String value) {
    return new String(java.util.Base64.getDecoder().decode(value), StandardCharsets.ISO_8859_1);
  }

  /** A scan of the sanitized copy {@code out} finds nothing. */
  private static void assertScansClean(Path out) throws IOException {
    Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
    assertEquals(0, scanner.scan(List.of(out.toString()), null).findings().size(), "the scan of the copy finds nothing");
  }

  private static String sha(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void sanitize_directory_sameTokenSameTagAndEveryOtherByteKept() throws Exception {
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("gho_");
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.createDirectories(in.resolve("logs/empty"));
    String hist = "ls\nexport GITHUB_TOKEN=" + a + "\ngit push\n";
    String log = "{\"msg\":\"login\",\"access_token\":\"" + b + "\",\"pat\":\"" + a + "\"}\n";
    Files.writeString(in.resolve(".bash_history"), hist);
    Files.writeString(in.resolve("logs/app.jsonl"), log);
    Files.setPosixFilePermissions(in.resolve(".bash_history"), PosixFilePermissions.fromString("rw-------"));
    String before = sha(in.resolve("logs/app.jsonl"));

    Path out = dir.resolve("out");
    PathSanitizer.Result r = sanitizer(MaskStyle.TAG, false).sanitize(in, out, false);
    assertTrue(r.problems().isEmpty());

    String tagA = MaskStyle.tag(dev.tokensweep.detectors.rule.Kind.API_KEY, FP.fingerprint(a.getBytes(StandardCharsets.US_ASCII)));
    String tagB = MaskStyle.tag(dev.tokensweep.detectors.rule.Kind.ACCESS_TOKEN, FP.fingerprint(b.getBytes(StandardCharsets.US_ASCII)));
    assertEquals(hist.replace(a, tagA), Files.readString(out.resolve(".bash_history")));
    String cleanLog = Files.readString(out.resolve("logs/app.jsonl"));
    assertEquals(log.replace(a, tagA).replace(b, tagB), cleanLog, "same token, same tag in both files");
    assertFalse(tagA.equals(tagB), "different tokens, different tags");
    new ObjectMapper().readTree(cleanLog); // still JSON
    assertTrue(Files.isDirectory(out.resolve("logs/empty")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(".bash_history"))));
    assertEquals(before, sha(in.resolve("logs/app.jsonl")), "input unchanged");
    assertEquals(Files.getLastModifiedTime(in.resolve(".bash_history")), Files.getLastModifiedTime(out.resolve(".bash_history")));
  }

  /**
   * The report names the log's secrets and no others: the plain-text pass reported every match in
   * each chunk, so a bearer JWT that ran past a chunk's end gave a second "secret", its first part
   * (one a MiB of a real log; here one every few KB, chunks being small).
   */
  @Test
  void sanitize_longSecretsAcrossChunkEnds_reportOnlyTheSecrets() throws Exception {
    java.util.Set<String> fingerprints = new java.util.TreeSet<>();
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      String jwt = forge.accessJwt("https://auth.acme.example/", "api://acme", "read:orders", 1_791_633_600L + i, 3600);
      fingerprints.add(FP.fingerprint(jwt.getBytes(StandardCharsets.US_ASCII)));
      log.append("2026-12-05T10:00:00Z retry id=").append(i).append(" token=").append(jwt).append('\n');
    }
    Path in = dir.resolve("gateway.log");
    Files.writeString(in, log);
    Path out = dir.resolve("gateway.clean.log");
    PathSanitizer.Result r = sanitizer(MaskStyle.TAG, false).sanitize(in, out, false);
    java.util.Set<String> reported = new java.util.TreeSet<>();
    r.leaves().forEach(l -> l.fingerprintsByRule().values().forEach(reported::addAll));
    java.util.Set<String> extra = new java.util.TreeSet<>(reported);
    extra.removeAll(fingerprints);
    assertEquals(java.util.Set.of(), extra, "fingerprints of no secret in the log");
    assertEquals(fingerprints, reported);
    assertScansClean(out);
  }

  @Test
  void sanitize_binaryWithUtf16Token_masksInPlaceWithSameLength() throws Exception {
    String t = forge.base62Crc32("ghs_");
    byte[] dump = new byte[4096];
    new Random(3).nextBytes(dump);
    dump[0] = 'M';
    dump[1] = 'D';
    dump[2] = 'M';
    dump[3] = 'P';
    dump[4] = 0;
    byte[] le = ("token=" + t).getBytes(StandardCharsets.UTF_16LE);
    System.arraycopy(le, 0, dump, 1000, le.length);
    byte[] ascii = ("job token " + t).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(ascii, 0, dump, 3000, ascii.length);
    Path in = dir.resolve("crash.dmp");
    Files.write(in, dump);
    Path out = dir.resolve("crash.clean.dmp");
    sanitizer(MaskStyle.TAG, false).sanitize(in, out, false);
    byte[] clean = Files.readAllBytes(out);
    assertEquals(dump.length, clean.length, "a dump keeps its size");
    int changed = 0;
    for (int i = 0; i < dump.length; i++) {
      if (dump[i] != clean[i]) {
        changed++;
        boolean inLe = i >= 1000 + 12 && i < 1000 + le.length;
        boolean inAscii = i >= 3010 && i < 3010 + 40;
        assertTrue(inLe || inAscii, "only secret bytes change, not offset " + i);
      }
    }
    assertTrue(changed >= 40 + 40, "both the ASCII and the UTF-16LE copy are masked");
  }

  @Test
  void sanitize_jwtKeepClaims_keepsHeaderAndPayload() throws Exception {
    Pattern p = Pattern.compile("([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.)");
    String t = forge.base62Crc32("gho_");
    Path in = dir.resolve("a.log");
    Files.writeString(in, "token " + t + "\n");
    Path out = dir.resolve("b.log");
    sanitizer(MaskStyle.SAME_LENGTH, true).sanitize(in, out, false);
    assertEquals("token " + "*".repeat(40) + "\n", Files.readString(out));
    byte[] jwt = forge.accessJwt("iss", "aud", "x", 1, 2).getBytes(StandardCharsets.US_ASCII);
    String kept = new String(LeafSanitizer.jwtWithoutSignature(jwt, false), StandardCharsets.US_ASCII);
    Matcher m = p.matcher(kept);
    assertTrue(m.find() && kept.endsWith(".REDACTED"));
    assertTrue(new String(jwt, StandardCharsets.US_ASCII).startsWith(m.group(1)));
  }

  @Test
  void sanitize_tokenOnlyInsideBase64_isDestroyedAndValueStaysBase64() throws Exception {
    String t = forge.base62Crc32("ghp_");
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    String basic = b64.encodeToString(("x-access-token:" + t).getBytes(StandardCharsets.US_ASCII));
    String state = b64.encodeToString(("{\"refresh\":1,\"token\":\"" + t + "\"}").getBytes(StandardCharsets.US_ASCII));
    Path in = dir.resolve("trace.log");
    Files.writeString(in, "=> Send header: Authorization: Basic " + basic + "\nstate=" + state + "\n");
    Path out = dir.resolve("trace.clean.log");
    sanitizer(MaskStyle.TAG, false).sanitize(in, out, false);
    String decoded = decoded(base64After(Files.readString(out), "state=", "", "the state is still there"));
    assertFalse(decoded.contains(t.substring(6, 30)), "the token no longer decodes from the base64 value");
    assertTrue(decoded.startsWith("{\"refresh\":1,\"token\":\""), "the bytes around it still decode");
    assertScansClean(out);
  }

  /**
   * A base64 blob that spans a reader chunk's end (1 MiB) and more than its context, the token near
   * its end: the copy had the token still there, "verification clean", as the scan of the copy
   * missed it too.
   */
  @Test
  void sanitize_tokenLateInABase64BlobAcrossAChunkEnd_isDestroyed() throws Exception {
    String t = forge.base62Crc32("ghp_");
    String blob = base64Json(words(new Random(3), 90_000), t);
    StringBuilder log = new StringBuilder();
    while (log.length() < (1 << 20) - blob.length() / 2) {
      log.append("2026-12-03T10:00:00Z gateway request path=/api/v1/items status=200 took=12ms\n");
    }
    log.append("config=").append(blob).append('\n').append("2026-12-03T10:00:01Z done\n");
    Path in = dir.resolve("big.log");
    Files.writeString(in, log.toString());
    Path out = dir.resolve("big.clean.log");
    sanitizer(MaskStyle.TAG, false).sanitize(in, out, false);
    String clean = Files.readString(out);
    String value = base64After(clean, "config=", "", "the blob is still there");
    assertFalse(decoded(value).contains(t.substring(6, 30)), "the token no longer decodes from the blob");
    assertEquals(Files.size(in) - blob.length(), clean.length() - value.length(), "every other byte kept");
    assertScansClean(out);
  }

  @Test
  void sanitize_outputInsideInput_isRefusedAndNothingWritten() throws IOException {
    Path in = Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(in.resolve("x.log"), "hello\n");
    assertThrows(PathSanitizer.RefusedException.class, () -> sanitizer(MaskStyle.TAG, false).sanitize(in, in.resolve("clean"), false));
    assertThrows(PathSanitizer.RefusedException.class, () -> sanitizer(MaskStyle.TAG, false).sanitize(in, in, true));
    assertEquals(List.of(in.resolve("x.log")), Files.list(in).toList());
    Path file = in.resolve("x.log");
    assertThrows(PathSanitizer.RefusedException.class, () -> sanitizer(MaskStyle.TAG, false).sanitize(file, file, true));
  }

  @Test
  void redact_stream_emitsEachLineWhenCompleteAndMasksSecrets() throws IOException {
    String t = forge.base62Crc32("ghu_");
    LineRedactor r = new LineRedactor(DETECTOR, FP, MaskStyle.TAG, 4096);
    // a pipe that records what has been written each time a line is fed
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream in = new java.io.PipedInputStream(feed, 1 << 16);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread worker = new Thread(() -> {
      try {
        r.filter(in, out);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    worker.start();
    feed.write(("first line " + t + "\n").getBytes(StandardCharsets.US_ASCII));
    feed.flush();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!out.toString(StandardCharsets.US_ASCII).contains("\n") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    String first = out.toString(StandardCharsets.US_ASCII);
    assertTrue(first.startsWith("first line [REDACTED:access_token:"), "line emitted before the stream ends");
    feed.write("partial".getBytes(StandardCharsets.US_ASCII));
    feed.close();
    try {
      worker.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertTrue(out.toString(StandardCharsets.US_ASCII).endsWith("\npartial"));
    assertFalse(out.toString(StandardCharsets.US_ASCII).contains(t.substring(4)));
  }

  /**
   * A token that only decoding finds (base64 of a header or of JSON, a URL-encoded form, where the
   * encoded text gives it no word boundary): redact destroys it where it stands, as sanitize does,
   * and leaves every other byte; it used to pass such lines through as they were.
   */
  @Test
  void redact_tokensInsideEncodedValues_destroyedInPlace() throws IOException {
    String t = forge.base62Crc32("ghp_");
    String u = forge.base62Crc32("gho_");
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    String basic = b64.encodeToString(("x-access-token:" + t).getBytes(StandardCharsets.US_ASCII));
    String state = b64.encodeToString(("{\"refresh\":1,\"token\":\"" + u + "\"}").getBytes(StandardCharsets.US_ASCII));
    String form = java.net.URLEncoder.encode("{\"token\":\"" + u + "\"}", StandardCharsets.UTF_8);
    String text = "=> Send header: Authorization: Basic " + basic + "\nstate=" + state + " next\nGET /cb?f=" + form
        + " HTTP/1.1\nplain " + t + " end\n";
    for (MaskStyle style : MaskStyle.values()) {
      LineRedactor r = new LineRedactor(DETECTOR, FP, style, 4096);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      r.filter(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), out);
      String clean = out.toString(StandardCharsets.US_ASCII);
      // the header is a Basic credential to a rule of its own, masked whole; what base64 is left
      // anywhere decodes to neither token
      Matcher runs = Pattern.compile("[A-Za-z0-9+/]{16,}=*").matcher(clean);
      while (runs.find()) {
        String run = runs.group().replaceAll("=+$", "");
        String d = new String(java.util.Base64.getDecoder().decode(run.substring(0, run.length() / 4 * 4)),
            StandardCharsets.ISO_8859_1);
        assertFalse(d.contains(t.substring(6, 30)) || d.contains(u.substring(6, 30)), style + ": a token decodes from base64");
      }
      String st = decoded(base64After(clean, "state=", " next\n", style + ": the state is still there, as valid base64"));
      assertFalse(st.contains(u.substring(6, 30)), style + ": the token no longer decodes from the state");
      assertFalse(clean.contains(u.substring(6, 30)), style + ": not in the URL-encoded form either");
      assertFalse(clean.contains(t.substring(6, 30)), style + ": nor in plain text");
      assertTrue(clean.contains("\nGET /cb?f=%7B%22token%22%3A%22"), style + ": the form's other bytes kept");
      Scanner scanner = new Scanner(DETECTOR, FP, Scanner.Options.defaults().withThreads(1));
      assertEquals(0, scanner.matchStream(new java.io.ByteArrayInputStream(out.toByteArray()), "-", x -> { })
          .findings().size(), style + ": the scan finds nothing in what redact wrote");
    }
  }

  /** A base64 blob on a line longer than redact's chunk, the token late in it: held whole and destroyed. */
  @Test
  void redact_tokenLateInABlobLongerThanTheChunk_destroyed() throws IOException {
    String t = forge.base62Crc32("ghp_");
    String blob = base64Json(words(new Random(6), 150_000), t);
    String text = "start\nconfig=" + blob + " end\nafter\n";
    LineRedactor lr = new LineRedactor(DETECTOR, FP, MaskStyle.TAG, 4096);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    lr.filter(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), out);
    String clean = out.toString(StandardCharsets.US_ASCII);
    String d = decoded(base64After(clean, "config=", " end\n", "the blob is still there, as valid base64"));
    assertFalse(d.contains(t.substring(6, 30)), "the token no longer decodes from the blob");
    assertEquals(text.length(), clean.length(), "every other byte kept");
  }

  @Test
  void redact_endlessLine_boundedAndTokenAtPieceEdgeMasked() throws IOException {
    LineRedactor r = new LineRedactor(DETECTOR, FP, MaskStyle.SAME_LENGTH, 4096);
    StringBuilder b = new StringBuilder();
    Random rnd = new Random(4);
    List<String> tokens = new java.util.ArrayList<>();
    while (b.length() < 300_000) {
      b.append("abc ".repeat(rnd.nextInt(500)));
      String t = forge.base62Crc32("ghp_");
      tokens.add(t);
      b.append(t).append(' ');
    }
    byte[] input = b.toString().getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.filter(new java.io.ByteArrayInputStream(input), out);
    String s = out.toString(StandardCharsets.US_ASCII);
    assertEquals(input.length, s.length(), "same-length mask keeps the length");
    for (String t : tokens) {
      assertFalse(s.contains(t.substring(4, 34)), "a token survived redaction");
    }
    assertEquals(tokens.size(), r.redacted());
    assertArrayEquals(b.toString().replaceAll("gh[p]_[A-Za-z0-9]{36}", "*".repeat(40)).getBytes(StandardCharsets.US_ASCII),
        out.toByteArray());
  }

  /**
   * A file named after a variable, {@code device_code=<code>.txt}: the copy's name has the code
   * masked as a line of a file that holds the same code is, and keeps its {@code .txt} (the device
   * code rule's values may hold dots, and the mask swallowed the extension).
   */
  @Test
  void sanitize_secretBeforeTheNamesExtension_maskedAsInContentExtensionKept() throws IOException {
    String device = forge.random(TokenForge.B64URL, 43);
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("device_code=" + device + ".txt"), "nothing secret\n");
    Files.writeString(in.resolve("flow.log"), "device_code=" + device + "\n");
    PathSanitizer.Result result = sanitizer(MaskStyle.TAG, false).sanitize(in, dir.resolve("out"), false);
    assertEquals(List.of(), result.problems());
    String line = Files.readString(dir.resolve("out/flow.log")).strip();
    assertTrue(line.startsWith("device_code=[REDACTED:device_code:"), "the line's code is masked");
    List<String> names;
    try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("out"))) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(List.of(line + ".txt", "flow.log"), names);
  }
}

package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.ScanStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names are scanned once each, and what a scan shows of a path while it runs holds no name's token. */
class NameScanTest {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(77));
  private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private static Scanner scanner(boolean reveal) {
    return new Scanner(Detector.of(Rules.builtin()), Fingerprinter.withDefaultKey(),
        Scanner.Options.defaults().withThreads(1).withReveal(reveal));
  }

  @Test
  void progressPath_fileUnderATokenNamedDirectory_showsTheNameRedacted() throws IOException {
    String token = forge.base62Crc32("ghp_");
    Path dir = Files.createDirectories(tmp.resolve("cache-" + token));
    for (int i = 0; i < 40; i++) {
      Files.writeString(dir.resolve("f" + i + ".log"), "nothing secret\n");
    }
    AtomicReference<ScanStats> stats = new AtomicReference<>();
    ScanResult r = scanner(false).scan(List.of(tmp.toString()), null, new ScanListener() {
      @Override
      public void started(ScanStats s) {
        stats.set(s);
      }
    });
    String current = stats.get().current();
    assertNotNull(current);
    assertTrue(current.contains("cache-ghp_…" + token.substring(36)), current);
    assertFalse(current.contains(token), "the progress line would print the directory's token");
    List<Finding> names = r.findings().stream().filter(f -> Location.NAME.equals(f.location().part())).toList();
    assertEquals(1, names.size(), "one directory, one name finding, whatever it holds: " + r.findings());
  }

  @Test
  void progressPath_secretSpanningASlash_showsThePathRedacted() throws IOException {
    // a webhook secret's base64 holds '/': written into a path it is a directory and a file name,
    // neither a secret alone, so no name finding; reports redact the whole path, and so must progress
    String secret = "whsec_" + forge.random(B64, 14) + "/" + forge.random(B64, 22);
    Path file = tmp.resolve(secret + ".log");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "nothing secret\n");
    AtomicReference<ScanStats> stats = new AtomicReference<>();
    scanner(false).scan(List.of(tmp.toString()), null, new ScanListener() {
      @Override
      public void started(ScanStats s) {
        stats.set(s);
      }
    });
    String current = stats.get().current();
    assertNotNull(current);
    assertTrue(current.endsWith(".log"), "the path is shown");
    assertFalse(current.contains(secret.substring(8, 20)), "the progress line would print the directory's part of the secret");
    assertFalse(current.contains(secret.substring(21, 40)), "the progress line would print the file's part of the secret");
  }

  @Test
  void scrubNames_eachNameOfAChainRedactedAndSeparatorsKept() {
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("gho_");
    String shown = scanner(false).scrubNames("/srv/" + a + "/bundle.zip!logs/" + b + ".txt");
    assertEquals("/srv/ghp_…" + a.substring(36) + "/bundle.zip!logs/gho_…" + b.substring(36) + ".txt", shown);
  }

  @Test
  void scanReveal_tokenNamedFile_nameFindingCarriesTheClearSecretAndPath() throws IOException {
    String token = forge.base62Crc32("ghp_");
    Path file = Files.writeString(tmp.resolve(token + ".txt"), "nothing secret\n");
    ScanResult r = scanner(true).scan(List.of(file.toString()), null);
    assertEquals(1, r.findings().size(), r.findings().toString());
    Finding f = r.findings().get(0);
    assertEquals(Location.NAME, f.location().part());
    assertEquals(0, f.location().offset());
    assertEquals(file.toString(), f.location().path());
    assertEquals(token, f.revealed());
  }

  @Test
  void scan_fileNamedAfterTheTokenItHoldsFirst_nameAndContentBothReported() throws IOException {
    String token = forge.base62Crc32("ghp_");
    Path file = Files.writeString(tmp.resolve(token), token + "\n");
    ScanResult r = scanner(false).scan(List.of(file.toString()), null);
    assertEquals(2, r.findings().size(), "same path, offset and token, but one is in the name: " + r.findings());
    assertEquals(1, r.findings().stream().filter(f -> Location.NAME.equals(f.location().part())).count());
  }

  @Test
  void matchStream_tokenNamedMember_noNameFindingForTheSanitizer() throws IOException {
    String token = forge.base62Crc32("ghp_");
    Path zip = tmp.resolve("b.zip");
    try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new java.util.zip.ZipEntry(token + ".txt"));
      z.write("nothing secret\n".getBytes());
      z.closeEntry();
    }
    try (var in = Files.newInputStream(zip)) {
      ScanResult r = scanner(false).matchStream(in, zip.toString(), m -> { });
      assertTrue(r.findings().isEmpty(), "sanitize renames nothing yet, so it must not report a name as redacted: "
          + r.findings());
    }
    ScanResult scan = scanner(false).scan(List.of(zip.toString()), null);
    assertEquals(1, scan.findings().size(), scan.findings().toString());
  }

  @Test
  void scanMemberName_64KiBOfDirectories_linearAndEachDirectoryOnce() {
    // a hostile member name "d/d/d/.../cache-TOKEN/x.log" of 64 KiB: remembering each of its
    // 32,768 directory prefixes as text held ~1 GB, and showing each one's path as much again
    String token = forge.base62Crc32("ghp_");
    String deep = "d/".repeat(32_768) + "cache-" + token + "/";
    Scanner s = scanner(false);
    Collector c = new Collector(ScanListener.NONE, null, s::scrub, s::scrubNames);
    java.util.Set<String> seen = new java.util.HashSet<>();
    long t0 = System.nanoTime();
    s.scanMemberName("/in/bundle.tar", deep + "x.log", seen, c);
    s.scanMemberName("/in/bundle.tar", deep + "y.log", seen, c);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long kept = seen.stream().mapToLong(String::length).sum();
    assertTrue(kept < 4 << 20, "the directories seen hold " + kept + " characters");
    assertTrue(ms < 5_000, "two 64 KiB names took " + ms + " ms");
    List<Finding> found = c.findingsSoFar();
    assertEquals(1, found.size(), "the token's directory is one finding, whatever members lie under it: " + found.size());
    String path = found.get(0).location().path();
    assertTrue(path.endsWith("/cache-ghp_…" + token.substring(36) + "/"), "located at the directory, redacted (" + path.length() + " chars)");
    assertFalse(path.contains(token), "the path shows the token");
  }

  @Test
  void scan_fileNamedAfterATokensBase64_isAFindingShownRedacted() throws IOException {
    // the name was shown redacted, but no rule saw the token in it: a scan of nothing else exited 0
    String token = forge.base62Crc32("ghp_");
    String encoded = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("GITHUB_TOKEN=" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path dir = Files.createDirectories(tmp.resolve("é-" + encoded));
    Files.writeString(dir.resolve("notes.txt"), "nothing secret\n");
    ScanResult r = scanner(false).scan(List.of(tmp.toString()), null);
    List<Finding> names = r.findings().stream().filter(f -> Location.NAME.equals(f.location().part())).toList();
    assertEquals(1, names.size(), "the directory's encoded token is one finding: " + r.findings().size() + " findings");
    Location at = names.get(0).location();
    assertEquals(List.of("base64"), at.decodings());
    assertEquals(3, at.offset(), "the encoded part starts after 'é-', 3 bytes in");
    assertFalse(at.path().contains(encoded.substring(8, 40)), "the path shows the encoded token");
    assertFalse(at.path().contains(token.substring(4, 30)), "the path shows the token");
    assertEquals(1, scanner(false).scan(List.of(tmp.toString()), null).findings().size());
  }

  /**
   * A tool that names a file after a variable ({@code device_code=<code>.txt},
   * {@code api_secret=<secret>.json}): the rules whose values may hold dots took the extension into
   * the secret, so the name's finding had another preview and fingerprint than the same token's in
   * a file, and a validation would have sent the wrong value. Now the name's finding is the
   * content's, also when the name is URL-encoded; a GitHub token (no dots) and a JWT named whole
   * (dots of its own, no extension) are found as before.
   */
  @Test
  void scan_secretBeforeTheNamesExtension_sameFindingAsTheSameTokenInAFile() throws IOException {
    String device = forge.random(TokenForge.B64URL, 43);
    String secret = forge.random(B64, 32);
    String encoded = forge.random(B64, 28);
    String github = forge.base62Crc32("ghp_");
    String jwt = forge.jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        "{\"iss\":\"https://auth.acme.test/\",\"sub\":\"svc-backup\",\"exp\":4102444800}");
    String[][] cases = { // the file's name; the same token as a line of a file; the name as a path shows it, {} the preview
        {"device_code=" + device + ".txt", "device_code=" + device, "device_code={}.txt"},
        {"api_secret=" + secret + ".json", "api_secret=" + secret, "api_secret={}.json"},
        {"api_secret%3D" + encoded + ".jsonl", "api_secret=" + encoded, "api_secret={}.jsonl"},
        {github + ".txt", github, "{}.txt"},
        {jwt, jwt, "{}"},
        {jwt + ".json", jwt, "{}.json"},
    };
    for (int i = 0; i < cases.length; i++) {
      Path dir = Files.createDirectories(tmp.resolve("case" + i));
      Path named = Files.writeString(dir.resolve(cases[i][0]), "nothing secret\n");
      Files.writeString(dir.resolve("content.txt"), cases[i][1] + "\n");
      ScanResult r = scanner(false).scan(List.of(dir.toString()), null);
      List<Finding> names = r.findings().stream().filter(f -> Location.NAME.equals(f.location().part())).toList();
      List<Finding> content = r.findings().stream().filter(f -> !Location.NAME.equals(f.location().part())).toList();
      assertEquals(1, names.size(), "case " + i + ": name findings " + names.size());
      assertEquals(1, content.size(), "case " + i + ": content findings " + content.size());
      var name = names.get(0).evidence();
      var line = content.get(0).evidence();
      assertEquals(line.ruleId(), name.ruleId(), "case " + i);
      assertEquals(line.length(), name.length(), "case " + i + ": the name's secret is as long as the file's");
      assertEquals(line.preview(), name.preview(), "case " + i);
      assertEquals(line.fingerprint(), name.fingerprint(), "case " + i + ": the name's secret is the file's");
      String shown = cases[i][2].replace("{}", name.preview());
      assertEquals(dir + "/" + shown, names.get(0).location().path(), "case " + i + ": the finding's path");
      assertEquals(dir + "/" + shown, scanner(false).scrubNames(named.toString()), "case " + i + ": the path as shown");
    }
  }
}

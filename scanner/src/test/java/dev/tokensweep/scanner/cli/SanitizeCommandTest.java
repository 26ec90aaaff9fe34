package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SanitizeCommandTest {

  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(31));

  @Test
  void sanitize_directory_writesCleanCopyAndReportWithoutValues() throws IOException {
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("gho_");
    Path in = Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(in.resolve("a.log"), "token " + a + "\n");
    Files.writeString(in.resolve("b.json"), "{\"access_token\":\"" + b + "\",\"again\":\"" + a + "\"}\n");
    Path report = dir.resolve("redactions.json");
    Run r = Run.run("sanitize", in.toString(), "-o", dir.resolve("clean").toString(),
        "--report", report.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("verification clean"), r.err());
    String reportText = Files.readString(report);
    for (String s : new String[] {a, b}) {
      assertFalse(reportText.contains(s.substring(4, 30)), "report holds no secret");
      assertFalse(r.err().contains(s.substring(4, 30)) || r.out().contains(s.substring(4, 30)), "output holds no secret");
    }
    JsonNode doc = new ObjectMapper().readTree(reportText);
    assertEquals(2, doc.get("files").size());
    assertEquals(0, doc.get("remaining").size());
    assertFalse(Files.readString(dir.resolve("clean/b.json")).contains(b));
  }

  @Test
  void sanitize_outputInsideInput_isAUsageError() throws IOException {
    Path in = Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(in.resolve("a.log"), "x\n");
    Run r = Run.run("sanitize", in.toString(), "-o", in.resolve("clean").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("inside"), r.err());
    assertFalse(Files.exists(in.resolve("clean")));
  }

  @Test
  void sanitize_ignoredPathAndAllowedLine_maskedAllTheSame() throws IOException {
    // .tokensweepignore and tokensweep:allow decide what a scan reports; a copy made to be
    // shared must not carry a secret in clear because a scan was told to stay quiet about it
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("gho_");
    Path in = Files.createDirectories(dir.resolve("quiet"));
    Files.writeString(in.resolve("skipped.log"), "token " + a + "\n");
    Files.writeString(in.resolve("allowed.log"), "ok\ntoken " + b + " # tokensweep:allow\n");
    Files.writeString(in.resolve(".tokensweepignore"), "skipped.log\n");
    Run scan = Run.run("scan", "--format", "json", "--no-progress", in.toString());
    assertEquals(0, scan.exit(), "the scan reports neither: " + scan.err());
    Run r = Run.run("sanitize", in.toString(), "-o", dir.resolve("copy").toString());
    assertEquals(0, r.exit(), r.err());
    assertFalse(Files.readString(dir.resolve("copy/skipped.log")).contains(a), "a path the scan ignores is masked");
    assertFalse(Files.readString(dir.resolve("copy/allowed.log")).contains(b), "an allowed line is masked");
    assertTrue(Files.readString(dir.resolve("copy/allowed.log")).contains("tokensweep:allow"), "the rest of the line stays");
  }

  @Test
  void sanitize_existingOutput_refusedWithoutForce() throws IOException {
    Path in = Files.writeString(dir.resolve("a.log"), "x\n");
    Path out = Files.writeString(dir.resolve("b.log"), "keep me\n");
    assertEquals(2, Run.run("sanitize", in.toString(), "-o", out.toString()).exit());
    assertEquals("keep me\n", Files.readString(out));
    assertEquals(0, Run.run("sanitize", in.toString(), "-o", out.toString(), "--force").exit());
    assertEquals("x\n", Files.readString(out));
  }

  @Test
  void sanitize_outputHoldingTheInput_refusedEvenWithForce_inputKept() throws IOException {
    Path w = Files.createDirectories(dir.resolve("w"));
    Path in = Files.createDirectories(w.resolve("in"));
    Files.writeString(in.resolve("app.log"), "token " + forge.base62Crc32("ghp_") + "\n");
    Files.writeString(w.resolve("unrelated.txt"), "keep me\n");
    for (String[] args : new String[][] {
        {"sanitize", in.toString(), "-o", w.toString(), "--force"},
        {"sanitize", in.toString(), "-o", w.toString()},
        {"sanitize", in.resolve("app.log").toString(), "-o", w.toString(), "--force"},
        {"sanitize", in.toString(), "-o", dir.toString(), "--force"}}) {
      Run r = Run.run(args);
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains("holds the input"), r.err());
    }
    assertTrue(Files.exists(in.resolve("app.log")), "the input survives");
    assertEquals("keep me\n", Files.readString(w.resolve("unrelated.txt")));
  }

  @Test
  void sanitize_outputLinkToDirectoryHoldingTheInput_refusedWithForce() throws IOException {
    Path w = Files.createDirectories(dir.resolve("w"));
    Path in = Files.createDirectories(w.resolve("in"));
    Files.writeString(in.resolve("app.log"), "x\n");
    Path link = Files.createSymbolicLink(dir.resolve("out"), w);
    Run r = Run.run("sanitize", in.toString(), "-o", link.toString(), "--force");
    assertEquals(2, r.exit(), r.err());
    assertTrue(Files.exists(in.resolve("app.log")));
    assertTrue(Files.isSymbolicLink(link));
  }

  @Test
  void sanitize_forceOverADirectoryWithAFilesCopy_refused() throws IOException {
    Path in = Files.writeString(dir.resolve("a.log"), "x\n");
    Path other = Files.createDirectories(dir.resolve("keep"));
    Files.writeString(other.resolve("data.txt"), "keep me\n");
    Run r = Run.run("sanitize", in.toString(), "-o", other.toString(), "--force");
    assertEquals(2, r.exit(), r.err());
    assertEquals("keep me\n", Files.readString(other.resolve("data.txt")));
  }

  @Test
  void sanitize_forceOverAnEarlierCopy_replacesIt() throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("a.log"), "one\n");
    Path out = dir.resolve("out");
    assertEquals(0, Run.run("sanitize", in.toString(), "-o", out.toString()).exit());
    Files.writeString(in.resolve("a.log"), "two\n");
    assertEquals(0, Run.run("sanitize", in.toString(), "-o", out.toString(), "--force").exit());
    assertEquals("two\n", Files.readString(out.resolve("a.log")));
    try (var s = Files.list(dir)) {
      assertEquals(java.util.Set.of("in", "out"), s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
          "no temp or aside directory left behind");
    }
  }

  @Test
  void refuseUnsafeOutput_workingDirectoryOrItsParent_refused() {
    Path cwd = Path.of("").toAbsolutePath();
    Path elsewhere = dir.resolve("in");
    for (Path out : new Path[] {cwd, cwd.getParent()}) {
      assertThrows(dev.tokensweep.scanner.sanitize.PathSanitizer.RefusedException.class,
          () -> dev.tokensweep.scanner.sanitize.PathSanitizer.refuseUnsafeOutput(out, elsewhere, out.toRealPath(), true, true));
    }
  }

  @Test
  void redact_stdinToStdout_masksWithSameTagAsSanitize() throws IOException {
    String t = forge.base62Crc32("ghu_");
    InputStream saved = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(("a\nAuthorization: token " + t + "\nb\n").getBytes(StandardCharsets.US_ASCII)));
      Main.setStdout(out);
      assertEquals(0, Run.run("redact").exit());
    } finally {
      System.setIn(saved);
      Main.setStdout(System.out);
    }
    String s = out.toString(StandardCharsets.US_ASCII);
    assertTrue(s.matches("a\nAuthorization: token \\[REDACTED:access_token:[0-9a-f]{8}]\nb\n"), s.replace(t, "<token>"));
  }
}

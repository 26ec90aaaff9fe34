package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files in a directory are read whole into a buffer before their readers run
 * ({@link Scanner#WHOLE_FILE}); what they find, where, and the bytes counted are what reading them
 * as streams gives, including a file that grew after the walk saw it and one whose read fails
 * part-way.
 */
class WholeFilesTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private static Scanner scanner(int threads, Scanner.Opener opener) {
    return new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(threads), opener);
  }

  private static List<String> sortedFindings(ScanResult r) {
    List<String> lines = ScanSummary.of(r);
    lines.remove(lines.size() - 1); // the totals, compared apart
    Collections.sort(lines);
    return lines;
  }

  @Test
  void smallFilesInADirectory_sameAsEachReadAsAStream() throws IOException {
    Random r = new Random(41);
    TokenForge forge = new TokenForge(r);
    Path logs = Files.createDirectories(dir.resolve("bundle"));
    // sizes around the whole-read limit and far below it, text and compressed, CRLF and UTF-16
    int[] sizes = {0, 1, 200, 4_000, 9_000, Scanner.WHOLE_FILE - 1, Scanner.WHOLE_FILE, Scanner.WHOLE_FILE + 1, 90_000};
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      int size = sizes[i % sizes.length];
      StringBuilder b = new StringBuilder();
      String nl = i % 4 == 0 ? "\r\n" : "\n";
      while (b.length() < size) {
        switch (r.nextInt(5)) {
          case 0 -> b.append("export GITHUB_TOKEN=").append(forge.base62Crc32("ghp_"));
          case 1 -> b.append("payload=").append(Base64.getEncoder().encodeToString(
              ("{\"token\": \"" + forge.base62Crc32("gho_") + "\"}").getBytes(StandardCharsets.UTF_8)));
          default -> b.append(RandomText.filler(r, r.nextInt(300)));
        }
        b.append(nl);
      }
      b.setLength(size);
      byte[] bytes = b.toString().getBytes(i % 9 == 4 ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8);
      if (i % 7 == 3) {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
          out.write(bytes);
        }
        bytes = gz.toByteArray();
      }
      Path f = logs.resolve(String.format("app-%02d.log%s", i, i % 7 == 3 ? ".gz" : ""));
      Files.write(f, bytes);
      files.add(f);
    }
    // named one by one, each file is read as a stream (its size is not the walk's)
    List<String> want = new ArrayList<>();
    long bytes = 0;
    long leaves = 0;
    for (Path f : files) {
      ScanResult one = scanner(1, Files::newInputStream).scan(List.of(f.toString()), null);
      want.addAll(sortedFindings(one));
      bytes += one.bytes();
      leaves += one.leaves();
    }
    Collections.sort(want);
    assertTrue(want.size() > 40, "planted tokens found: " + want.size());
    for (int threads = 1; threads <= 3; threads++) {
      ScanResult all = scanner(threads, Files::newInputStream).scan(List.of(logs.toString()), null);
      ScanSummary.assertSame(want, sortedFindings(all), threads + " threads");
      assertEquals(bytes, all.bytes(), "bytes counted once each, " + threads + " threads");
      assertEquals(leaves, all.leaves(), "leaves, " + threads + " threads");
      assertEquals(files.size(), all.files());
    }
  }

  @Test
  void fileGrewAfterTheWalk_readOnPastTheBuffer() throws IOException {
    TokenForge forge = new TokenForge(new Random(43));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path f = logs.resolve("growing.log");
    Files.writeString(f, "started\n", StandardCharsets.UTF_8);
    // what was appended after the walk: more than the whole-read buffer, a token at its end
    byte[] appended = ("x".repeat(Scanner.WHOLE_FILE + 5_000) + "\nNPM_TOKEN=" + forge.base62Crc32("npm_") + "\n")
        .getBytes(StandardCharsets.UTF_8);
    Scanner.Opener grown = p -> new SequenceInputStream(Files.newInputStream(p), new ByteArrayInputStream(appended));
    ScanResult r = scanner(1, grown).scan(List.of(logs.toString()), null);
    assertEquals(1, r.findings().size(), "the token written after the walk is found");
    assertEquals(3L, r.findings().get(0).location().line());
    assertEquals(8 + appended.length, r.bytes(), "every byte read is counted");
    assertTrue(r.problems().isEmpty(), r.problems().toString());
  }

  @Test
  void readFailsPartWay_whatWasReadIsScanned_andTheFileIsReported() throws IOException {
    TokenForge forge = new TokenForge(new Random(47));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.writeString(logs.resolve("bad.log"), "GITHUB_TOKEN=" + forge.base62Crc32("ghp_") + "\n" + "y".repeat(3000) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(logs.resolve("good.log"), "NPM_TOKEN=" + forge.base62Crc32("npm_") + "\n", StandardCharsets.UTF_8);
    Scanner.Opener failing = p -> {
      InputStream in = Files.newInputStream(p);
      if (!p.getFileName().toString().equals("bad.log")) {
        return in;
      }
      return new FilterInputStream(in) {
        int read;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (read >= 1000) {
            throw new IOException("Input/output error");
          }
          int n = in.read(b, off, Math.min(len, 1000 - read));
          read += Math.max(0, n);
          return n;
        }
      };
    };
    ScanResult r = scanner(1, failing).scan(List.of(logs.toString()), null);
    assertEquals(List.of("bad.log:1", "good.log:1"),
        r.findings().stream().map(f -> Path.of(f.location().path()).getFileName() + ":" + f.location().line()).sorted().toList(),
        "the token before the failure and the other file's");
    assertEquals(1, r.problems().size(), r.problems().toString());
    Problem p = r.problems().get(0);
    assertEquals(Problem.Type.UNREADABLE, p.type());
    assertTrue(p.location().endsWith("bad.log"), p.location());
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void fileOfSizeZeroThatNeverEnds_cutAndSaid() throws IOException {
    // /proc/PID/pagemap says 0 bytes and gives 8 for each page of an address space: the scan read
    // it without end, in a directory or named alone
    Path logs = Files.createDirectories(dir.resolve("proc"));
    Path pseudo = Files.createFile(logs.resolve("pagemap"));
    Files.writeString(logs.resolve("status"), "State: R (running)\n");
    Scanner.Opener endless = f -> f.equals(pseudo) ? new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 0);
        return len;
      }
    } : Files.newInputStream(f);
    for (Path input : List.of(logs, pseudo)) {
      ScanResult r = scanner(1, endless).scan(List.of(input.toString()), null);
      assertEquals(1, r.problems().size(), input.getFileName() + ": " + r.problems());
      Problem p = r.problems().get(0);
      assertEquals(Problem.Type.LIMIT, p.type());
      assertEquals(pseudo.toString(), p.location());
      assertTrue(p.message().startsWith("unsized: its size was 0"), p.message());
    }
  }
}

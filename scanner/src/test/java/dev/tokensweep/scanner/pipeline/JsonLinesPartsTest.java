package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.report.Reporter;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large JSON-lines file read in parts by several threads, cut at line starts, finds the same
 * things at the same places (line, column, offset, JSON path, key or value, decoding layers) as one
 * thread reading it whole, and its JSON report is the same: lines across the parts' even starts,
 * a line longer than a part, lines longer than the reader holds, CRLF, a last line with no
 * newline, and lines that are not JSON where a part begins.
 */
class JsonLinesPartsTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  /** One scan's findings as streamed and as settled, its result, and how often each file was opened. */
  private record Run(List<Finding> streamed, ScanResult result, Map<String, Integer> opened) {}

  private static Run scan(Path p, int threads, long partsFrom, ScanLimits limits) {
    return scan(p, threads, partsFrom, PartScanner.PART_BYTES, limits);
  }

  private static Run scan(Path p, int threads, long partsFrom, long partBytes, ScanLimits limits) {
    Map<String, Integer> opened = new ConcurrentHashMap<>();
    Scanner s = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(),
        Scanner.Options.defaults().withThreads(threads).withLimits(limits), f -> {
          opened.merge(f.getFileName().toString(), 1, Integer::sum);
          return Files.newInputStream(f);
        });
    s.partsFromBytes = partsFrom;
    s.partBytes = partBytes;
    List<Finding> streamed = new ArrayList<>();
    ScanResult r = s.scan(List.of(p.toString()), null, ScanListener.NONE, streamed::add);
    List<Finding> settled = s.settle(streamed);
    assertEquals(settled.size(), streamed.size(), "a finding streamed twice across a part border");
    // no seconds: the reports of two runs are then equal byte for byte
    return new Run(streamed, new ScanResult(settled, r.problems(), r.files(), r.leaves(), r.bytes(), 0, r.suppressed()),
        opened);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A log line; most hold a synthetic token where the JSON-lines reader finds it in its own way. */
  private static String line(Random r, TokenForge forge, int i) {
    String ts = "{\"ts\":\"2026-11-01T11:09:" + (10 + i % 50) + "Z\",\"seq\":" + i;
    return switch (r.nextInt(11)) {
      case 0 -> ts + ",\"level\":\"info\",\"access_token\":\"" + forge.base62Crc32("ghp_") + "\"}";
      case 1 -> ts + ",\"body\":\"{\\\"token\\\": \\\"" + forge.base62Crc32("gho_") + "\\\"}\"}"; // JSON in a string
      case 2 -> ts + ",\"attributes\":[{\"key\":\"authorization\",\"value\":{\"stringValue\":\"Bearer "
          + forge.base62Crc32("ghu_") + "\"}}]}"; // a name/value pair
      case 3 -> ts + ",\"payload\":\"" + b64("{\"token\": \"" + forge.base62Crc32("gho_") + "\"}") + "\"}"; // base64
      case 4 -> ts + ",\"sessions\":{\"" + forge.base62Crc32("ghp_") + "\":1}}"; // a token as a key
      case 5 -> ts + ",\"msg\":\"caf\u00e9\\tthen NPM_TOKEN=" + forge.base62Crc32("npm_") + "\"}"; // escapes before it
      case 6 -> "not json at all: GITHUB_TOKEN=" + forge.base62Crc32("ghp_");
      case 7 -> r.nextBoolean() ? "" : "   ";
      default -> ts + ",\"msg\":\"" + RandomText.filler(r, r.nextInt(300)) + "\",\"n\":[1,2,{\"a\":null}]}";
    };
  }

  /** A line of {@code n} bytes or so, JSON or not, with tokens along it. */
  private static String longLine(Random r, TokenForge forge, int n, boolean json) {
    StringBuilder v = new StringBuilder(n + 200);
    while (v.length() < n) {
      v.append(RandomText.filler(r, 2000 + r.nextInt(6000))).append(" GITHUB_TOKEN=").append(forge.base62Crc32("ghp_")).append(' ');
    }
    return json ? "{\"ts\":\"2026-11-01T11:09:00Z\",\"blob\":\"" + v + "\"}" : v.toString();
  }

  /** How a round's file is made; {@code newline} is {@code "\n"}, {@code "\r\n"} or {@code "mixed"}. */
  private record Shape(String name, String newline, int lines, String longAt, int longBytes, boolean longJson,
      boolean lastNewline, int maxLineBytes) {
    @Override
    public String toString() {
      return name + ", " + newline.replace("\r", "CR").replace("\n", "LF") + ", " + lines + " lines, long line at "
          + longAt + " (" + longBytes + (longJson ? " B, JSON), " : " B, text), ") + (lastNewline ? "" : "no ")
          + "last newline, chunk " + maxLineBytes;
    }
  }

  /**
   * Writes the round's file. The lines across the even part starts of 2 and 3 parts are then made
   * invalid JSON (an object that never closes, of the same length, so the starts stay where they
   * were): they are scanned as text, and a part begins right after one.
   */
  private static byte[] build(Random r, TokenForge forge, Shape s) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < s.lines(); i++) {
      lines.add(line(r, forge, i));
    }
    String big = longLine(r, forge, s.longBytes(), s.longJson());
    switch (s.longAt()) {
      case "start" -> lines.add(0, big);
      case "middle" -> lines.add(lines.size() / 2, big);
      case "end" -> lines.add(big);
      default -> { }
    }
    for (int parts = 2; parts <= 3; parts++) {
      long size = bytes(lines, s).length;
      for (int k = 1; k < parts; k++) {
        int i = lineAt(lines, s, k * (size / parts));
        String l = lines.get(i);
        if (l.endsWith("}")) {
          lines.set(i, l.substring(0, l.length() - 1) + " ");
        }
      }
    }
    return bytes(lines, s);
  }

  private static byte[] bytes(List<String> lines, Shape s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      b.append(lines.get(i));
      if (i < lines.size() - 1 || s.lastNewline()) {
        // CRLF, LF, or both by turns
        b.append(s.newline().equals("mixed") ? (i % 2 == 0 ? "\r\n" : "\n") : s.newline());
      }
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The index of the line that holds byte {@code at}. */
  private static int lineAt(List<String> lines, Shape s, long at) {
    byte[] all = bytes(lines, s);
    int line = 0;
    for (int i = 0; i < at; i++) {
      if (all[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  /** Of the even part starts of {@code parts} parts, how many fall inside a line (not at its start) that holds a finding. */
  private static int startsInLinesWithFindings(byte[] file, List<Finding> findings, int parts) {
    int n = 0;
    for (int k = 1; k < parts; k++) {
      long at = k * (file.length / parts);
      long lineStart = at;
      while (lineStart > 0 && file[(int) lineStart - 1] != '\n') {
        lineStart--;
      }
      long lineEnd = at;
      while (lineEnd < file.length && file[(int) lineEnd] != '\n') {
        lineEnd++;
      }
      for (Finding f : findings) {
        if (at > lineStart && f.location().offset() >= lineStart && f.location().offset() <= lineEnd) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  private static String report(ScanResult r, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Reporter.forFormat(format, false).report(r, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Two reports equal line for line, or a failure that shows the first line that differs (reports
   * redact every secret, so the lines are safe to show) rather than two whole reports.
   */
  private static void assertSameReport(String want, String got, String what) {
    String[] w = want.split("\n", -1);
    String[] g = got.split("\n", -1);
    for (int i = 0; i < Math.min(w.length, g.length); i++) {
      assertEquals(w[i], g[i], what + ": report line " + (i + 1));
    }
    assertEquals(w.length, g.length, what + ": report lines");
  }

  /** Rule and place only: what the streamed order is compared on. */
  private static List<String> places(List<Finding> fs, boolean decoded) {
    List<String> out = new ArrayList<>();
    for (Finding f : fs) {
      if ((f.location().decodings() != null) == decoded) {
        out.add(f.evidence().ruleId() + "@" + f.location().offset() + "/" + f.location().jsonPath() + "/"
            + f.location().part() + "/" + f.location().line() + ":" + f.location().column());
      }
    }
    return out;
  }

  @Test
  void utf16WithByteOrderMark_transcodedWholeAndNeverCutIntoParts() throws IOException {
    // PowerShell 5 writes JSON lines (ConvertTo-Json | Out-File) as UTF-16 with a mark: lines cut
    // at each 0x0A held a NUL each, and parts were read as bytes; both found nothing, exit 0
    TokenForge forge = new TokenForge(new Random(41));
    StringBuilder text = new StringBuilder();
    java.util.Set<String> fingerprints = new java.util.HashSet<>();
    int planted = 300;
    for (int i = 0; i < planted; i++) {
      String t = forge.base62Crc32("ghp_");
      fingerprints.add(Fingerprinter.withDefaultKey().fingerprint(t.getBytes(StandardCharsets.US_ASCII)));
      text.append("{\"seq\":").append(i).append(",\"level\":\"debug\",\"access_token\":\"").append(t).append("\"}\r\n");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(0xFF);
    bytes.write(0xFE);
    bytes.writeBytes(text.toString().getBytes(StandardCharsets.UTF_16LE));
    Path p = dir.resolve("events.jsonl");
    Files.write(p, bytes.toByteArray());
    for (int threads : new int[] {1, 2}) {
      Run r = scan(p, threads, 1024, 4096, ScanLimits.defaults());
      assertTrue(r.result().problems().isEmpty(), threads + " threads: " + r.result().problems().size() + " problems");
      assertEquals(planted, r.result().findings().size(), threads + " threads: every line's token");
      assertEquals(fingerprints, r.result().findings().stream().map(f -> f.evidence().fingerprint())
          .collect(java.util.stream.Collectors.toSet()), threads + " threads: the planted tokens, whole");
      assertTrue(r.result().findings().stream().allMatch(f -> "access_token".equals(f.location().jsonPath())),
          "found as JSON, at their key");
    }
  }

  @Test
  void jsonLines_inParts_sameFindingsAndReportAsWhole() throws IOException {
    int chunk = ScanLimits.DEFAULT_MAX_LINE_BYTES;
    List<Shape> shapes = List.of(
        new Shape("app.jsonl", "\n", 900, "none", 0, true, true, chunk),
        new Shape("app.jsonl", "\r\n", 900, "middle", 180_000, true, true, chunk),
        new Shape("events.ndjson", "mixed", 900, "start", 150_000, false, false, chunk),
        new Shape("app.jsonl", "\n", 900, "end", 160_000, true, false, chunk),
        // sniffed: no JSON name, JSON lines by content
        new Shape("telemetry.log", "\r\n", 900, "middle", 200_000, false, true, chunk),
        // lines longer than the reader holds are scanned as text, in chunks
        new Shape("app.jsonl", "\n", 900, "middle", 180_000, true, false, 16 << 10),
        new Shape("app.jsonl", "mixed", 900, "end", 60_000, true, false, 1 << 10));
    Random r = new Random(43);
    TokenForge forge = new TokenForge(r);
    int compared = 0;
    int straddled = 0;
    int acrossWholePart = 0;
    for (int round = 0; round < shapes.size(); round++) {
      Shape s = shapes.get(round);
      byte[] content = build(r, forge, s);
      Path p = dir.resolve(round + "-" + s.name());
      Files.write(p, content);
      ScanLimits limits = withLineBytes(s.maxLineBytes());
      Run whole = scan(p, 1, Long.MAX_VALUE, limits);
      String what0 = "round " + round + " (" + s + ")";
      assertTrue(whole.result().findings().size() > 200, what0 + ": planted tokens found: " + whole.result().findings().size());
      assertTrue(whole.result().findings().stream().anyMatch(f -> f.location().decodings() != null), what0 + ": decoded");
      assertTrue(whole.result().findings().stream().anyMatch(f -> "key".equals(f.location().part())), what0 + ": keys");
      String wholeJson = report(whole.result(), "json");
      for (int threads = 2; threads <= 4; threads++) {
        String what = what0 + ", " + threads + " parts";
        Run parts = scan(p, threads, 1, limits);
        assertEquals(threads + 1, parts.opened().get(p.getFileName().toString()), what + ": the head, then each part");
        ScanSummary.assertSame(ScanSummary.of(whole.result()), ScanSummary.of(parts.result()), what);
        assertSameReport(wholeJson, report(parts.result(), "json"), what);
        // streamed: as one read, except where a decoded finding stands among plain ones: the
        // findings of a batch's decoded runs follow its plain ones, and parts end batches where
        // one read does not
        assertEquals(places(whole.streamed(), false), places(parts.streamed(), false), what + ": streamed order");
        assertEquals(places(whole.streamed(), true), places(parts.streamed(), true), what + ": streamed order, decoded");
        assertEquals(content.length, parts.result().bytes(), what + ": every byte counted once");
        assertEquals(1, parts.result().files(), what + ": one file");
        assertEquals(1, parts.result().leaves(), what + ": one leaf");
        straddled += startsInLinesWithFindings(content, whole.result().findings(), threads);
        if (s.longBytes() >= 2 * content.length / threads) {
          acrossWholePart++;
        }
        compared++;
      }
      // many parts, more than threads, taken in turn: part starts land inside long lines too
      for (int threads = 2; threads <= 3; threads++) {
        long partBytes = content.length / (9 + 4 * threads) + 1;
        long parts = (content.length + partBytes - 1) / partBytes;
        String what = what0 + ", " + threads + " threads, " + parts + " parts";
        Run many = scan(p, threads, 1, partBytes, limits);
        assertEquals(parts + 1, (long) many.opened().get(p.getFileName().toString()), what + ": the head, then each part");
        ScanSummary.assertSame(ScanSummary.of(whole.result()), ScanSummary.of(many.result()), what);
        assertSameReport(wholeJson, report(many.result(), "json"), what);
        assertEquals(content.length, many.result().bytes(), what + ": every byte counted once");
        compared++;
      }
    }
    assertEquals(35, compared);
    assertTrue(straddled >= 10, "part starts inside lines with findings: " + straddled);
    assertTrue(acrossWholePart >= 3, "a line across a whole part: " + acrossWholePart);
  }

  private static ScanLimits withLineBytes(int n) {
    ScanLimits d = ScanLimits.defaults();
    return new ScanLimits(d.maxDepth(), d.maxEntries(), d.maxTotalBytes(), d.maxEntryBytes(), d.maxRatio(),
        d.ratioThreshold(), d.maxSpoolBytes(), n);
  }

  @Test
  void largeJsonLinesFileInADirectory_readInParts_sameFindingsAsWhole() throws IOException {
    Random r = new Random(47);
    TokenForge forge = new TokenForge(r);
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Shape s = new Shape("big.ndjson", "\n", 3000, "middle", 120_000, true, true, ScanLimits.DEFAULT_MAX_LINE_BYTES);
    Files.write(logs.resolve("big.ndjson"), build(r, forge, s));
    Files.writeString(logs.resolve("small.jsonl"), "{\"npm\":\"" + forge.base62Crc32("npm_") + "\"}\n");
    long bytes = Files.size(logs.resolve("big.ndjson")) + Files.size(logs.resolve("small.jsonl"));
    Run whole = scan(logs, 1, Long.MAX_VALUE, ScanLimits.defaults());
    assertTrue(whole.result().findings().size() > 1000, "planted tokens found: " + whole.result().findings().size());
    String wholeJson = report(whole.result(), "json");
    for (int threads = 2; threads <= 3; threads++) {
      // only the big file is at least partsFrom bytes: it alone is cut, the small one scanned whole
      Run parts = scan(logs, threads, 64 * 1024, ScanLimits.defaults());
      assertEquals(threads + 1, parts.opened().get("big.ndjson"), "the big file's head, then each of its parts");
      assertEquals(1, parts.opened().get("small.jsonl"), "the small file once, whole");
      ScanSummary.assertSame(ScanSummary.of(whole.result()), ScanSummary.of(parts.result()), threads + " parts");
      assertSameReport(wholeJson, report(parts.result(), "json"), threads + " parts");
      assertEquals(bytes, parts.result().bytes(), "every byte counted once");
      assertEquals(2, parts.result().files(), "two files");
      assertEquals(2, parts.result().leaves(), "two leaves");
    }
  }

  @Test
  void jsonDocument_notSplit_stillScanned() throws IOException {
    // one JSON document cannot be cut at lines: the parts path declines it and the usual one reads it
    TokenForge forge = new TokenForge(new Random(53));
    StringBuilder b = new StringBuilder("{\"entries\": [\n");
    for (int i = 0; i < 500; i++) {
      b.append(i == 0 ? "" : ",\n").append("{\"access_token\": \"").append(forge.base62Crc32("ghp_")).append("\"}");
    }
    Path p = dir.resolve("doc.json");
    Files.writeString(p, b.append("\n]}\n").toString());
    Run whole = scan(p, 1, Long.MAX_VALUE, ScanLimits.defaults());
    Run threads = scan(p, 3, 1, ScanLimits.defaults());
    assertEquals(2, threads.opened().get("doc.json"), "the head, then the whole file once");
    assertEquals(500, whole.result().findings().size());
    ScanSummary.assertSame(ScanSummary.of(whole.result()), ScanSummary.of(threads.result()), "a JSON document");
  }

  @Test
  void partFailsToRead_problemReported_findingsBeforeItPlaced() throws IOException {
    Random r = new Random(59);
    TokenForge forge = new TokenForge(r);
    Shape s = new Shape("app.jsonl", "\n", 2000, "none", 0, true, true, ScanLimits.DEFAULT_MAX_LINE_BYTES);
    byte[] content = build(r, forge, s);
    Path p = dir.resolve("app.jsonl");
    Files.write(p, content);
    List<String> whole = ScanSummary.of(scan(p, 1, Long.MAX_VALUE, ScanLimits.defaults()).result());
    long failAt = content.length / 2; // inside the second of 3 parts
    AtomicInteger opens = new AtomicInteger();
    Scanner sc = new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(3), f -> {
      opens.incrementAndGet();
      return new FailingAt(Files.newInputStream(f), failAt);
    });
    sc.partsFromBytes = 1;
    ScanResult parts = sc.scan(List.of(p.toString()), null);
    assertEquals(4, opens.get(), "read in parts");
    List<Problem> problems = parts.problems();
    assertEquals(1, problems.size(), "one problem: " + problems);
    assertEquals(Problem.Type.UNREADABLE, problems.get(0).type());
    assertEquals(p.toString(), problems.get(0).location());
    List<Finding> placed = parts.findings().stream().filter(f -> f.location().line() != null).toList();
    List<Finding> unplaced = parts.findings().stream().filter(f -> f.location().line() == null).toList();
    List<String> found = ScanSummary.of(new ScanResult(placed, List.of(), 1, 1, 0, 0, Map.of()));
    found.remove(found.size() - 1); // the totals
    assertTrue(found.size() > 100, "the first part's findings are reported: " + found.size());
    List<String> misplaced = new ArrayList<>(found);
    misplaced.removeAll(whole);
    assertEquals(List.of(), misplaced, "every finding reported with a line is one a whole read makes, at the same place");
    // the third part's lines cannot be numbered (the second part's newlines are unknown), but its
    // findings are kept, at their exact offsets, after the failure's offset
    List<Finding> all = scan(p, 1, Long.MAX_VALUE, ScanLimits.defaults()).result().findings();
    assertTrue(unplaced.size() > 100, "the last part's findings are kept: " + unplaced.size());
    for (Finding f : unplaced) {
      assertTrue(f.location().offset() > failAt, "only parts after the failure lose their lines: " + f.location().offset());
      assertTrue(all.stream().anyMatch(w -> w.location().offset() == f.location().offset()
          && w.evidence().ruleId().equals(f.evidence().ruleId())
          && w.evidence().fingerprint().equals(f.evidence().fingerprint())
          && java.util.Objects.equals(w.location().jsonPath(), f.location().jsonPath())),
          "a whole read makes it at the same offset: " + f.evidence().ruleId() + " @" + f.location().offset());
      assertEquals(null, f.location().column(), "no column without a line");
    }
  }

  /**
   * A file stream that fails where it reaches file offset {@code failAt}, when it was skipped to a
   * place before it: the read of the part that holds that offset, not the head's nor another part's.
   */
  private static final class FailingAt extends FilterInputStream {
    private final long failAt;
    private long pos;
    private Boolean startedBefore;

    FailingAt(InputStream in, long failAt) {
      super(in);
      this.failAt = failAt;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (startedBefore == null) {
        startedBefore = pos > 0 && pos < failAt;
      }
      if (startedBefore && pos >= failAt) {
        throw new IOException("injected read error");
      }
      int n = super.read(b, off, startedBefore ? (int) Math.min(len, failAt - pos) : len);
      if (n > 0) {
        pos += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = super.skip(n);
      pos += k;
      return k;
    }
  }
}

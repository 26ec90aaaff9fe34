package dev.tokensweep.scanner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.check.Jwt;
import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.CacheContext;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import dev.tokensweep.scanner.model.Validation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JSON lines and ECS reports are written member by member ({@link FindingJson}, {@link JsonLine})
 * instead of as maps through Jackson's databind; their bytes must stay those the map-based writers
 * gave (and that {@link ReportModel} and {@link EcsDocuments} still give the index and shipping),
 * for random findings with every optional field set or absent, odd paths, unicode, control
 * characters, lone surrogates, nulls, extreme numbers.
 */
class LineJsonTest {
  // what the reporters used before: databind over the report model's maps
  private static final ObjectMapper MAPPER = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  @Test
  void findingLine_sameBytesAsDatabind() throws IOException {
    Random rnd = new Random(16);
    FindingJson writer = new FindingJson();
    List<Finding> earlier = new ArrayList<>();
    for (int run = 0; run < 4000; run++) {
      // a third of them again, or with the evidence or path of an earlier one: the writer keeps their bytes
      Finding f = finding(rnd);
      if (!earlier.isEmpty() && rnd.nextInt(3) == 0) {
        Finding old = earlier.get(rnd.nextInt(earlier.size()));
        f = switch (rnd.nextInt(3)) {
          case 0 -> old;
          case 1 -> new Finding(f.location(), old.evidence(), f.revealed(), f.validation());
          default -> new Finding(old.location().withFormat(f.location().format()), f.evidence(), f.revealed(),
              f.validation());
        };
      }
      earlier.add(f);
      JsonLine j = new JsonLine(16);
      writer.findingLine(j, f);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "finding");
      m.putAll(ReportModel.finding(f));
      assertSame(databindLine(m), bytes(j), run);
    }
  }

  @Test
  void ecsDocument_sameBytesAsDatabind() throws IOException {
    Random rnd = new Random(17);
    for (int run = 0; run < 3000; run++) {
      ReportContext context = new ReportContext(false, false, rnd.nextInt(4) == 0 ? null : text(rnd, 12),
          Instant.ofEpochSecond(rnd.nextInt(2_000_000_000), rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1_000_000_000)),
          rnd.nextBoolean() ? null : text(rnd, 20), null, List.of());
      EcsReporter.DocumentWriter w = new EcsReporter.DocumentWriter(new EcsReporter(context), new ByteArrayOutputStream());
      Finding f = finding(rnd);
      JsonLine j = new JsonLine(16);
      w.document(j, f);
      Map<String, Object> d = EcsDocuments.finding(ReportModel.finding(f),
          new EcsDocuments.Origin(context.host(), context.sweepId(), context.time()), f.revealed() != null);
      assertSame(databindLine(d), bytes(j), run);
    }
  }

  @Test
  void jsonLinesReport_sameBytesAsDatabind_streamedOrNot() throws IOException {
    Random rnd = new Random(18);
    for (int run = 0; run < 300; run++) {
      List<Finding> findings = new ArrayList<>();
      for (int i = rnd.nextInt(6); i > 0; i--) {
        findings.add(finding(rnd));
      }
      List<Problem> problems = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        problems.add(new Problem(maybe(rnd, text(rnd, 30)), Problem.Type.values()[rnd.nextInt(Problem.Type.values().length)],
            maybe(rnd, text(rnd, 60))));
      }
      Map<String, Long> suppressed = new LinkedHashMap<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        suppressed.put(text(rnd, 10), rnd.nextLong());
      }
      double seconds = rnd.nextInt(5) == 0 ? rnd.nextInt(100) : rnd.nextDouble() * Math.pow(10, rnd.nextInt(12) - 3);
      ScanResult r = new ScanResult(findings, problems, rnd.nextInt(1000), rnd.nextLong(), Math.abs(rnd.nextLong()),
          seconds, suppressed);

      StringBuilder want = new StringBuilder();
      for (Finding f : r.findings()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "finding");
        m.putAll(ReportModel.finding(f));
        want.append(databindLine(m));
      }
      for (Problem p : r.problems()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "problem");
        m.putAll(ReportModel.problem(p));
        want.append(databindLine(m));
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("type", "summary");
      summary.putAll(ReportModel.summary(r));
      want.append(databindLine(summary));

      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      new JsonReporter(true).report(r, whole);
      assertSame(want.toString(), whole.toString(StandardCharsets.ISO_8859_1), run);

      // streamed: the findings one at a time, then a result without them and the tally
      ByteArrayOutputStream streamed = new ByteArrayOutputStream();
      FindingWriter w = FindingWriter.forFormat("jsonl", ReportContext.plain(), streamed);
      for (Finding f : r.findings()) {
        w.finding(f);
      }
      ScanResult rest = new ScanResult(List.of(), r.problems(), r.files(), r.leaves(), r.bytes(), r.seconds(),
          r.suppressed());
      w.finish(rest, FindingTally.of(r.findings()));
      Map<String, Object> streamedSummary = new LinkedHashMap<>();
      streamedSummary.put("type", "summary");
      streamedSummary.putAll(ReportModel.summary(rest, FindingTally.of(r.findings())));
      String wantStreamed = want.substring(0, want.lastIndexOf("{\"type\":\"summary\"")) + databindLine(streamedSummary);
      assertSame(wantStreamed, streamed.toString(StandardCharsets.ISO_8859_1), run);
    }
  }

  @Test
  void streamedWriters_manyFindings_sameBytesAcrossBlocks() throws IOException {
    // more than one block of output, so the hand-over to the stream is exercised
    Random rnd = new Random(19);
    ReportContext context = new ReportContext(false, false, "Build-7", Instant.parse("2026-11-02T12:00:00Z"), "s1",
        null, List.of());
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      // some again, or with an earlier one's path or evidence: the writers keep those bytes
      Finding f = finding(rnd);
      if (i > 0 && rnd.nextInt(3) == 0) {
        Finding old = findings.get(rnd.nextInt(i));
        f = rnd.nextBoolean() ? old : new Finding(old.location().withFormat(f.location().format()), f.evidence(),
            f.revealed(), f.validation());
      }
      findings.add(f);
    }
    StringBuilder ecs = new StringBuilder();
    for (Finding f : findings) {
      ecs.append(databindLine(EcsDocuments.finding(ReportModel.finding(f),
          new EcsDocuments.Origin(context.host(), context.sweepId(), context.time()), f.revealed() != null)));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FindingWriter w = FindingWriter.forFormat("ecs", context, out);
    for (Finding f : findings) {
      w.finding(f);
    }
    w.finish(new ScanResult(List.of(), List.of(), 1, 1, 1, 0.5), FindingTally.of(findings));
    assertEquals(ecs.toString(), out.toString(StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    Reporter.forFormat("ecs", context).report(new ScanResult(findings, List.of(), 1, 1, 1, 0.5), whole);
    assertEquals(ecs.toString(), whole.toString(StandardCharsets.ISO_8859_1));
  }

  /** The line as bytes, one char per byte (ISO-8859-1) so that strings compare byte for byte. */
  private static String databindLine(Object value) throws IOException {
    return new String(MAPPER.writeValueAsBytes(value), StandardCharsets.ISO_8859_1) + "\n";
  }

  private static String bytes(JsonLine j) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    j.writeTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Equal, and where not, a message that names the run and the first difference (synthetic data only). */
  private static void assertSame(String want, String got, int run) {
    if (!want.equals(got)) {
      int i = 0;
      while (i < Math.min(want.length(), got.length()) && want.charAt(i) == got.charAt(i)) {
        i++;
      }
      fail("run " + run + ": differs at char " + i + ":\n want ..." + around(want, i) + "\n  got ..." + around(got, i));
    }
  }

  private static String around(String s, int i) {
    return s.substring(Math.max(0, i - 40), Math.min(s.length(), i + 40));
  }

  // --- random findings: every optional part present or absent, text of every kind ---

  static Finding finding(Random rnd) {
    Location loc = new Location(maybe(rnd, path(rnd)), maybeLong(rnd), maybeLong(rnd), number(rnd), maybeLong(rnd),
        maybeLong(rnd), maybe(rnd, pick(rnd, "ascii", "utf-8", "utf-16le", text(rnd, 8))),
        maybe(rnd, text(rnd, 30)), rnd.nextBoolean() ? null : strings(rnd),
        maybe(rnd, pick(rnd, "text", "bash-history", "json", text(rnd, 6))), rnd.nextInt(4) == 0 ? cache(rnd) : null,
        rnd.nextInt(4) == 0 ? store(rnd) : null, maybe(rnd, pick(rnd, Location.NAME, Location.KEY, text(rnd, 5))));
    Evidence e = new Evidence(maybe(rnd, text(rnd, 12)), maybe(rnd, text(rnd, 30)),
        Kind.values()[rnd.nextInt(Kind.values().length)], Severity.values()[rnd.nextInt(Severity.values().length)],
        maybe(rnd, text(rnd, 14)), maybe(rnd, rnd.nextBoolean() ? hex(rnd, 64) : text(rnd, 20)), rnd.nextInt(),
        dbl(rnd), rnd.nextInt(3) == 0 ? claims(rnd) : null, maybe(rnd, pick(rnd, "live", "expired", "unknown")),
        maybeLong(rnd), rnd.nextInt(3) == 0 ? strings(rnd) : List.of(), maybe(rnd, text(rnd, 40)),
        rnd.nextInt(4) == 0 ? new Evidence.BelongsTo(maybe(rnd, text(rnd, 8)), maybe(rnd, text(rnd, 10)),
            maybe(rnd, hex(rnd, 64))) : null,
        rnd.nextInt(4) == 0 ? text(rnd, 12) : null);
    Validation v = rnd.nextInt(4) == 0 ? new Validation(maybe(rnd, pick(rnd, "live", "invalid", "unknown")),
        maybe(rnd, text(rnd, 10)), maybe(rnd, text(rnd, 10)), maybe(rnd, text(rnd, 10)),
        rnd.nextBoolean() ? strings(rnd) : null, rnd.nextBoolean() ? seconds(rnd) : null, maybe(rnd, text(rnd, 20)),
        rnd.nextBoolean() ? Instant.ofEpochSecond(seconds(rnd), rnd.nextInt(1_000_000_000)) : null,
        maybe(rnd, text(rnd, 6)), maybe(rnd, text(rnd, 6))) : null;
    return new Finding(loc, e, rnd.nextInt(4) == 0 ? text(rnd, 40) : null, v);
  }

  private static CacheContext cache(Random rnd) {
    return new CacheContext(maybe(rnd, text(rnd, 10)), maybe(rnd, text(rnd, 10)), rnd.nextBoolean() ? seconds(rnd) : null,
        rnd.nextInt(3) == 0 ? null : rnd.nextBoolean(), rnd.nextBoolean());
  }

  private static StoreContext store(Random rnd) {
    Long realtime = rnd.nextBoolean() ? null : seconds(rnd) * 1_000_000 + rnd.nextInt(1_000_000) * (rnd.nextBoolean() ? 1 : -1);
    // a store always has a kind (StoreContext.describe needs it)
    return new StoreContext(pick(rnd, StoreContext.JOURNAL, StoreContext.SQLITE, text(rnd, 5)),
        maybe(rnd, text(rnd, 8)), maybe(rnd, text(rnd, 8)), maybeLong(rnd), maybe(rnd, text(rnd, 8)), maybeLong(rnd),
        realtime, maybe(rnd, text(rnd, 8)), maybe(rnd, text(rnd, 8)), maybeLong(rnd), maybeLong(rnd));
  }

  private static Jwt.Claims claims(Random rnd) {
    return new Jwt.Claims(maybe(rnd, text(rnd, 5)), maybe(rnd, text(rnd, 5)), maybe(rnd, text(rnd, 20)),
        rnd.nextBoolean() ? strings(rnd) : null, rnd.nextBoolean() ? seconds(rnd) : null,
        rnd.nextBoolean() ? seconds(rnd) : null, rnd.nextBoolean() ? seconds(rnd) : null,
        rnd.nextBoolean() ? strings(rnd) : null, maybe(rnd, text(rnd, 10)), maybe(rnd, text(rnd, 8)));
  }

  private static String path(Random rnd) {
    StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "/" : "");
    for (int i = rnd.nextInt(4) + 1; i > 0; i--) {
      b.append(text(rnd, 12)).append(pick(rnd, "/", "\\", "!", "/"));
    }
    if (rnd.nextBoolean()) {
      b.append("bundle.tar.gz!var/log/app.log.1.gz!");
    }
    return b.toString();
  }

  static String text(Random rnd, int max) {
    if (rnd.nextInt(40) == 0) {
      return text(rnd, 10_000); // past any internal buffer's segment
    }
    int n = rnd.nextInt(max + 1);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(12)) {
        case 0 -> b.append((char) rnd.nextInt(0x20)); // control
        case 1 -> b.append(pick(rnd, "\"", "\\", "/", "\u007f", "\u2028", "\u2029", "\uffff", "\ufeff", "…"));
        case 2 -> b.append((char) (0x80 + rnd.nextInt(0x780))); // two bytes
        case 3 -> b.append((char) (0x800 + rnd.nextInt(0xD800 - 0x800))); // three bytes
        case 4 -> b.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // a surrogate pair
        case 5 -> b.append((char) (0xD800 + rnd.nextInt(0x800))); // a lone surrogate
        default -> b.append((char) (0x20 + rnd.nextInt(0x5f))); // printable ASCII
      }
    }
    return b.toString();
  }

  private static String hex(Random rnd, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("0123456789abcdef".charAt(rnd.nextInt(16)));
    }
    return b.toString();
  }

  private static List<String> strings(Random rnd) {
    List<String> l = new ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      l.add(text(rnd, 10));
    }
    return l;
  }

  private static double dbl(Random rnd) {
    return switch (rnd.nextInt(10)) {
      case 0 -> Double.NaN;
      case 1 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 2 -> rnd.nextBoolean() ? 0.0 : -0.0;
      case 3 -> Double.longBitsToDouble(rnd.nextLong());
      case 4 -> rnd.nextInt(9);
      default -> Math.round(rnd.nextDouble() * 800) / 100.0;
    };
  }

  private static long number(Random rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> Long.MIN_VALUE;
      case 1 -> Long.MAX_VALUE;
      case 2 -> rnd.nextLong();
      case 3 -> -rnd.nextInt(1000);
      default -> rnd.nextInt(rnd.nextBoolean() ? 10 : 1 << 30);
    };
  }

  private static Long maybeLong(Random rnd) {
    return rnd.nextInt(3) == 0 ? null : number(rnd);
  }

  private static long seconds(Random rnd) {
    return rnd.nextLong() % 100_000_000_000L;
  }

  private static String maybe(Random rnd, String s) {
    return rnd.nextInt(6) == 0 ? null : s;
  }

  private static String pick(Random rnd, String... options) {
    return options[rnd.nextInt(options.length)];
  }
}

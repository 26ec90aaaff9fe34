package dev.tokensweep.scanner.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.report.EcsDocuments;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of what the fleet code parses from outside: outbox files (on disk, may be
 * damaged), reports given to {@code ship} (any file a user names) and bulk answers (from the
 * network). Each parser may only fail with its own documented exception, never another one, and
 * never holds more than the input gives. Bounded in time so it runs in every build.
 */
class FleetParsersFuzzTest {
  private static final long BUDGET_NANOS = FuzzLoop.budgetMillis(1_500) * 1_000_000L;
  private static final byte[] STRUCTURE = "{}[]\":,\n\\0-e.tn ".getBytes(StandardCharsets.US_ASCII);

  static byte[] mutate(byte[] seed, Random r) {
    byte[] b = seed.clone();
    int ops = 1 + r.nextInt(6);
    for (int k = 0; k < ops && b.length > 0; k++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(6)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b[at] = STRUCTURE[r.nextInt(STRUCTURE.length)];
        case 2 -> b = java.util.Arrays.copyOf(b, at);
        case 3 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(64));
          byte[] c = new byte[b.length - len];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + len, c, at, b.length - at - len);
          b = c;
        }
        case 4 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(200));
          byte[] c = new byte[b.length + len];
          System.arraycopy(b, 0, c, 0, at + len);
          System.arraycopy(b, at, c, at + len, b.length - at);
          b = c;
        }
        default -> {
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = STRUCTURE[r.nextInt(STRUCTURE.length)];
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
        }
      }
    }
    return b;
  }

  static int lines(byte[] b) {
    int n = 1;
    for (byte x : b) {
      if (x == '\n') {
        n++;
      }
    }
    return n;
  }

  interface Target {
    /** Parses; returns how many records it produced. */
    int parse(byte[] input) throws Exception;
  }

  static void fuzz(String name, List<byte[]> seeds, Class<? extends Exception> allowed, Target target) {
    Random r = new Random(name.hashCode());
    long end = System.nanoTime() + BUDGET_NANOS;
    int runs = 0;
    while (System.nanoTime() < end || runs < 200) {
      byte[] in = mutate(seeds.get(r.nextInt(seeds.size())), r);
      try {
        int produced = target.parse(in);
        assertTrue(produced <= lines(in) + 1, name + ": more records than input lines");
      } catch (Exception e) {
        if (!allowed.isInstance(e)) {
          fail(name + ": run " + runs + " threw " + e.getClass().getName() + " (only " + allowed.getSimpleName()
              + " is allowed)", e);
        }
      } catch (StackOverflowError | OutOfMemoryError e) {
        fail(name + ": run " + runs + " threw " + e.getClass().getName());
      }
      runs++;
    }
    // what the parses still hold, not garbage the fork's other tests left behind
    System.gc();
    Runtime rt = Runtime.getRuntime();
    assertTrue(rt.totalMemory() - rt.freeMemory() < 512L << 20, name + ": heap grew past 512 MiB");
  }

  @Test
  void outboxParse_mutatedFiles_onlyBadFileException() throws IOException {
    List<Outbox.Item> items = new ArrayList<>();
    for (Map<String, Object> d : ShipperTest.findings(3, "build-7", "s1")) {
      items.add(new Outbox.Item("ts-v1-2026.11", EcsDocuments.eventId(d), Cluster.JSON.writeValueAsBytes(d)));
    }
    byte[] seed = Outbox.body(items);
    fuzz("outbox", List.of(seed), Outbox.BadFileException.class, in -> Outbox.parse(in, "f.ndjson").size());
  }

  @Test
  void reportRead_mutatedReports_onlyBadReportException() throws IOException {
    List<Map<String, Object>> docs = ShipperTest.findings(2, "build-7", "s1");
    StringBuilder jsonl = new StringBuilder();
    StringBuilder ecs = new StringBuilder();
    for (Map<String, Object> d : docs) {
      @SuppressWarnings("unchecked")
      Map<String, Object> f = new java.util.LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>) d.get("tokensweep")).get("finding"));
      Map<String, Object> line = new java.util.LinkedHashMap<>();
      line.put("type", "finding");
      line.putAll(f);
      jsonl.append(Cluster.JSON.writeValueAsString(line)).append('\n');
      ecs.append(Cluster.JSON.writeValueAsString(d)).append('\n');
    }
    jsonl.append("{\"type\":\"summary\",\"files\":1,\"findings\":2,\"complete\":true}\n");
    String json = "{\"schema\":\"x\",\"version\":1,\"summary\":{\"files\":1},\"findings\":["
        + jsonl.toString().lines().limit(2).map(l -> l.replace("\"type\":\"finding\",", "")).reduce((a, b) -> a + "," + b).orElse("")
        + "],\"problems\":[]}";
    List<byte[]> seeds = List.of(jsonl.toString().getBytes(StandardCharsets.UTF_8), ecs.toString().getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8));
    EcsDocuments.Origin origin = new EcsDocuments.Origin("h", "s", Instant.parse("2026-11-02T00:00:00Z"));
    fuzz("report", seeds, ReportFile.BadReportException.class, in -> {
      int[] n = {0};
      ReportFile.read(new java.io.BufferedInputStream(new ByteArrayInputStream(in)), "r", origin, new ReportFile.Sink() {
        @Override
        public void finding(Map<String, Object> document) throws IOException {
          Cluster.JSON.writeValueAsBytes(document);
          n[0]++;
        }

        @Override
        public void sweep(Map<String, Object> document) {
          // one per report or per ECS sweep: not counted against the lines
        }
      });
      return n[0];
    });
  }

  @Test
  void bulkAnswer_mutatedAnswers_onlyBadAnswerException() {
    String answer = "{\"took\":3,\"errors\":true,\"items\":[{\"create\":{\"_index\":\"i\",\"_id\":\"a\",\"status\":201}},"
        + "{\"create\":{\"_index\":\"i\",\"_id\":\"b\",\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\","
        + "\"reason\":\"exists\"}}},{\"create\":{\"_index\":\"i\",\"_id\":\"c\",\"status\":400,\"error\":{\"type\":"
        + "\"mapper_parsing_exception\",\"reason\":\"failed to parse field [x]. Preview of field's value: 'v'\"}}}]}";
    fuzz("bulk answer", List.of(answer.getBytes(StandardCharsets.UTF_8)), Shipper.BadAnswerException.class,
        in -> Shipper.itemResults(in, 3).size() > 0 ? 1 : 0);
  }
}

package dev.tokensweep.scanner.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepIndexTest {

  @TempDir
  Path dir;

  static ScanResult result(int n, String tag) {
    List<Finding> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String fp = String.format("%064x", (tag.hashCode() & 0xffffL) * 1000 + i);
      fs.add(new Finding(Location.text("/var/log/" + tag + ".log", i + 1, 1, i * 10L),
          new Evidence("ts.github.2", "GitHub OAuth access token", Kind.ACCESS_TOKEN, Severity.HIGH, "gho_…abcd", fp,
              40, 4.8, null, "unknown", null, List.of(), "rule severity"), null));
    }
    return new ScanResult(fs, List.of(), 1, 1, 100, 0.1);
  }

  @Test
  void record_concurrentSweeps_allLandWithDistinctSequenceNumbers() throws Exception {
    SweepIndex index = new SweepIndex(dir.resolve("idx"), Duration.ofSeconds(60));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<SweepIndex.Recorded>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int k = i;
      futures.add(pool.submit(() -> index.record(SweepIndex.newSweepId(Instant.now()), "host-" + (k % 2),
          Instant.now(), result(25, "t" + k))));
    }
    Set<Long> seqs = new HashSet<>();
    for (Future<SweepIndex.Recorded> f : futures) {
      seqs.add(f.get().sweep().seq());
    }
    pool.shutdown();
    assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), seqs);
    assertEquals(8, index.sweeps(null).size());
    assertEquals(200, index.search("type:finding", 1000).size());
    assertEquals(4, index.sweeps("HOST-1").size(), "host names are case-insensitive");
  }

  @Test
  void record_lockHeldTooLong_failsWithAClearError() throws Exception {
    Path idx = dir.resolve("idx");
    SweepIndex index = new SweepIndex(idx, Duration.ofMillis(300));
    index.record("s1", "h", Instant.now(), result(1, "a"));
    try (Directory d = FSDirectory.open(idx); IndexWriter holder = new IndexWriter(d, new IndexWriterConfig())) {
      SweepIndex.IndexBusyException e = assertThrows(SweepIndex.IndexBusyException.class,
          () -> index.record("s2", "h", Instant.now(), result(1, "b")));
      assertEquals(true, e.getMessage().contains("locked by another sweep"), e.getMessage());
    }
    assertEquals(1, index.sweeps(null).size(), "the index is intact and holds the first sweep only");
  }

  @Test
  void search_wildcardsAndRanges_work() throws Exception {
    SweepIndex index = new SweepIndex(dir.resolve("idx"), Duration.ofSeconds(5));
    index.record("s1", "h", Instant.parse("2026-11-01T12:00:00Z"), result(2, "alpha"));
    index.record("s2", "h", Instant.parse("2026-11-20T12:00:00Z"), result(3, "beta"));
    assertEquals(3, index.search("path:*beta.log", 100).size());
    assertEquals(2, index.search("time:[2026-11-01 TO 2026-11-02}", 100).size());
    assertEquals(5, index.search("time:[\"2026-11-01T00:00:00Z\" TO \"2026-11-30T00:00:00Z\"]", 100).size());
    assertEquals("s2", index.search("severity:HIGH", 100).get(0).sweep(), "newest first");
  }

  @Test
  void sources_giveEachSweepsFleetDocumentsFindingsFirst() throws Exception {
    SweepIndex index = new SweepIndex(dir.resolve("idx"), Duration.ofSeconds(5));
    index.record("s1", "Build-7", Instant.parse("2026-11-01T12:00:00.750Z"), result(2, "alpha"));
    index.record("s2", "build-9", Instant.parse("2026-11-02T12:00:00Z"), result(1, "beta"));
    List<com.fasterxml.jackson.databind.JsonNode> docs = new ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals(0, index.sources(json -> docs.add(m.readTree(json))));
    List<String> order = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode d : docs) {
      order.add(d.path("tokensweep").path("sweep_id").asText() + ":" + d.path("event").path("dataset").asText());
    }
    assertEquals(List.of("s1:tokensweep.finding", "s1:tokensweep.finding", "s1:tokensweep.sweep",
        "s2:tokensweep.finding", "s2:tokensweep.sweep"), order);
    assertEquals("build-7", docs.get(0).path("host").path("name").asText());
    assertEquals("2026-11-01T12:00:00Z", docs.get(0).path("@timestamp").asText(), "to the second, as the index records");
    assertEquals(2, docs.get(2).path("tokensweep").path("sweep").path("findings").asInt());

    // a document recorded without its source (an index of an older build) is counted, not sent
    try (Directory d = FSDirectory.open(dir.resolve("idx")); IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
      org.apache.lucene.document.Document old = new org.apache.lucene.document.Document();
      old.add(new org.apache.lucene.document.StringField("type", "finding", org.apache.lucene.document.Field.Store.YES));
      old.add(new org.apache.lucene.document.StringField("sweep", "s2", org.apache.lucene.document.Field.Store.YES));
      w.addDocument(old);
      w.commit();
    }
    assertEquals(1, index.sources(json -> {}));
  }

  @Test
  void search_literalPath_isNotARegex() throws Exception {
    SweepIndex index = new SweepIndex(dir.resolve("idx"), Duration.ofSeconds(5));
    index.record("s1", "h", Instant.parse("2026-11-01T12:00:00Z"), result(2, "alpha"));
    index.record("s2", "h", Instant.parse("2026-11-20T12:00:00Z"), result(3, "beta"));
    assertEquals(2, index.search("path:/var/log/alpha.log", 100).size());
    assertEquals(2, index.search("file:/var/log/alpha.log", 100).size());
    assertEquals(5, index.search("path:/var/log/*", 100).size());
    assertEquals(3, index.search("path:/var/log/b?ta.log", 100).size());
    assertEquals(3, index.search("(path:/var/log/beta.log OR host:elsewhere)", 100).size());
    assertEquals(3, index.search("severity:high AND (path:/var/log/beta.log)", 100).size());
    assertEquals(2, index.search("path:\"/var/log/alpha.log\"", 100).size());
    assertEquals(2, index.search("path:\\/var\\/log\\/alpha.log", 100).size());
    assertEquals(0, index.search("path:/var/log", 100).size(), "values match whole paths");
  }

  @Test
  void literalPaths_escapesOnlyPathValues() {
    assertEquals("path:\\/home\\/x\\/a\\-b\\:c* AND host:h", SweepIndex.literalPaths("path:/home/x/a-b:c* AND host:h"));
    assertEquals("(path:\\/x\\(1\\))", SweepIndex.literalPaths("(path:/x(1))"));
    assertEquals("host:/re/", SweepIndex.literalPaths("host:/re/"));
  }
}

package dev.tokensweep.scanner.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Validation;
import dev.tokensweep.scanner.report.EcsDocuments;
import dev.tokensweep.scanner.report.ReportModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * An index of findings across sweeps, in a directory on disk. One Lucene document per finding, one
 * per sweep, and one per revocation attempt ({@code tokensweep revoke}). A finding validated by its
 * provider ({@code --validate}) also carries the answer ({@code validation:live},
 * {@code provider:github}), which later sweeps reuse instead of asking again. Every field is a keyword: queries match whole values ({@code host:build-7},
 * {@code fingerprint:9f3c...}, {@code severity:critical}), wildcards and ranges work
 * ({@code path:*bash_history}, {@code time:[2026-11-01 TO 2026-12-01}}); {@code host},
 * {@code kind}, {@code severity} and {@code type} are case-insensitive. Times are UTC ISO-8601 to
 * the second, so they sort and range as text.
 *
 * <p>Each document also keeps its whole fleet document ({@link EcsDocuments}) as JSON, the one
 * OpenSearch gets, so a host that starts local moves to a cluster with {@code ship --from-index}
 * and the same ids ({@link #sources}).
 *
 * <p>Writers take Lucene's write lock for the whole of one sweep; a second writer waits up to the
 * lock timeout and then fails with {@link IndexBusyException}. Readers never wait. Nothing here
 * stores a secret: findings carry only the redacted preview and the keyed fingerprint.
 */
public final class SweepIndex {

  /** The fields of a finding document; sweep documents use {@code type}, {@code sweep}, {@code host}, {@code time}. */
  public static final List<String> FIELDS = List.of("type", "sweep", "host", "time", "rule", "kind", "severity",
      "status", "path", "file", "fingerprint", "validation", "provider");

  static final String TYPE_FINDING = "finding";
  static final String TYPE_SWEEP = "sweep";
  static final String TYPE_REVOCATION = "revocation";
  private static final Set<String> LOWER = Set.of("host", "kind", "severity", "type", "status", "validation", "provider");
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The whole document in the fleet schema, as JSON: the local index and a cluster hold the same documents. */
  private static final String SOURCE = "source";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Duration lockTimeout;

  /** A sweep as recorded. {@code seq} orders sweeps in one index (1, 2, ...), whatever their clocks say. */
  public record Sweep(String id, String host, Instant time, long seq, long findings, long files, long bytes,
      boolean complete) {}

  /** One finding as recorded: everything a responder needs to go and look, and no secret. */
  public record Hit(String sweep, String host, Instant time, String ruleId, String ruleName, String kind,
      String severity, String status, String path, Long line, Long column, long offset, String fingerprint,
      String preview) {

    /** The key that says two findings are the same token under the same rule. */
    public String key() {
      return ruleId + "|" + fingerprint;
    }

    public String where() {
      return dev.tokensweep.scanner.model.Location.shortForm(path, line, column, offset);
    }
  }

  /** What recording a sweep did: the new sweep, and the previous sweep of the same host with its keys. */
  public record Recorded(Sweep sweep, Sweep previous, Set<String> previousKeys) {}

  /** The write lock was held by another sweep for longer than the timeout. */
  public static final class IndexBusyException extends IOException {
    public IndexBusyException(String message) {
      super(message);
    }
  }

  /** A query that does not parse; the message says where. */
  public static final class BadQueryException extends Exception {
    public BadQueryException(String message) {
      super(message);
    }
  }

  public SweepIndex(Path dir, Duration lockTimeout) {
    this.dir = dir;
    this.lockTimeout = lockTimeout;
  }

  public Path dir() {
    return dir;
  }

  /** Whether an index exists in the directory. */
  public boolean exists() throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Directory d = FSDirectory.open(dir)) {
      return DirectoryReader.indexExists(d);
    }
  }

  /** The key that {@link Hit#key()} gives, for a finding of a scan. */
  public static String key(Finding f) {
    return f.evidence().ruleId() + "|" + f.evidence().fingerprint();
  }

  /** A fresh sweep id: the time, then random hex so two sweeps in the same second differ. */
  public static String newSweepId(Instant time) {
    byte[] r = new byte[4];
    RANDOM.nextBytes(r);
    return ID_TIME.format(time) + "-" + HexFormat.of().formatHex(r);
  }

  /**
   * Records one sweep of {@code host}: its findings and a sweep document, in one commit under the
   * write lock, so concurrent sweeps are serialized and a reader sees a sweep whole or not at all.
   */
  public Recorded record(String sweepId, String host, Instant time, ScanResult result) throws IOException {
    Files.createDirectories(dir);
    String h = host.toLowerCase(Locale.ROOT);
    Instant t = time.truncatedTo(ChronoUnit.SECONDS);
    try (Directory d = FSDirectory.open(dir); IndexWriter w = openWriter(d)) {
      Sweep previous = null;
      long seq = 1;
      Set<String> prevKeys = Set.of();
      if (DirectoryReader.indexExists(d)) {
        try (DirectoryReader r = DirectoryReader.open(d)) {
          IndexSearcher s = new IndexSearcher(r);
          List<Sweep> all = sweeps(s, null);
          for (Sweep sw : all) {
            seq = Math.max(seq, sw.seq() + 1);
            if (sw.host().equals(h) && (previous == null || sw.seq() > previous.seq())) {
              previous = sw;
            }
          }
          if (previous != null) {
            prevKeys = keys(s, previous.id());
          }
        }
      }
      EcsDocuments.Origin origin = new EcsDocuments.Origin(h, sweepId, t);
      for (Finding f : result.findings()) {
        w.addDocument(findingDoc(sweepId, h, t, f, origin));
      }
      Sweep sweep = new Sweep(sweepId, h, t, seq, result.findings().size(), result.files(), result.bytes(),
          result.complete());
      w.addDocument(sweepDoc(sweep, EcsDocuments.sweep(ReportModel.summary(result), origin)));
      w.commit();
      return new Recorded(sweep, previous, prevKeys);
    }
  }

  /** Waits between tries for a locked index: the first short (a sweep that is just committing), doubling up to the last. */
  private static final long FIRST_LOCK_WAIT_MS = 50;
  private static final long MAX_LOCK_WAIT_MS = 1000;

  private IndexWriter openWriter(Directory d) throws IOException {
    long deadline = System.nanoTime() + lockTimeout.toNanos();
    long sleep = FIRST_LOCK_WAIT_MS;
    while (true) {
      try {
        IndexWriterConfig c = new IndexWriterConfig(analyzer());
        c.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        c.setCommitOnClose(false);
        return new IndexWriter(d, c);
      } catch (LockObtainFailedException e) {
        if (System.nanoTime() > deadline) {
          throw new IndexBusyException("index " + dir + " is locked by another sweep; gave up after "
              + lockTimeout.toSeconds() + " s (raise --index-lock-timeout, or remove " + dir.resolve("write.lock")
              + " only if no tokensweep is running)");
        }
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IndexBusyException("interrupted while waiting for the lock of index " + dir);
        }
        sleep = Math.min(MAX_LOCK_WAIT_MS, sleep * 2);
      }
    }
  }

  /** Findings matching {@code query}, newest sweep first, at most {@code limit}. */
  public List<Hit> search(String query, int limit) throws IOException, BadQueryException {
    Query q = parse(query);
    try (Directory d = FSDirectory.open(dir); DirectoryReader r = openReader(d)) {
      IndexSearcher s = new IndexSearcher(r);
      Query findings = new BooleanQuery.Builder()
          .add(new TermQuery(new Term("type", TYPE_FINDING)), BooleanClause.Occur.FILTER)
          .add(q, BooleanClause.Occur.MUST).build();
      Sort sort = new Sort(new SortField("time_sort", SortField.Type.LONG, true),
          new SortField("seq_sort", SortField.Type.LONG, true), SortField.FIELD_DOC);
      ScoreDoc[] docs = s.search(findings, Math.max(1, limit), sort).scoreDocs;
      StoredFields sf = s.storedFields();
      List<Hit> hits = new ArrayList<>(docs.length);
      for (ScoreDoc sd : docs) {
        hits.add(hit(sf.document(sd.doc)));
      }
      return hits;
    }
  }

  /**
   * Of {@code hits}, those in the latest sweep of their host whose rule and fingerprint the
   * host's previous sweep did not record. Hits of older sweeps are dropped.
   */
  public List<Hit> newSinceLast(List<Hit> hits) throws IOException {
    try (Directory d = FSDirectory.open(dir); DirectoryReader r = openReader(d)) {
      IndexSearcher s = new IndexSearcher(r);
      Map<String, Sweep> latest = new HashMap<>();
      Map<String, Sweep> before = new HashMap<>();
      for (Sweep sw : sweeps(s, null)) {
        Sweep cur = latest.get(sw.host());
        if (cur == null || sw.seq() > cur.seq()) {
          if (cur != null) {
            before.put(sw.host(), cur);
          }
          latest.put(sw.host(), sw);
        } else {
          Sweep b = before.get(sw.host());
          if (b == null || sw.seq() > b.seq()) {
            before.put(sw.host(), sw);
          }
        }
      }
      Map<String, Set<String>> prevKeys = new HashMap<>();
      List<Hit> out = new ArrayList<>();
      for (Hit h : hits) {
        Sweep last = latest.get(h.host());
        if (last == null || !last.id().equals(h.sweep())) {
          continue;
        }
        Sweep prev = before.get(h.host());
        Set<String> keys = prev == null ? Set.of() : prevKeys.computeIfAbsent(h.host(), k -> {
          try {
            return keys(s, prev.id());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        if (!keys.contains(h.key())) {
          out.add(h);
        }
      }
      return out;
    }
  }

  /** Every sweep, oldest first; only those of {@code host} when it is not null. */
  public List<Sweep> sweeps(String host) throws IOException {
    try (Directory d = FSDirectory.open(dir); DirectoryReader r = openReader(d)) {
      return sweeps(new IndexSearcher(r), host == null ? null : host.toLowerCase(Locale.ROOT));
    }
  }

  private DirectoryReader openReader(Directory d) throws IOException {
    if (!DirectoryReader.indexExists(d)) {
      throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no sweep index here (scan --index creates one)");
    }
    return DirectoryReader.open(d);
  }

  private static List<Sweep> sweeps(IndexSearcher s, String host) throws IOException {
    BooleanQuery.Builder b = new BooleanQuery.Builder()
        .add(new TermQuery(new Term("type", TYPE_SWEEP)), BooleanClause.Occur.FILTER);
    if (host != null) {
      b.add(new TermQuery(new Term("host", host)), BooleanClause.Occur.FILTER);
    }
    int n = Math.max(1, s.count(b.build()));
    ScoreDoc[] docs = s.search(b.build(), n, new Sort(new SortField("seq_sort", SortField.Type.LONG))).scoreDocs;
    StoredFields sf = s.storedFields();
    List<Sweep> out = new ArrayList<>(docs.length);
    for (ScoreDoc sd : docs) {
      Document doc = sf.document(sd.doc);
      out.add(new Sweep(doc.get("sweep"), doc.get("host"), Instant.parse(doc.get("time")),
          doc.getField("seq").numericValue().longValue(), doc.getField("findings").numericValue().longValue(),
          doc.getField("files").numericValue().longValue(), doc.getField("bytes").numericValue().longValue(),
          "true".equals(doc.get("complete"))));
    }
    return out;
  }

  private static Set<String> keys(IndexSearcher s, String sweepId) throws IOException {
    Query q = new BooleanQuery.Builder()
        .add(new TermQuery(new Term("type", TYPE_FINDING)), BooleanClause.Occur.FILTER)
        .add(new TermQuery(new Term("sweep", sweepId)), BooleanClause.Occur.FILTER).build();
    int n = s.count(q);
    Set<String> keys = new HashSet<>();
    if (n == 0) {
      return keys;
    }
    StoredFields sf = s.storedFields();
    for (ScoreDoc sd : s.search(q, n).scoreDocs) {
      Document doc = sf.document(sd.doc);
      keys.add(doc.get("rule") + "|" + doc.get("fingerprint"));
    }
    return keys;
  }

  /** Receives the documents of {@link #sources}. */
  @FunctionalInterface
  public interface SourceVisitor {
    void accept(byte[] json) throws IOException;
  }

  /**
   * Every recorded document in the fleet schema ({@link EcsDocuments}) as the JSON it was recorded
   * with, sweep by sweep in the order they were recorded, each sweep's findings before its sweep
   * document: what {@code ship --from-index} sends. Returns how many documents had no source
   * (recorded by a version that did not keep one); those are not visited.
   */
  public long sources(SourceVisitor visitor) throws IOException {
    long missing = 0;
    try (Directory d = FSDirectory.open(dir); DirectoryReader r = openReader(d)) {
      IndexSearcher s = new IndexSearcher(r);
      StoredFields sf = s.storedFields();
      for (Sweep sw : sweeps(s, null)) {
        Query q = new BooleanQuery.Builder()
            .add(new TermQuery(new Term("type", TYPE_FINDING)), BooleanClause.Occur.FILTER)
            .add(new TermQuery(new Term("sweep", sw.id())), BooleanClause.Occur.FILTER).build();
        int n = s.count(q);
        if (n > 0) {
          for (ScoreDoc sd : s.search(q, n, Sort.INDEXORDER).scoreDocs) {
            missing += visit(sf.document(sd.doc), visitor);
          }
        }
        Query sq = new BooleanQuery.Builder()
            .add(new TermQuery(new Term("type", TYPE_SWEEP)), BooleanClause.Occur.FILTER)
            .add(new TermQuery(new Term("sweep", sw.id())), BooleanClause.Occur.FILTER).build();
        for (ScoreDoc sd : s.search(sq, 1).scoreDocs) {
          missing += visit(sf.document(sd.doc), visitor);
        }
      }
    }
    return missing;
  }

  private static int visit(Document doc, SourceVisitor visitor) throws IOException {
    org.apache.lucene.util.BytesRef b = doc.getBinaryValue(SOURCE);
    if (b == null) {
      return 1;
    }
    visitor.accept(java.util.Arrays.copyOfRange(b.bytes, b.offset, b.offset + b.length));
    return 0;
  }

  private static byte[] json(Map<String, Object> document) {
    try {
      return JSON.writeValueAsBytes(document);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a document of plain maps did not serialize", e);
    }
  }

  private static Document findingDoc(String sweepId, String host, Instant time, Finding f, EcsDocuments.Origin origin) {
    Evidence e = f.evidence();
    Location l = f.location();
    Document d = new Document();
    d.add(new StringField("type", TYPE_FINDING, Field.Store.YES));
    d.add(new StringField("sweep", sweepId, Field.Store.YES));
    d.add(new StringField("host", host, Field.Store.YES));
    d.add(new StringField("time", time.toString(), Field.Store.YES));
    d.add(new NumericDocValuesField("time_sort", time.toEpochMilli()));
    d.add(new NumericDocValuesField("seq_sort", 0));
    d.add(new StringField("rule", e.ruleId(), Field.Store.YES));
    d.add(new StoredField("rule_name", e.ruleName()));
    d.add(new StringField("kind", e.kind().id(), Field.Store.YES));
    d.add(new StringField("severity", e.severity().id(), Field.Store.YES));
    d.add(new StringField("status", e.status(), Field.Store.YES));
    d.add(new StringField("path", l.path(), Field.Store.YES));
    d.add(new StringField("file", ReportModel.chain(l.path()).get(0), Field.Store.NO));
    if (l.line() != null) {
      d.add(new StoredField("line", l.line()));
    }
    if (l.column() != null) {
      d.add(new StoredField("column", l.column()));
    }
    d.add(new StoredField("offset", l.offset()));
    d.add(new StringField("fingerprint", e.fingerprint(), Field.Store.YES));
    d.add(new StoredField("preview", e.preview()));
    if (f.validation() != null) {
      addValidation(d, f.validation());
    }
    d.add(new StoredField(SOURCE, json(EcsDocuments.finding(ReportModel.finding(f), origin, false))));
    return d;
  }

  /**
   * What a provider said, on a finding or revocation document: {@code validation} (live, invalid,
   * unknown) and {@code provider} are searchable; the rest is stored for {@link #validations}.
   */
  private static void addValidation(Document d, Validation v) {
    d.add(new StringField("validation", v.status(), Field.Store.YES));
    if (v.provider() != null) {
      d.add(new StringField("provider", v.provider(), Field.Store.YES));
    }
    if (v.key() != null && v.checked() != null) {
      d.add(new StringField("validation_key", v.key(), Field.Store.YES));
      d.add(new NumericDocValuesField("validation_time_sort", v.checked().toEpochMilli()));
      d.add(new StoredField("validation_time", v.checked().toString()));
    }
    storeIf(d, "validation_identity", v.identity());
    storeIf(d, "validation_account", v.account());
    storeIf(d, "validation_reason", v.reason());
    storeIf(d, "validation_source", v.source());
    if (!v.scopes().isEmpty()) {
      d.add(new StoredField("validation_scopes", String.join(" ", v.scopes())));
    }
    if (v.expires() != null) {
      d.add(new StoredField("validation_expires", v.expires()));
    }
  }

  private static void storeIf(Document d, String field, String value) {
    if (value != null) {
      d.add(new StoredField(field, value));
    }
  }

  private static Validation validation(Document d) {
    String status = d.get("validation");
    if (status == null) {
      return null;
    }
    String scopes = d.get("validation_scopes");
    String time = d.get("validation_time");
    return new Validation(status, d.get("provider"), d.get("validation_identity"), d.get("validation_account"),
        scopes == null ? List.of() : List.of(scopes.split(" ")), longOrNull(d, "validation_expires"),
        d.get("validation_reason"), time == null ? null : Instant.parse(time), d.get("validation_source"),
        d.get("validation_key"));
  }

  /**
   * The latest definite answer ({@code live} or {@code invalid}) recorded for each of {@code keys}
   * that was given at or after {@code notBefore}: {@code scan --validate} reuses them instead of
   * asking the provider again. Keys without one are absent. An index that does not exist yet has none.
   */
  public Map<String, Validation> validations(java.util.Collection<String> keys, Instant notBefore) throws IOException {
    Map<String, Validation> out = new HashMap<>();
    if (keys.isEmpty() || !exists()) {
      return out;
    }
    try (Directory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
      IndexSearcher s = new IndexSearcher(r);
      StoredFields sf = s.storedFields();
      Sort newest = new Sort(new SortField("validation_time_sort", SortField.Type.LONG, true));
      for (String key : new java.util.LinkedHashSet<>(keys)) {
        Query q = new BooleanQuery.Builder()
            .add(new TermQuery(new Term("validation_key", key)), BooleanClause.Occur.FILTER)
            .add(new BooleanQuery.Builder()
                .add(new TermQuery(new Term("validation", Validation.LIVE)), BooleanClause.Occur.SHOULD)
                .add(new TermQuery(new Term("validation", Validation.INVALID)), BooleanClause.Occur.SHOULD)
                .setMinimumNumberShouldMatch(1).build(), BooleanClause.Occur.FILTER)
            .add(org.apache.lucene.document.NumericDocValuesField.newSlowRangeQuery("validation_time_sort",
                notBefore.toEpochMilli(), Long.MAX_VALUE), BooleanClause.Occur.FILTER)
            .build();
        ScoreDoc[] top = s.search(q, 1, newest).scoreDocs;
        if (top.length > 0) {
          Validation v = validation(sf.document(top[0].doc));
          if (v != null) {
            out.put(key, v);
          }
        }
      }
    }
    return out;
  }

  /**
   * One revocation attempt as recorded: which token (fingerprint, preview, where it was found),
   * what was asked of which provider, what it answered, and what the provider said when asked
   * again afterwards. Never the secret.
   *
   * @param result {@code revoked}, {@code failed} or {@code skipped}
   * @param after the provider's answer afterwards; null when it was not asked
   */
  public record Revocation(String host, Instant time, String ruleId, String provider, String fingerprint, String preview,
      List<String> where, String result, String reason, Validation after) {
    public Revocation {
      where = List.copyOf(where);
    }
  }

  /** Records revocation attempts in one commit, under the write lock. */
  public void recordRevocations(List<Revocation> attempts) throws IOException {
    if (attempts.isEmpty()) {
      return;
    }
    Files.createDirectories(dir);
    try (Directory d = FSDirectory.open(dir); IndexWriter w = openWriter(d)) {
      for (Revocation a : attempts) {
        Instant t = a.time().truncatedTo(ChronoUnit.SECONDS);
        Document doc = new Document();
        doc.add(new StringField("type", TYPE_REVOCATION, Field.Store.YES));
        doc.add(new StringField("host", a.host().toLowerCase(Locale.ROOT), Field.Store.YES));
        doc.add(new StringField("time", t.toString(), Field.Store.YES));
        doc.add(new NumericDocValuesField("time_sort", t.toEpochMilli()));
        doc.add(new NumericDocValuesField("seq_sort", 0));
        if (a.ruleId() != null) {
          doc.add(new StringField("rule", a.ruleId(), Field.Store.YES));
        }
        doc.add(new StringField("fingerprint", a.fingerprint(), Field.Store.YES));
        storeIf(doc, "preview", a.preview());
        for (String w2 : a.where()) {
          doc.add(new StoredField("where", w2));
        }
        doc.add(new StringField("result", a.result(), Field.Store.YES));
        storeIf(doc, "reason", a.reason());
        if (a.after() != null) {
          addValidation(doc, a.after());
        } else if (a.provider() != null) {
          doc.add(new StringField("provider", a.provider(), Field.Store.YES));
        }
        w.addDocument(doc);
      }
      w.commit();
    }
  }

  /** Every revocation attempt recorded for {@code fingerprint}, oldest first. */
  public List<Revocation> revocations(String fingerprint) throws IOException {
    List<Revocation> out = new ArrayList<>();
    if (!exists()) {
      return out;
    }
    try (Directory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
      IndexSearcher s = new IndexSearcher(r);
      Query q = new BooleanQuery.Builder()
          .add(new TermQuery(new Term("type", TYPE_REVOCATION)), BooleanClause.Occur.FILTER)
          .add(new TermQuery(new Term("fingerprint", fingerprint)), BooleanClause.Occur.FILTER).build();
      int n = s.count(q);
      if (n == 0) {
        return out;
      }
      StoredFields sf = s.storedFields();
      for (ScoreDoc sd : s.search(q, n, new Sort(new SortField("time_sort", SortField.Type.LONG))).scoreDocs) {
        Document doc = sf.document(sd.doc);
        List<String> where = new ArrayList<>();
        for (var f : doc.getFields("where")) {
          where.add(f.stringValue());
        }
        out.add(new Revocation(doc.get("host"), Instant.parse(doc.get("time")), doc.get("rule"), doc.get("provider"),
            doc.get("fingerprint"), doc.get("preview"), where, doc.get("result"), doc.get("reason"), validation(doc)));
      }
    }
    return out;
  }

  private static Document sweepDoc(Sweep s, Map<String, Object> source) {
    Document d = new Document();
    d.add(new StringField("type", TYPE_SWEEP, Field.Store.YES));
    d.add(new StringField("sweep", s.id(), Field.Store.YES));
    d.add(new StringField("host", s.host(), Field.Store.YES));
    d.add(new StringField("time", s.time().toString(), Field.Store.YES));
    d.add(new NumericDocValuesField("time_sort", s.time().toEpochMilli()));
    d.add(new NumericDocValuesField("seq_sort", s.seq()));
    d.add(new StoredField("seq", s.seq()));
    d.add(new StoredField("findings", s.findings()));
    d.add(new StoredField("files", s.files()));
    d.add(new StoredField("bytes", s.bytes()));
    d.add(new StringField("complete", Boolean.toString(s.complete()), Field.Store.YES));
    d.add(new StoredField(SOURCE, json(source)));
    return d;
  }

  private static Hit hit(Document d) {
    return new Hit(d.get("sweep"), d.get("host"), Instant.parse(d.get("time")), d.get("rule"), d.get("rule_name"),
        d.get("kind"), d.get("severity"), d.get("status"), d.get("path"), longOrNull(d, "line"),
        longOrNull(d, "column"), d.getField("offset").numericValue().longValue(), d.get("fingerprint"),
        d.get("preview"));
  }

  private static Long longOrNull(Document d, String f) {
    var field = d.getField(f);
    return field == null ? null : field.numericValue().longValue();
  }

  /** Parses a query in Lucene's classic syntax; a bare term searches fingerprints. */
  static Query parse(String query) throws BadQueryException {
    QueryParser p = new QueryParser("fingerprint", analyzer());
    p.setAllowLeadingWildcard(true);
    p.setDefaultOperator(QueryParser.Operator.AND);
    try {
      return p.parse(literalPaths(query));
    } catch (ParseException e) {
      String m = e.getMessage();
      int nl = m == null ? -1 : m.indexOf('\n');
      throw new BadQueryException("cannot parse query: " + (nl > 0 ? m.substring(0, nl) : m));
    }
  }

  private static final java.util.regex.Pattern PATH_TERM =
      java.util.regex.Pattern.compile("(^|[\\s(+!-])((?:path|file):)([^\\s\"\\[{][^\\s]*)");

  /**
   * Unquoted {@code path:} and {@code file:} values are literal paths: in Lucene's syntax
   * {@code path:/home/x} is a regular expression, and a path is not meant as one. Every character
   * Lucene treats as syntax is escaped except the wildcards {@code *} and {@code ?}, so
   * {@code path:/home/x/.bash_history} and {@code path:/home/x/*} mean what they say. Closing
   * parentheses at the end of a value close the groups the query opened before it. A value that
   * holds a backslash is taken as already escaped and left alone, and so are quoted values and
   * ranges.
   */
  static String literalPaths(String query) {
    java.util.regex.Matcher m = PATH_TERM.matcher(query);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      String value = m.group(3);
      int depth = 0;
      for (int i = 0; i < m.start(3); i++) {
        char c = query.charAt(i);
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      }
      int end = value.length();
      while (end > 0 && depth > 0 && value.charAt(end - 1) == ')') {
        end--;
        depth--;
      }
      out.append(query, last, m.start(3));
      String v = value.substring(0, end);
      if (v.indexOf('\\') >= 0) {
        out.append(v);
      } else {
        for (int i = 0; i < v.length(); i++) {
          char c = v.charAt(i);
          if ("+-!():^[]\"{}~/&|".indexOf(c) >= 0) {
            out.append('\\');
          }
          out.append(c);
        }
      }
      out.append(value, end, value.length());
      last = m.end(3);
    }
    return out.append(query, last, query.length()).toString();
  }

  /** Keywords everywhere; lower-cased for the fields whose values are case-insensitive. */
  static Analyzer analyzer() {
    Analyzer lower = new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer t = new KeywordTokenizer();
        return new TokenStreamComponents(t, new LowerCaseFilter(t));
      }

      @Override
      protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
      }
    };
    Map<String, Analyzer> per = new HashMap<>();
    for (String f : LOWER) {
      per.put(f, lower);
    }
    return new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), per);
  }
}

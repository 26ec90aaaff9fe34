package dev.tokensweep.scanner.report;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * Elastic Common Schema documents, one JSON object per line and per finding, ready for an
 * Elasticsearch or OpenSearch index (through {@code _bulk}, Filebeat, Logstash or Data Prepper).
 * No field starts with an underscore (metadata fields are refused at ingest) and no name holds a
 * dot, so the documents index as they are. The documents are those {@link EcsDocuments} builds for
 * the sweep index and for shipping too (written here member for member without the maps, which
 * {@code LineJsonTest} checks byte for byte); the mapping is documented in {@code docs/ecs.md}.
 */
final class EcsReporter implements Reporter {
  private final ReportContext context;

  EcsReporter(ReportContext context) {
    this.context = context;
  }

  @Override
  public void report(ScanResult r, OutputStream out) throws IOException {
    DocumentWriter w = new DocumentWriter(this, out);
    for (Finding f : r.findings()) {
      w.finding(f);
    }
    w.finish(r, null);
  }

  /** ECS lines as the scan goes, handed on in blocks of about {@value #BLOCK} bytes. */
  static final class DocumentWriter implements FindingWriter {
    static final int BLOCK = 1 << 16;
    private final OutputStream out;
    private final JsonLine json = new JsonLine(BLOCK + 8192);
    private final EcsDocuments.Origin origin;
    private final String timestamp;
    private final MessageDigest sha256 = EcsDocuments.sha256();
    private final FindingJson findings = new FindingJson();

    DocumentWriter(EcsReporter reporter, OutputStream out) {
      this.out = out;
      ReportContext c = reporter.context;
      this.origin = new EcsDocuments.Origin(c.host(), c.sweepId(), c.time());
      this.timestamp = origin.time().toString();
    }

    @Override
    public void finding(Finding f) throws IOException {
      document(json, f);
      if (json.size() >= BLOCK) {
        json.writeTo(out);
      }
    }

    @Override
    public void finish(ScanResult r, FindingTally tally) throws IOException {
      json.writeTo(out);
      out.flush();
    }

    /**
     * The line of {@link EcsDocuments#finding} for {@code f}'s {@link ReportModel#finding} object:
     * only under {@code --reveal} does the finding hold its secret, and only this report prints it.
     */
    void document(JsonLine j, Finding f) {
      Evidence e = f.evidence();
      Location l = f.location();
      String path = str(l.path());
      String ruleId = str(e.ruleId());
      String ruleName = str(e.ruleName());
      String fingerprint = str(e.fingerprint());
      int bang = path.indexOf('!');
      String outer = bang < 0 ? path : path.substring(0, bang);
      int score = EcsDocuments.score(e.severity());
      j.open();
      j.string("@timestamp", timestamp);
      j.string("message", ruleName + " at " + Location.shortForm(path, l.line(), l.column(), l.offset()) + ": "
          + str(e.preview()));
      j.name("ecs").open().string("version", EcsDocuments.ECS_VERSION).close();
      j.name("event").open();
      j.string("id", EcsDocuments.id(sha256, origin.host(), origin.sweepId() == null ? "" : origin.sweepId(), path,
          l.offset() + (l.part() == null ? "" : "@" + l.part()), l.jsonPath() == null ? "" : l.jsonPath(), ruleId,
          fingerprint));
      j.string("kind", "alert");
      j.strings("category", CATEGORY);
      j.strings("type", TYPE);
      j.string("module", "tokensweep");
      j.string("dataset", EcsDocuments.DATASET_FINDING);
      j.string("provider", "tokensweep");
      j.number("severity", score);
      j.number("risk_score", (double) score);
      j.string("created", timestamp);
      j.close();
      j.name("host").open().string("name", origin.host()).string("hostname", origin.host()).close();
      j.name("observer").open().string("vendor", "tokensweep").string("product", "tokensweep")
          .string("version", ReportModel.TOOL_VERSION).string("type", "secret-scanner").close();
      j.name("file").open().string("path", outer).string("name", EcsDocuments.baseName(outer)).close();
      j.name("rule").open().string("id", ruleId).string("name", ruleName).string("category", e.kind().id())
          .string("ruleset", "tokensweep").close();
      j.name("tokensweep").open();
      j.number("schema_version", ReportModel.VERSION);
      j.stringIf("sweep_id", origin.sweepId());
      j.name("finding").open();
      findings.finding(j, f);
      j.close();
      j.close();
      j.close().newline();
    }

    private static final List<String> CATEGORY = List.of("file", "vulnerability");
    private static final List<String> TYPE = List.of("info");

    private static String str(String s) {
      return s == null ? "" : s;
    }
  }
}

package dev.tokensweep.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Elastic Common Schema documents, one JSON object per line and per finding, ready for an
 * Elasticsearch or OpenSearch index (through {@code _bulk}, Filebeat, Logstash or Data Prepper).
 * No field starts with an underscore (metadata fields are refused at ingest) and no name holds a
 * dot, so the documents index as they are. The documents are those {@link EcsDocuments} builds for
 * the sweep index and for shipping too; the mapping is documented in {@code docs/ecs.md}.
 */
final class EcsReporter implements Reporter {
  private static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private final ReportContext context;

  EcsReporter(ReportContext context) {
    this.context = context;
  }

  @Override
  public void report(ScanResult r, OutputStream out) throws IOException {
    for (Finding f : r.findings()) {
      JSON.writeValue(out, document(f));
      out.write('\n');
    }
    out.flush();
  }

  /** ECS lines as the scan goes. */
  static final class DocumentWriter implements FindingWriter {
    private final EcsReporter reporter;
    private final OutputStream out;

    DocumentWriter(EcsReporter reporter, OutputStream out) {
      this.reporter = reporter;
      this.out = out;
    }

    @Override
    public void finding(Finding f) throws IOException {
      LineJson.MAPPER.writeValue(out, reporter.document(f));
      out.write('\n');
    }

    @Override
    public void finish(ScanResult r, dev.tokensweep.scanner.model.FindingTally tally) throws IOException {
      out.flush();
    }
  }

  Map<String, Object> document(Finding f) {
    // only under --reveal does the finding hold its secret, and only this report may print it
    return EcsDocuments.finding(ReportModel.finding(f),
        new EcsDocuments.Origin(context.host(), context.sweepId(), context.time()), f.revealed() != null);
  }
}

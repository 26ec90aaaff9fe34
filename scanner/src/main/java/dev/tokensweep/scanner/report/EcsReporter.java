package dev.tokensweep.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.Evidence;
import dev.tokensweep.detectors.Severity;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Elastic Common Schema documents, one JSON object per line and per finding, ready for an
 * Elasticsearch or OpenSearch index (through {@code _bulk}, Filebeat, Logstash or Data Prepper).
 * No field starts with an underscore (metadata fields are refused at ingest) and no name holds a
 * dot, so the documents index as they are. The mapping is documented in {@code docs/ecs.md}.
 */
final class EcsReporter implements Reporter {
  static final String ECS_VERSION = "8.11.0";
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

  Map<String, Object> document(Finding f) {
    Evidence e = f.evidence();
    String ts = context.time().toString();
    String outer = ReportModel.chain(f.location().path()).get(0);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("@timestamp", ts);
    d.put("message", e.ruleName() + " at " + f.location().shortForm() + ": " + e.preview());
    d.put("ecs", ReportModel.ordered("version", ECS_VERSION));

    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", eventId(f));
    event.put("kind", "alert");
    event.put("category", List.of("file", "vulnerability"));
    event.put("type", List.of("info"));
    event.put("module", "tokensweep");
    event.put("dataset", "tokensweep.finding");
    event.put("provider", "tokensweep");
    event.put("severity", score(e.severity()));
    event.put("risk_score", (double) score(e.severity()));
    event.put("created", ts);
    d.put("event", event);

    d.put("host", ReportModel.ordered("name", context.host(), "hostname", context.host()));
    d.put("observer", ReportModel.ordered("vendor", "tokensweep", "product", "tokensweep", "version", ReportModel.TOOL_VERSION,
        "type", "secret-scanner"));

    Map<String, Object> file = new LinkedHashMap<>();
    file.put("path", outer);
    file.put("name", baseName(outer));
    d.put("file", file);

    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", e.ruleId());
    rule.put("name", e.ruleName());
    rule.put("category", e.kind().id());
    rule.put("ruleset", "tokensweep");
    d.put("rule", rule);

    Map<String, Object> ts2 = new LinkedHashMap<>();
    ts2.put("schema_version", ReportModel.VERSION);
    if (context.sweepId() != null) {
      ts2.put("sweep_id", context.sweepId());
    }
    ts2.put("finding", ReportModel.finding(f));
    d.put("tokensweep", ts2);
    return d;
  }

  /** Elastic's detection-rule scale: 21 low, 47 medium, 73 high, 99 critical. */
  static int score(Severity s) {
    return switch (s) {
      case INFO -> 0;
      case LOW -> 21;
      case MEDIUM -> 47;
      case HIGH -> 73;
      case CRITICAL -> 99;
    };
  }

  /** Stable per host, place and token, so re-ingesting a sweep can use it as the document id. */
  private String eventId(Finding f) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      String key = context.host() + "\n" + (context.sweepId() == null ? "" : context.sweepId()) + "\n"
          + f.location().path() + "\n" + f.location().offset() + "\n" + (f.location().jsonPath() == null ? ""
          : f.location().jsonPath()) + "\n" + f.evidence().ruleId() + "\n" + f.evidence().fingerprint();
      return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)), 0, 16);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String baseName(String path) {
    int i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return i >= 0 ? path.substring(i + 1) : path;
  }
}

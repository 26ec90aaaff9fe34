package dev.tokensweep.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON: one document with {@code schema}, {@code version}, {@code summary}, {@code findings} and
 * {@code problems}. JSON lines: one object per line, each with a {@code type} of
 * {@code finding}, {@code problem} or {@code summary} (last).
 */
final class JsonReporter implements Reporter {
  private static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private final boolean lines;

  JsonReporter(boolean lines) {
    this.lines = lines;
  }

  @Override
  public void report(ScanResult r, OutputStream out) throws IOException {
    if (lines) {
      for (Finding f : r.findings()) {
        line(out, "finding", ReportModel.finding(f));
      }
      for (Problem p : r.problems()) {
        line(out, "problem", ReportModel.problem(p));
      }
      line(out, "summary", ReportModel.summary(r));
      out.flush();
      return;
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", "https://tokensweep.dev/schemas/report-v" + ReportModel.VERSION + ".json");
    doc.put("version", ReportModel.VERSION);
    doc.put("tool", ReportModel.ordered("name", "tokensweep", "version", ReportModel.TOOL_VERSION));
    doc.put("summary", ReportModel.summary(r));
    List<Object> fs = new ArrayList<>();
    for (Finding f : r.findings()) {
      fs.add(ReportModel.finding(f));
    }
    doc.put("findings", fs);
    List<Object> ps = new ArrayList<>();
    for (Problem p : r.problems()) {
      ps.add(ReportModel.problem(p));
    }
    doc.put("problems", ps);
    JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out, doc);
    out.write('\n');
    out.flush();
  }

  /** JSON lines as the scan goes: each finding, then the problems and the summary. */
  static final class LineWriter implements FindingWriter {
    private final OutputStream out;

    LineWriter(OutputStream out) {
      this.out = out;
    }

    @Override
    public void finding(Finding f) throws IOException {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "finding");
      m.putAll(ReportModel.finding(f));
      LineJson.MAPPER.writeValue(out, m);
      out.write('\n');
    }

    @Override
    public void finish(ScanResult r, dev.tokensweep.scanner.model.FindingTally tally) throws IOException {
      for (Problem p : r.problems()) {
        line(out, "problem", ReportModel.problem(p));
      }
      line(out, "summary", ReportModel.summary(r, tally));
      out.flush();
    }
  }

  private static void line(OutputStream out, String type, Map<String, Object> body) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.putAll(body);
    JSON.writeValue(out, m);
    out.write('\n');
  }
}

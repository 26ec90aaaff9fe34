package dev.tokensweep.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
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
  private final boolean lines;

  // its own class so that JSON lines, which need no mapper, never build one
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  JsonReporter(boolean lines) {
    this.lines = lines;
  }

  @Override
  public void report(ScanResult r, OutputStream out) throws IOException {
    if (lines) {
      LineWriter w = new LineWriter(out);
      for (Finding f : r.findings()) {
        w.finding(f);
      }
      w.finish(r, FindingTally.of(r.findings()));
      return;
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", "https://tokensweep.dev/schemas/report-v" + ReportModel.VERSION + ".json");
    doc.put("version", ReportModel.VERSION);
    doc.put("tool", ReportModel.ordered("name", "tokensweep", "version", ReportModel.TOOL_VERSION));
    doc.put("summary", ReportModel.summary(r));
    // each finding's map made as the writer reaches it, not all of them first
    doc.put("findings", ReportModel.each(r.findings(), ReportModel::finding));
    List<Object> ps = new ArrayList<>();
    for (Problem p : r.problems()) {
      ps.add(ReportModel.problem(p));
    }
    doc.put("problems", ps);
    Mapper.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out, doc);
    out.write('\n');
    out.flush();
  }

  /**
   * JSON lines as the scan goes: each finding, then the problems and the summary. The lines are
   * written by {@link FindingJson} into a buffer of their own, handed on in blocks of about
   * {@value #BLOCK} bytes: no map per finding, and no databind at all for a streamed report.
   */
  static final class LineWriter implements FindingWriter {
    static final int BLOCK = 1 << 16;
    private final OutputStream out;
    private final JsonLine json = new JsonLine(BLOCK + 4096);
    private final FindingJson findings = new FindingJson();

    LineWriter(OutputStream out) {
      this.out = out;
    }

    @Override
    public void finding(Finding f) throws IOException {
      findings.findingLine(json, f);
      if (json.size() >= BLOCK) {
        json.writeTo(out);
      }
    }

    @Override
    public void finish(ScanResult r, FindingTally tally) throws IOException {
      for (Problem p : r.problems()) {
        FindingJson.problemLine(json, p);
      }
      FindingJson.summaryLine(json, r, tally);
      json.writeTo(out);
      out.flush();
    }
  }
}

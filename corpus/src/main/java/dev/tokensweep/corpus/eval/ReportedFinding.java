package dev.tokensweep.corpus.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a report finding the evaluator needs; there is no secret in it. Read from a
 * {@code scan --format json} or {@code --format jsonl} report, or taken from a {@link Finding}.
 *
 * @param belongsToFingerprint the fingerprint of what a pair finding's secret belongs to (an AWS
 *     key id), or null: the pair reports that value too, so it finds the value's label
 */
public record ReportedFinding(String ruleId, String kind, String path, Long line, Long column, long offset, Long entry,
    String encoding, String jsonPath, String fingerprint, String belongsToFingerprint) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A finding that names nothing it belongs to. */
  public ReportedFinding(String ruleId, String kind, String path, Long line, Long column, long offset, Long entry,
      String encoding, String jsonPath, String fingerprint) {
    this(ruleId, kind, path, line, column, offset, entry, encoding, jsonPath, fingerprint, null);
  }

  public static ReportedFinding of(Finding f) {
    Location l = f.location();
    return new ReportedFinding(f.evidence().ruleId(), f.evidence().kind().id(), l.path(), l.line(), l.column(),
        l.offset(), l.entry(), l.encoding(), l.jsonPath(), f.evidence().fingerprint(),
        f.evidence().belongsTo() == null ? null : f.evidence().belongsTo().fingerprint());
  }

  /** The provider part of the rule id ({@code aws} for {@code ts.aws.3}), for counting per provider. */
  public String provider() {
    return ruleId == null ? "unknown" : dev.tokensweep.corpus.gen.CatalogueForge.provider(ruleId);
  }

  /** {@code path:line:column} or {@code path@offset}. */
  public String where() {
    if (entry != null) {
      return path + " entry " + entry;
    }
    return line != null ? path + ":" + line + (column != null ? ":" + column : "") : path + "@" + offset;
  }

  /** Reads a JSON report (one document with {@code findings}) or a JSON lines report. */
  public static List<ReportedFinding> read(Path report) throws IOException {
    List<ReportedFinding> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(report, StandardCharsets.UTF_8)) {
      r.mark(1 << 16);
      String first = r.readLine();
      while (first != null && first.isBlank()) {
        first = r.readLine();
      }
      if (first == null) {
        return out;
      }
      r.reset();
      boolean lines = first.strip().startsWith("{") && first.strip().endsWith("}") && first.contains("\"type\"");
      if (!lines) {
        JsonNode doc = JSON.readTree(r);
        JsonNode fs = doc == null ? null : doc.get("findings");
        if (fs == null || !fs.isArray()) {
          throw new IOException(report + ": not a tokensweep JSON report (no findings array)");
        }
        for (JsonNode f : fs) {
          out.add(parse(f));
        }
        return out;
      }
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          throw new IOException(report + ":" + n + ": not JSON");
        }
        if ("finding".equals(text(node, "type"))) {
          out.add(parse(node));
        }
      }
    }
    return out;
  }

  static ReportedFinding parse(JsonNode f) throws IOException {
    JsonNode loc = f.get("location");
    String fp = text(f, "fingerprint");
    if (loc == null || fp == null) {
      throw new IOException("finding without location or fingerprint");
    }
    JsonNode owner = f.get("belongs_to");
    return new ReportedFinding(text(f, "rule_id"), text(f, "kind"), text(loc, "path"), num(loc, "line"), num(loc, "column"),
        loc.path("offset").asLong(0), num(loc, "entry"), text(loc, "encoding"), text(loc, "json_path"), fp,
        owner == null ? null : text(owner, "fingerprint"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Long num(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asLong();
  }
}

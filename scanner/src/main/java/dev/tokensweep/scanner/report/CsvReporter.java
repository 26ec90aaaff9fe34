package dev.tokensweep.scanner.report;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.SafeText;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CSV (RFC 4180): a header row, then one row per finding, CRLF line ends, fields quoted when they
 * hold a comma, a quote, CR or LF. Columns are the report schema's finding fields flattened
 * ({@code location.line} becomes {@code line}); lists are joined with {@code +}. Problems and the
 * summary are not rows: use JSON for those.
 *
 * <p>Text cells go through {@link SafeText#csv}: control characters are escaped (a CSV is often
 * read with {@code cat}), and a cell that starts like a formula gets a leading {@code '}.
 */
final class CsvReporter implements Reporter {
  static final List<String> COLUMNS = List.of("rule_id", "rule_name", "kind", "severity", "path", "line", "column",
      "offset", "entry", "timestamp", "encoding", "json_path", "decodings", "format", "part", "preview", "fingerprint",
      "length", "entropy", "status", "lifetime_seconds", "why", "belongs_to", "belongs_to_preview",
      "belongs_to_fingerprint", "account_id", "store", "store_origin", "store_place");
  /** Added after {@link #COLUMNS} when findings were validated ({@code --validate}). */
  static final List<String> VALIDATION_COLUMNS = List.of("validation", "validation_provider", "validation_identity",
      "validation_account", "validation_scopes", "validation_expires", "validation_reason");

  @Override
  public void report(ScanResult r, OutputStream out) throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    boolean reveal = r.findings().stream().anyMatch(f -> f.revealed() != null);
    boolean validated = r.findings().stream().anyMatch(f -> f.validation() != null);
    row(w, header(validated, reveal));
    for (Finding f : r.findings()) {
      row(w, cells(f, validated, reveal));
    }
    w.flush();
  }

  /**
   * CSV as the scan goes: the header comes with the first finding, which says whether secrets are
   * revealed. A row is the cells {@link #cells} gives (the test holds the two to the same bytes),
   * built without the report model's maps; the cells that depend on the evidence alone are kept
   * for the last {@value #SLOTS} evidences (by identity), which a log of repeating tokens shares.
   */
  static final class RowWriter implements FindingWriter {
    static final int SLOTS = 256;
    private final Writer w;
    private boolean header;
    private boolean reveal;
    private final Evidence[] evidence = new Evidence[SLOTS];
    // per slot: the quoted cells before the location's (rule_id .. severity, each followed by a
    // comma) and after them (preview .. account_id, each preceded by one)
    private final String[] heads = new String[SLOTS];
    private final String[] tails = new String[SLOTS];
    private String path;
    private String pathCell;
    private final StringBuilder row = new StringBuilder(512);

    RowWriter(OutputStream out) {
      this.w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    }

    @Override
    public void finding(Finding f) throws IOException {
      if (!header) {
        header = true;
        reveal = f.revealed() != null; // --reveal reveals every finding or none
        row(w, header(false, reveal));
      }
      Evidence e = f.evidence();
      int slot = System.identityHashCode(e) & (SLOTS - 1);
      if (evidence[slot] != e) {
        heads[slot] = new StringBuilder().append(text(e.ruleId())).append(',').append(text(e.ruleName())).append(',')
            .append(text(e.kind().id())).append(',').append(text(e.severity().id())).append(',').toString();
        Evidence.BelongsTo b = e.belongsTo();
        tails[slot] = new StringBuilder().append(',').append(text(e.preview())).append(',').append(text(e.fingerprint()))
            .append(',').append(e.length()).append(',').append(e.entropy()).append(',').append(text(e.status()))
            .append(',').append(number(e.lifetimeSeconds())).append(',').append(text(e.why()))
            .append(',').append(text(b == null ? null : b.name())).append(',').append(text(b == null ? null : b.preview()))
            .append(',').append(text(b == null ? null : b.fingerprint())).append(',').append(text(e.accountId()))
            .toString();
        evidence[slot] = e;
      }
      Location l = f.location();
      if (l.path() != path || pathCell == null) {
        pathCell = text(l.path());
        path = l.path();
      }
      StringBuilder r = row;
      r.setLength(0);
      r.append(heads[slot]).append(pathCell).append(',').append(number(l.line())).append(',')
          .append(number(l.column())).append(',').append(l.offset()).append(',').append(number(l.entry())).append(',')
          .append(number(l.timestamp())).append(',').append(text(l.encoding())).append(',')
          .append(text(l.jsonPath())).append(',')
          .append(l.decodings() == null ? "" : quote(SafeText.csv(String.join("+", l.decodings())))).append(',')
          .append(text(l.format())).append(',').append(text(l.part()));
      r.append(tails[slot]);
      StoreContext st = l.store();
      r.append(',').append(st == null ? "" : text(st.store())).append(',').append(st == null ? "" : text(st.origin()))
          .append(',').append(st == null ? "" : text(st.describe()));
      if (reveal) {
        r.append(',').append(text(f.revealed()));
      }
      w.append(r.append("\r\n"));
    }

    @Override
    public void finish(ScanResult r, dev.tokensweep.scanner.model.FindingTally tally) throws IOException {
      if (!header) {
        header = true;
        row(w, header(false, false));
      }
      w.flush();
    }

    /** A text cell as {@link #cell} and {@link #quote} make it. */
    private static String text(String s) {
      return s == null ? "" : quote(SafeText.csv(s));
    }

    private static String number(Long n) {
      return n == null ? "" : n.toString();
    }
  }

  private static List<String> header(boolean validated, boolean reveal) {
    List<String> header = new ArrayList<>(COLUMNS);
    if (validated) {
      header.addAll(VALIDATION_COLUMNS);
    }
    if (reveal) {
      header.add("secret");
    }
    return header;
  }

  private static List<String> cells(Finding f, boolean validated, boolean reveal) {
    {
      Map<String, Object> m = ReportModel.finding(f);
      @SuppressWarnings("unchecked")
      Map<String, Object> loc = (Map<String, Object>) m.get("location");
      List<String> cells = new ArrayList<>();
      @SuppressWarnings("unchecked")
      Map<String, Object> owner = (Map<String, Object>) m.getOrDefault("belongs_to", Map.of());
      for (String c : COLUMNS) {
        Object v = switch (c) {
          case "belongs_to" -> owner.get("name");
          case "belongs_to_preview" -> owner.get("preview");
          case "belongs_to_fingerprint" -> owner.get("fingerprint");
          case "store", "store_origin", "store_place" -> store(f, c);
          default -> m.containsKey(c) && !c.equals("location") ? m.get(c) : loc.get(c);
        };
        cells.add(cell(v));
      }
      if (validated) {
        @SuppressWarnings("unchecked")
        Map<String, Object> val = (Map<String, Object>) m.getOrDefault("validation", Map.of());
        for (String c : VALIDATION_COLUMNS) {
          String k = c.equals("validation") ? "status" : c.substring("validation_".length());
          cells.add(cell(val.get(k)));
        }
      }
      if (reveal) {
        cells.add(cell(f.revealed()));
      }
      return cells;
    }
  }

  /** The store columns: its kind, the origin of the bytes, and the rest as {@code StoreContext.describe} says it. */
  private static Object store(Finding f, String column) {
    dev.tokensweep.scanner.model.StoreContext s = f.location().store();
    if (s == null) {
      return null;
    }
    return switch (column) {
      case "store" -> s.store();
      case "store_origin" -> s.origin();
      default -> s.describe();
    };
  }

  private static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        parts.add(String.valueOf(o));
      }
      return SafeText.csv(String.join("+", parts));
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    return SafeText.csv(String.valueOf(v));
  }

  private static void row(Writer w, List<String> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        w.write(',');
      }
      w.write(quote(cells.get(i)));
    }
    w.write("\r\n");
  }

  /** RFC 4180 section 2: quote a field that holds a comma, a double quote, CR or LF; double inner quotes. */
  static String quote(String s) {
    boolean needs = false;
    for (int i = 0; i < s.length() && !needs; i++) {
      char c = s.charAt(i);
      needs = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}

package dev.tokensweep.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning among them): one
 * {@code reportingDescriptor} per rule the scan ran with, one result per finding. A file on disk is
 * the physical location, relative to the report root ({@code SRCROOT}) when it lies under it, else
 * to the scanned root it was found under ({@code ROOT1}, {@code ROOT2}, ...), each base id in
 * {@code originalUriBaseIds}; members of archives are logical locations below it.
 *
 * <p>Columns are UTF-16 code units ({@code columnKind: utf16CodeUnits}), as GitHub counts them:
 * the scan counts bytes, so the reporter reads the bytes before the secret on its line back from
 * the file (never the secret itself) and converts; where it cannot (archive members, decoded
 * layers, other encodings, stdin, a file that changed) the region is the line alone.
 *
 * <p>{@code partialFingerprints["tokensweep/finding/v1"]} is distinct for every distinct finding
 * (the token's keyed fingerprint, where it sits relative to its root, and which occurrence of that
 * token in that place it is), so GitHub never folds two findings into one alert, and stable across
 * runs and checkouts. The token's own fingerprint is in the result's properties. No secret appears
 * unless {@code --reveal} was given, and even then SARIF leaves it out: dashboards are shared.
 */
final class SarifReporter implements Reporter {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  static final String ROOT_ID = "SRCROOT";
  /** The key GitHub and other consumers use to recognise the same alert across runs. */
  static final String FINGERPRINT_KEY = "tokensweep/finding/v1";
  /** Longest line prefix read back to convert a byte column; longer lines get no columns. */
  static final int MAX_PREFIX_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final java.time.format.DateTimeFormatter RUN_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

  private final ReportContext context;
  /** Base id to directory: {@code SRCROOT} first, then the scanned roots outside it. */
  private final Map<String, Path> bases = new LinkedHashMap<>();

  SarifReporter(ReportContext context) {
    this.context = context;
    if (context.root() != null) {
      bases.put(ROOT_ID, context.root());
    }
    int n = 1;
    for (Path r : context.roots()) {
      if (context.root() == null || !r.startsWith(context.root())) {
        bases.put("ROOT" + n++, r);
      }
    }
  }

  @Override
  public void report(ScanResult r, OutputStream out) throws IOException {
    List<Rule> rules = new ArrayList<>(context.rules());
    Map<String, Integer> ruleIndex = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      ruleIndex.putIfAbsent(rules.get(i).id(), i);
    }
    // a finding of a rule the context does not know (a library caller without rules): describe it from the finding
    for (Finding f : r.findings()) {
      Evidence e = f.evidence();
      if (!ruleIndex.containsKey(e.ruleId())) {
        ruleIndex.put(e.ruleId(), rules.size());
        rules.add(new Rule(e.ruleId(), e.ruleName(), e.kind(), List.of(), "", null, null, e.severity(), null, null, null,
            null, null, null, null));
      }
    }
    List<Object> descriptors = new ArrayList<>();
    for (Rule rule : rules) {
      descriptors.add(descriptor(rule));
    }
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "tokensweep");
    driver.put("version", ReportModel.TOOL_VERSION);
    driver.put("semanticVersion", ReportModel.TOOL_VERSION);
    driver.put("informationUri", "https://tokensweep.dev/");
    driver.put("rules", descriptors);

    // each result made as the writer reaches it: a million findings' maps would not fit beside them
    Occurrences occurrences = new Occurrences();
    Iterable<Object> results = ReportModel.each(r.findings(), f -> result(f, ruleIndex.get(f.evidence().ruleId()), occurrences));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", ReportModel.ordered("driver", driver));
    // GitHub takes everything before the last '/' as the analysis category
    run.put("automationDetails", ReportModel.ordered("id", "tokensweep/"
        + (context.sweepId() != null ? context.sweepId() : RUN_TIME.format(context.time()))));
    Map<String, Object> invocation = new LinkedHashMap<>();
    invocation.put("executionSuccessful", r.complete());
    if (!r.problems().isEmpty()) {
      List<Object> notes = new ArrayList<>();
      for (Problem p : r.problems()) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("level", "warning");
        n.put("message", text(p.type().code() + ": " + p.message()));
        n.put("locations", List.of(ReportModel.ordered("physicalLocation", ReportModel.ordered("artifactLocation",
            artifact(ReportModel.chain(p.location()).get(0))))));
        notes.add(n);
      }
      invocation.put("toolExecutionNotifications", notes);
    }
    run.put("invocations", List.of(invocation));
    if (!bases.isEmpty()) {
      Map<String, Object> ids = new LinkedHashMap<>();
      bases.forEach((id, dir) -> ids.put(id, ReportModel.ordered("uri", dirUri(dir))));
      run.put("originalUriBaseIds", ids);
    }
    run.put("results", results);
    run.put("columnKind", "utf16CodeUnits");
    run.put("properties", ReportModel.ordered("tokensweep", ReportModel.ordered("summary", ReportModel.summary(r))));

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("$schema", SCHEMA);
    doc.put("version", "2.1.0");
    doc.put("runs", List.of(run));
    JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out, doc);
    out.write('\n');
    out.flush();
  }

  private static Map<String, Object> descriptor(Rule rule) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("id", rule.id());
    d.put("name", identifier(rule.name()));
    d.put("shortDescription", text(rule.name()));
    d.put("fullDescription", text(rule.description() != null ? rule.description().strip()
        : rule.name() + " (" + rule.kind().id() + ")."));
    String help = help(rule);
    d.put("help", ReportModel.ordered("text", help, "markdown", helpMarkdown(rule)));
    if (!rule.references().isEmpty()) {
      d.put("helpUri", rule.references().get(0));
    }
    d.put("defaultConfiguration", ReportModel.ordered("level", level(rule.severity())));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("tags", List.of("security", "secret", rule.kind().id()));
    props.put("precision", rule.validate().isEmpty() ? "high" : "very-high");
    props.put("security-severity", securitySeverity(rule.severity()));
    d.put("properties", props);
    return d;
  }

  private Map<String, Object> result(Finding f, int ruleIdx, Occurrences occurrences) {
    Evidence e = f.evidence();
    Location l = f.location();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ruleId", e.ruleId());
    m.put("ruleIndex", ruleIdx);
    m.put("level", level(e.severity()));
    String owner = ReportModel.belongsToText(e);
    m.put("message", text(e.ruleName() + " (" + e.kind().id() + ", " + e.severity().id() + "): " + e.preview()
        + (owner.isEmpty() ? "" : " belonging to " + owner) + "; " + e.why() + ". Revoke it, then remove it from here."));
    List<String> chain = ReportModel.chain(l.path());
    Map<String, Object> physical = new LinkedHashMap<>();
    Map<String, Object> artifact = artifact(chain.get(0));
    physical.put("artifactLocation", artifact);
    if (chain.size() == 1 && !Location.NAME.equals(l.part())) {
      Map<String, Object> region = new LinkedHashMap<>();
      if (l.line() != null) {
        region.put("startLine", l.line());
        Long column = utf16Column(chain.get(0), l);
        if (column != null) {
          // the secret itself is never read back; every built-in rule matches ASCII, one unit a byte
          region.put("startColumn", column);
          region.put("endColumn", column + e.length());
        }
      } else {
        region.put("byteOffset", l.offset());
        region.put("byteLength", e.length());
      }
      physical.put("region", region);
    } else {
      // a line inside a member is no line of the archive: point at the archive as a whole (GitHub
      // needs a start line to show an alert); the member and its line are the logical locations.
      // A secret in a file's name is in no line of it: the file as a whole too
      physical.put("region", ReportModel.ordered("startLine", 1));
    }
    Map<String, Object> loc = new LinkedHashMap<>();
    loc.put("physicalLocation", physical);
    List<Object> logical = new ArrayList<>();
    for (int i = 1; i < chain.size(); i++) {
      String name = chain.get(i).isEmpty() ? "(decompressed)" : chain.get(i);
      logical.add(ReportModel.ordered("name", name, "fullyQualifiedName", String.join("!", chain.subList(0, i + 1)),
          "kind", "resource"));
    }
    if (l.jsonPath() != null) {
      logical.add(ReportModel.ordered("name", l.jsonPath(), "fullyQualifiedName", l.path() + "#" + l.jsonPath(), "kind", "property"));
    }
    if (!logical.isEmpty()) {
      loc.put("logicalLocations", logical);
    }
    m.put("locations", List.of(loc));
    // where the finding sits, independent of the checkout's own directory: base id, relative URI,
    // the members inside and the JSON path; then which occurrence of this token there it is
    String place = artifact.get("uriBaseId") + "\n" + artifact.get("uri") + "\n"
        + String.join("!", chain.subList(1, chain.size())) + "\n" + l.jsonPath() + "\n" + e.ruleId()
        + (l.part() == null ? "" : "\n" + l.part());
    String key = e.fingerprint() + "\n" + place;
    int occurrence = occurrences.next(key);
    m.put("partialFingerprints", ReportModel.ordered(FINGERPRINT_KEY, sha256(key + "\n" + occurrence)));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("kind", e.kind().id());
    props.put("severity", e.severity().id());
    props.put("status", e.status());
    props.put("preview", e.preview());
    props.put("fingerprint", e.fingerprint());
    if (e.belongsTo() != null) {
      props.put("belongs_to", ReportModel.belongsTo(e.belongsTo()));
    }
    if (e.accountId() != null) {
      props.put("account_id", e.accountId());
    }
    props.put("location", ReportModel.location(l));
    if (f.validation() != null) {
      props.put("validation", ReportModel.validation(f.validation()));
    }
    m.put("properties", props);
    return m;
  }

  /** An artifact location: relative to the root when the file lies under it, else an absolute file URI. */
  private Map<String, Object> artifact(String path) {
    Map<String, Object> a = new LinkedHashMap<>();
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      a.put("uri", encode(path));
      return a;
    }
    if (path.equals(dev.tokensweep.scanner.pipeline.Scanner.STDIN)) {
      a.put("uri", "stdin");
      return a;
    }
    Path abs = p.toAbsolutePath().normalize();
    String baseId = null;
    Path base = null;
    for (Map.Entry<String, Path> b : bases.entrySet()) {
      // SRCROOT first; else the deepest scanned root that holds the file
      if (abs.startsWith(b.getValue()) && !abs.equals(b.getValue())
          && (base == null || (!baseId.equals(ROOT_ID) && b.getValue().getNameCount() > base.getNameCount()))) {
        baseId = b.getKey();
        base = b.getValue();
      }
    }
    if (base != null) {
      Path rel = base.relativize(abs);
      StringBuilder b = new StringBuilder();
      for (Path part : rel) {
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(encode(part.toString()));
      }
      a.put("uri", b.toString());
      a.put("uriBaseId", baseId);
    } else if (context.root() == null && !p.isAbsolute()) {
      StringBuilder b = new StringBuilder();
      for (Path part : p.normalize()) {
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(encode(part.toString()));
      }
      a.put("uri", b.toString());
    } else {
      a.put("uri", abs.toUri().toString());
    }
    return a;
  }

  /**
   * The 1-based UTF-16 column of a finding in a plain file on disk, from its byte column: the bytes
   * from the start of the line up to the secret are read back and decoded as UTF-8. Null when the
   * location is not a byte position in the file as stored (decoded layers, UTF-16 text), the line is
   * very long, or what is read does not fit (the file changed since, or is not UTF-8).
   */
  static Long utf16Column(String path, Location l) {
    if (l.column() == null || l.line() == null || l.decodings() != null
        || (l.encoding() != null && !l.encoding().equals("utf-8") && !l.encoding().equals("ascii"))
        || path.equals(dev.tokensweep.scanner.pipeline.Scanner.STDIN)) {
      return null;
    }
    long lineStart = l.offset() - (l.column() - 1);
    if (l.column() < 1 || lineStart < 0 || l.column() - 1 > MAX_PREFIX_BYTES) {
      return null;
    }
    long from = lineStart == 0 ? 0 : lineStart - 1;
    int n = (int) (l.offset() - from);
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(Path.of(path))) {
      while (buf.hasRemaining()) {
        if (ch.read(buf, from + buf.position()) < 0) {
          return null;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    byte[] b = buf.array();
    int start = 0;
    if (lineStart > 0) {
      if (b[0] != '\n') {
        return null; // the line does not begin where the scan said: the offset is not a file offset
      }
      start = 1;
    }
    for (int i = start; i < n; i++) {
      if (b[i] == '\n') {
        return null;
      }
    }
    try {
      CharSequence prefix = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b, start, n - start));
      return (long) prefix.length() + 1;
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  private static String sha256(String s) {
    return java.util.HexFormat.of().formatHex(dev.tokensweep.detectors.evidence.SecretDigest.sha256()
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static String dirUri(Path dir) {
    String u = dir.toUri().toString();
    return u.endsWith("/") ? u : u + "/";
  }

  /**
   * Percent-encodes one path segment (RFC 3986 {@code segment}): unreserved characters and
   * sub-delimiters stay, everything else (a colon too, so a segment never reads as a scheme)
   * becomes UTF-8 {@code %XX}.
   */
  static String encode(String segment) {
    StringBuilder b = new StringBuilder(segment.length());
    for (byte x : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = x & 0xFF;
      boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=@".indexOf(c) >= 0;
      if (keep) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return b.toString();
  }

  static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  /** GitHub's scale: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low. */
  static String securitySeverity(Severity s) {
    return switch (s) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> "0.5";
    };
  }

  private static Map<String, Object> text(String t) {
    return ReportModel.ordered("text", t);
  }

  /** {@code GitHub OAuth access token} gives {@code GitHubOAuthAccessToken}. */
  static String identifier(String name) {
    StringBuilder b = new StringBuilder();
    boolean up = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      } else {
        up = true;
      }
    }
    return b.toString();
  }

  static String help(Rule rule) {
    StringBuilder b = new StringBuilder();
    b.append(rule.name()).append(" (").append(rule.kind().id()).append(", ").append(rule.severity().id()).append(").\n");
    if (rule.description() != null) {
      b.append(rule.description().strip()).append('\n');
    }
    b.append(remedy(rule.kind())).append('\n');
    b.append("To accept a known finding: add it to a baseline (--baseline), put tokensweep:allow on its line, "
        + "or list the path in .tokensweepignore.");
    for (String ref : rule.references()) {
      b.append("\nReference: ").append(ref);
    }
    return b.toString();
  }

  static String helpMarkdown(Rule rule) {
    StringBuilder b = new StringBuilder();
    b.append("**").append(rule.name()).append("** (`").append(rule.kind().id()).append("`, ")
        .append(rule.severity().id()).append(")\n\n");
    if (rule.description() != null) {
      b.append(rule.description().strip()).append("\n\n");
    }
    b.append(remedy(rule.kind())).append("\n\n");
    b.append("To accept a known finding: add it to a baseline (`--baseline`), put `tokensweep:allow` on its line, "
        + "or list the path in `.tokensweepignore`.");
    if (!rule.references().isEmpty()) {
      b.append("\n\nReferences:");
      for (String ref : rule.references()) {
        b.append("\n- <").append(ref).append('>');
      }
    }
    return b.toString();
  }

  private static String remedy(Kind kind) {
    return switch (kind) {
      case DEVICE_CODE, USER_CODE -> "Anyone holding this code can finish the device sign-in while it lives: "
          + "deny the pending authorization, then remove the code from this file and its copies.";
      case REFRESH_TOKEN -> "Revoke the refresh token (and the grant or session behind it) at the provider, "
          + "then remove it from this file and its copies.";
      case PRIVATE_KEY -> "Treat the key as compromised: replace it and revoke its certificate or registration, "
          + "then remove it from this file and its copies.";
      case PASSWORD -> "Change the password, then remove it from this file and its copies.";
      default -> "Revoke or rotate the credential at the provider, then remove it from this file and its copies; "
          + "a token in a log or history was readable by everyone who could read the file.";
    };
  }
}

package dev.tokensweep.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.detectors.Evidence;
import dev.tokensweep.detectors.Kind;
import dev.tokensweep.detectors.Rule;
import dev.tokensweep.detectors.Severity;
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
 * the physical location (relative to the report root when it lies under it); members of archives
 * are logical locations below it. {@code partialFingerprints} carry the keyed fingerprint, so the
 * same token is one alert across runs. No secret appears unless {@code --reveal} was given, and
 * even then SARIF leaves it out: dashboards are shared.
 */
final class SarifReporter implements Reporter {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  static final String ROOT_ID = "SRCROOT";
  /** The key GitHub and other consumers use to recognise the same alert across runs. */
  static final String FINGERPRINT_KEY = "tokensweep/secret/v1";
  private static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private final ReportContext context;

  SarifReporter(ReportContext context) {
    this.context = context;
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

    List<Object> results = new ArrayList<>();
    for (Finding f : r.findings()) {
      results.add(result(f, ruleIndex.get(f.evidence().ruleId())));
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", ReportModel.ordered("driver", driver));
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
    if (context.root() != null) {
      run.put("originalUriBaseIds", ReportModel.ordered(ROOT_ID, ReportModel.ordered("uri", dirUri(context.root()))));
    }
    run.put("results", results);
    run.put("columnKind", "unicodeCodePoints");
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

  private Map<String, Object> result(Finding f, int ruleIdx) {
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
    physical.put("artifactLocation", artifact(chain.get(0)));
    if (chain.size() == 1) {
      Map<String, Object> region = new LinkedHashMap<>();
      if (l.line() != null) {
        region.put("startLine", l.line());
        if (l.column() != null) {
          region.put("startColumn", l.column());
          region.put("endColumn", l.column() + e.length());
        }
      } else {
        region.put("byteOffset", l.offset());
        region.put("byteLength", e.length());
      }
      physical.put("region", region);
    } else {
      // a line inside a member is no line of the archive: point at the archive as a whole (GitHub
      // needs a start line to show an alert); the member and its line are the logical locations
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
    m.put("partialFingerprints", ReportModel.ordered(FINGERPRINT_KEY, e.fingerprint()));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("kind", e.kind().id());
    props.put("severity", e.severity().id());
    props.put("status", e.status());
    props.put("preview", e.preview());
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
    if (context.root() != null && abs.startsWith(context.root()) && !abs.equals(context.root())) {
      Path rel = context.root().relativize(abs);
      StringBuilder b = new StringBuilder();
      for (Path part : rel) {
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(encode(part.toString()));
      }
      a.put("uri", b.toString());
      a.put("uriBaseId", ROOT_ID);
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

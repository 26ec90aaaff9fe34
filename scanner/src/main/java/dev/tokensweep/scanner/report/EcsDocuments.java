package dev.tokensweep.scanner.report;

import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Location;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one document schema for a finding and for a sweep, shared by {@code --format ecs}, the local
 * sweep index and OpenSearch shipping, so a user who starts with one can move to another without a
 * second mapping. Documents are built from the report model ({@link ReportModel#finding},
 * {@link ReportModel#summary}) rather than from a {@code Finding}, so a report written earlier
 * (JSON lines) gives the same documents as the scan that wrote it.
 *
 * <p>Shipped and indexed documents never hold a secret: {@code secret} is dropped unless the caller
 * is the ECS reporter under {@code --reveal}. Host names are lower-cased (DNS names are
 * case-insensitive) so {@code Build-7} and {@code build-7} are one host everywhere.
 */
public final class EcsDocuments {
  private EcsDocuments() {}

  public static final String ECS_VERSION = "8.11.0";
  public static final String DATASET_FINDING = "tokensweep.finding";
  public static final String DATASET_SWEEP = "tokensweep.sweep";

  /**
   * Where and when a sweep ran.
   *
   * @param sweepId null only for an ECS report of a scan that was neither indexed nor shipped
   */
  public record Origin(String host, String sweepId, Instant time) {
    public Origin {
      host = host == null ? "localhost" : host.toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The document of one finding.
   *
   * @param finding a finding object of the report schema ({@link ReportModel#finding} or one line
   *     of a JSON lines report)
   * @param keepSecret keep {@code secret} (only the ECS reporter under {@code --reveal})
   */
  public static Map<String, Object> finding(Map<String, Object> finding, Origin origin, boolean keepSecret) {
    Map<String, Object> f = new LinkedHashMap<>(finding);
    f.remove("type");
    if (!keepSecret) {
      f.remove("secret");
    }
    Map<String, Object> loc = map(f.get("location"));
    String path = str(loc.get("path"));
    String ruleId = str(f.get("rule_id"));
    String ruleName = str(f.get("rule_name"));
    String fingerprint = str(f.get("fingerprint"));
    Severity severity = severity(str(f.get("severity")));
    String ts = origin.time().toString();
    String outer = ReportModel.chain(path).get(0);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("@timestamp", ts);
    d.put("message", ruleName + " at " + Location.shortForm(path, num(loc.get("line")), num(loc.get("column")),
        num(loc.get("offset")) == null ? 0 : num(loc.get("offset"))) + ": " + str(f.get("preview")));
    d.put("ecs", ReportModel.ordered("version", ECS_VERSION));

    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", id(origin.host(), origin.sweepId() == null ? "" : origin.sweepId(), path,
        String.valueOf(num(loc.get("offset"))) + (loc.get("part") == null ? "" : "@" + str(loc.get("part"))),
        loc.get("json_path") == null ? "" : str(loc.get("json_path")), ruleId, fingerprint));
    event.put("kind", "alert");
    event.put("category", List.of("file", "vulnerability"));
    event.put("type", List.of("info"));
    event.put("module", "tokensweep");
    event.put("dataset", DATASET_FINDING);
    event.put("provider", "tokensweep");
    event.put("severity", score(severity));
    event.put("risk_score", (double) score(severity));
    event.put("created", ts);
    d.put("event", event);
    d.put("host", ReportModel.ordered("name", origin.host(), "hostname", origin.host()));
    d.put("observer", observer());

    Map<String, Object> file = new LinkedHashMap<>();
    file.put("path", outer);
    file.put("name", baseName(outer));
    d.put("file", file);

    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", ruleId);
    rule.put("name", ruleName);
    rule.put("category", f.get("kind"));
    rule.put("ruleset", "tokensweep");
    d.put("rule", rule);

    Map<String, Object> ts2 = new LinkedHashMap<>();
    ts2.put("schema_version", ReportModel.VERSION);
    if (origin.sweepId() != null) {
      ts2.put("sweep_id", origin.sweepId());
    }
    ts2.put("finding", f);
    d.put("tokensweep", ts2);
    return d;
  }

  /**
   * The document of a sweep: when it ran on which host and what it scanned and found
   * ({@link ReportModel#summary}). Shipped after its findings, so a sweep document in a cluster
   * means every finding of that sweep is there too.
   */
  public static Map<String, Object> sweep(Map<String, Object> summary, Origin origin) {
    if (origin.sweepId() == null) {
      throw new IllegalArgumentException("a sweep document needs a sweep id");
    }
    String ts = origin.time().toString();
    boolean complete = !Boolean.FALSE.equals(summary.get("complete"));
    Object findings = summary.get("findings");
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("@timestamp", ts);
    d.put("message", "sweep " + origin.sweepId() + " of " + origin.host() + ": " + findings + " findings, "
        + summary.get("files") + " files" + (complete ? "" : ", incomplete"));
    d.put("ecs", ReportModel.ordered("version", ECS_VERSION));
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", id(origin.host(), origin.sweepId(), "(sweep)"));
    event.put("kind", "event");
    event.put("category", List.of("file"));
    event.put("type", List.of("info"));
    event.put("module", "tokensweep");
    event.put("dataset", DATASET_SWEEP);
    event.put("provider", "tokensweep");
    event.put("outcome", complete ? "success" : "failure");
    event.put("created", ts);
    d.put("event", event);
    d.put("host", ReportModel.ordered("name", origin.host(), "hostname", origin.host()));
    d.put("observer", observer());
    Map<String, Object> ts2 = new LinkedHashMap<>();
    ts2.put("schema_version", ReportModel.VERSION);
    ts2.put("sweep_id", origin.sweepId());
    ts2.put("sweep", new LinkedHashMap<>(summary));
    d.put("tokensweep", ts2);
    return d;
  }

  /** Elastic's detection-rule scale: 21 low, 47 medium, 73 high, 99 critical. */
  public static int score(Severity s) {
    return switch (s) {
      case INFO -> 0;
      case LOW -> 21;
      case MEDIUM -> 47;
      case HIGH -> 73;
      case CRITICAL -> 99;
    };
  }

  /** The {@code event.id} of a document built here: its id in an index. */
  public static String eventId(Map<String, Object> document) {
    return str(map(document.get("event")).get("id"));
  }

  /** 32 hex of SHA-256 over the parts: stable for the same host, sweep, place and token, so retries never double. */
  private static String id(String... parts) {
    return id(sha256(), parts);
  }

  /** {@link #id(String...)} with a digest of the caller's (a writer of many documents keeps one). */
  static String id(MessageDigest md, String... parts) {
    md.reset();
    md.update(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest(), 0, 16);
  }

  static MessageDigest sha256() {
    return dev.tokensweep.detectors.evidence.SecretDigest.sha256();
  }

  private static Map<String, Object> observer() {
    return ReportModel.ordered("vendor", "tokensweep", "product", "tokensweep", "version", ReportModel.TOOL_VERSION,
        "type", "secret-scanner");
  }

  private static Severity severity(String id) {
    try {
      return Severity.of(id);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Severity.INFO;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static Long num(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  static String baseName(String path) {
    int i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return i >= 0 ? path.substring(i + 1) : path;
  }
}

package dev.tokensweep.scanner.report;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.check.Jwt;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.CacheContext;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import dev.tokensweep.scanner.model.Validation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The report schema (version {@value #VERSION}) as plain maps, shared by the JSON-based reporters so
 * every format names a field the same way. Field order is fixed for stable, diffable output.
 */
public final class ReportModel {
  private ReportModel() {}

  public static final int VERSION = 1;
  public static final String TOOL_VERSION = "0.1.0";

  /**
   * {@code items} mapped by {@code to} one at a time, as a JSON writer iterates: an array of a
   * million findings is written without a million maps alive at once. Jackson writes an
   * {@link Iterable} as it writes a list, so the output is the same. Once through only.
   */
  static <T> Iterable<Object> each(java.util.List<T> items, java.util.function.Function<? super T, ?> to) {
    return new Each<>(items, to);
  }

  private static final class Each<T> implements Iterable<Object> {
    private final java.util.List<T> items;
    private final java.util.function.Function<? super T, ?> to;

    Each(java.util.List<T> items, java.util.function.Function<? super T, ?> to) {
      this.items = items;
      this.to = to;
    }

    @Override
    public java.util.Iterator<Object> iterator() {
      java.util.Iterator<T> it = items.iterator();
      return new java.util.Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Object next() {
          return to.apply(it.next());
        }
      };
    }
  }

  public static Map<String, Object> finding(Finding f) {
    Evidence e = f.evidence();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule_id", e.ruleId());
    m.put("rule_name", e.ruleName());
    m.put("kind", e.kind().id());
    m.put("severity", e.severity().id());
    m.put("location", location(f.location()));
    m.put("preview", e.preview());
    m.put("fingerprint", e.fingerprint());
    m.put("length", e.length());
    m.put("entropy", e.entropy());
    m.put("status", e.status());
    if (e.lifetimeSeconds() != null) {
      m.put("lifetime_seconds", e.lifetimeSeconds());
    }
    if (e.claims() != null) {
      m.put("claims", claims(e.claims()));
    }
    if (!e.broadScopes().isEmpty()) {
      m.put("broad_scopes", e.broadScopes());
    }
    m.put("why", e.why());
    if (e.belongsTo() != null) {
      m.put("belongs_to", belongsTo(e.belongsTo()));
    }
    putIf(m, "account_id", e.accountId());
    if (f.validation() != null) {
      m.put("validation", validation(f.validation()));
    }
    if (f.revealed() != null) {
      m.put("secret", f.revealed());
    }
    return m;
  }

  /** The public half of a pair: what it is, its redacted preview and its fingerprint. */
  public static Map<String, Object> belongsTo(Evidence.BelongsTo b) {
    return ordered("name", b.name(), "preview", b.preview(), "fingerprint", b.fingerprint());
  }

  /** {@code key_id …ABCD (account 123456789012)}: the pair and account in one phrase for people; empty when neither. */
  public static String belongsToText(Evidence e) {
    StringBuilder b = new StringBuilder();
    if (e.belongsTo() != null) {
      b.append(e.belongsTo().name()).append(' ').append(e.belongsTo().preview())
          .append(" fp:").append(e.belongsTo().fingerprint(), 0, 12);
    }
    if (e.accountId() != null) {
      b.append(b.length() > 0 ? ", " : "").append("account ").append(e.accountId());
    }
    return b.toString();
  }

  public static Map<String, Object> location(Location l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", l.path());
    putIf(m, "line", l.line());
    putIf(m, "column", l.column());
    m.put("offset", l.offset());
    putIf(m, "entry", l.entry());
    putIf(m, "timestamp", l.timestamp());
    putIf(m, "encoding", l.encoding());
    putIf(m, "json_path", l.jsonPath());
    putIf(m, "decodings", l.decodings());
    putIf(m, "format", l.format());
    putIf(m, "part", l.part());
    if (l.cache() != null) {
      m.put("token_cache", cache(l.cache()));
    }
    if (l.store() != null) {
      m.put("store", store(l.store()));
    }
    return m;
  }

  static Map<String, Object> store(StoreContext s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", s.store());
    putIf(m, "origin", s.origin());
    putIf(m, "table", s.table());
    putIf(m, "rowid", s.rowid());
    putIf(m, "column", s.column());
    putIf(m, "page", s.page());
    putIf(m, "seqnum", s.seqnum());
    putIf(m, "realtime", s.realtime());
    if (s.realtime() != null) {
      m.put("time", Instant.ofEpochSecond(s.realtime() / 1_000_000, (s.realtime() % 1_000_000) * 1000).toString());
    }
    putIf(m, "field", s.field());
    putIf(m, "key", s.key());
    putIf(m, "value_offset", s.valueOffset());
    return m;
  }

  static Map<String, Object> cache(CacheContext c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", c.kind());
    putIf(m, "entry", c.entry());
    putIf(m, "exp", c.expires());
    if (c.expires() != null) {
      m.put("expires", Instant.ofEpochSecond(c.expires()).toString());
    }
    putIf(m, "refresh_token_present", c.refreshTokenPresent());
    if (c.familyRefreshToken()) {
      m.put("family_refresh_token", true);
    }
    return m;
  }

  /** What the provider said ({@code --validate}): status first, then what it told about the token. */
  public static Map<String, Object> validation(Validation v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", v.status());
    putIf(m, "provider", v.provider());
    putIf(m, "identity", v.identity());
    putIf(m, "account", v.account());
    if (!v.scopes().isEmpty()) {
      m.put("scopes", v.scopes());
    }
    if (v.expires() != null) {
      m.put("exp", v.expires());
      m.put("expires", Instant.ofEpochSecond(v.expires()).toString());
    }
    putIf(m, "reason", v.reason());
    if (v.checked() != null) {
      m.put("checked", v.checked().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }
    putIf(m, "source", v.source());
    return m;
  }

  static Map<String, Object> claims(Jwt.Claims c) {
    Map<String, Object> m = new LinkedHashMap<>();
    putIf(m, "alg", c.alg());
    putIf(m, "typ", c.typ());
    putIf(m, "iss", c.iss());
    if (!c.aud().isEmpty()) {
      m.put("aud", c.aud());
    }
    putIf(m, "iat", c.iat());
    putIf(m, "nbf", c.nbf());
    putIf(m, "exp", c.exp());
    if (c.exp() != null) {
      m.put("expires", Instant.ofEpochSecond(c.exp()).toString());
    }
    if (!c.scopes().isEmpty()) {
      m.put("scopes", c.scopes());
    }
    putIf(m, "client_id", c.clientId());
    putIf(m, "token_use", c.tokenUse());
    return m;
  }

  public static Map<String, Object> problem(Problem p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("location", p.location());
    m.put("problem", p.type().code());
    m.put("message", p.message());
    return m;
  }

  public static Map<String, Object> summary(ScanResult r) {
    return summary(r, dev.tokensweep.scanner.model.FindingTally.of(r.findings()));
  }

  /**
   * The summary of {@code r} with the finding counts of {@code tally}: a report written as the
   * scan went holds its findings nowhere but in the output.
   */
  public static Map<String, Object> summary(ScanResult r, dev.tokensweep.scanner.model.FindingTally tally) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("files", r.files());
    m.put("leaves", r.leaves());
    m.put("bytes", r.bytes());
    m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
    m.put("findings", tally.total());
    Map<String, Long> byKind = new LinkedHashMap<>();
    for (Map.Entry<Kind, Long> e : tally.byKind().entrySet()) {
      byKind.put(e.getKey().id(), e.getValue());
    }
    m.put("by_kind", byKind);
    Map<String, Long> bySev = new LinkedHashMap<>();
    for (Map.Entry<Severity, Long> e : tally.bySeverity().entrySet()) {
      bySev.put(e.getKey().id(), e.getValue());
    }
    m.put("by_severity", bySev);
    m.put("problems", r.problems().size());
    m.put("complete", r.complete());
    m.put("suppressed", new LinkedHashMap<>(r.suppressed()));
    Map<String, Long> validation = new LinkedHashMap<>();
    for (Finding f : r.findings()) {
      if (f.validation() != null) {
        validation.merge(f.validation().status(), 1L, Long::sum);
      }
    }
    if (!validation.isEmpty()) {
      Map<String, Long> ordered = new LinkedHashMap<>();
      for (String st : java.util.List.of(Validation.LIVE, Validation.INVALID, Validation.UNKNOWN)) {
        ordered.put(st, validation.getOrDefault(st, 0L));
      }
      m.put("validation", ordered);
    }
    return m;
  }

  /** The archive chain of a path: {@code a.tgz!x/y.log!} gives {@code [a.tgz, x/y.log, ""]}. */
  public static java.util.List<String> chain(String path) {
    return java.util.List.of(path.split("!", -1));
  }

  /** An insertion-ordered map of {@code key, value, key, value, ...}: {@code Map.of} order changes from run to run. */
  public static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static void putIf(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  /** Bytes for people: {@code 512 B}, {@code 71.5 KiB}, {@code 1.0 GiB}. */
  public static String humanBytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}

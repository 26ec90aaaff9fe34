package dev.tokensweep.scanner.report;

import dev.tokensweep.detectors.check.Jwt;
import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.CacheContext;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import dev.tokensweep.scanner.model.Validation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report schema's objects written straight into a {@link JsonLine}, member for member as
 * {@link ReportModel} builds them as maps (same names, order, omissions and values), so a
 * streamed report needs no map per finding and no databind. {@code LineJsonTest} holds the two
 * to the same bytes; a field added to {@link ReportModel} must be added here too.
 *
 * <p>An instance remembers the bytes of the evidence it wrote last ({@value #SLOTS} slots, by
 * identity): a scan builds one {@link Evidence} per secret, and a gateway log repeats the same
 * few tokens on thousands of lines, whose names, preview, fingerprint, entropy and claims then
 * are copied instead of escaped and formatted again. The path of the leaf likewise. Not
 * thread-safe: one per report writer.
 */
final class FindingJson {
  static final int SLOTS = 256;

  private final Evidence[] evidence = new Evidence[SLOTS];
  // per slot: the members before the location (rule_id .. severity) and those after it (preview .. account_id)
  private final byte[][] heads = new byte[SLOTS][];
  private final byte[][] tails = new byte[SLOTS][];
  private String path;
  private byte[] pathMember;
  private final JsonLine scratch = new JsonLine(1024);

  /** The members of {@link ReportModel#finding} (without the braces). */
  void finding(JsonLine j, Finding f) {
    Evidence e = f.evidence();
    int slot = System.identityHashCode(e) & (SLOTS - 1);
    if (evidence[slot] != e) {
      heads[slot] = members(head(scratch.clear().open(), e));
      tails[slot] = members(tail(scratch.clear().open(), e));
      evidence[slot] = e;
    }
    j.members(heads[slot]);
    j.name("location").open();
    location(j, f.location());
    j.close();
    j.members(tails[slot]);
    if (f.validation() != null) {
      j.name("validation").open();
      validation(j, f.validation());
      j.close();
    }
    j.stringIf("secret", f.revealed());
  }

  /** The members written into {@link #scratch} after its opening brace. */
  private byte[] members(JsonLine j) {
    return j.copy(1);
  }

  private static JsonLine head(JsonLine j, Evidence e) {
    j.string("rule_id", e.ruleId());
    j.string("rule_name", e.ruleName());
    j.string("kind", e.kind().id());
    j.string("severity", e.severity().id());
    return j;
  }

  private static JsonLine tail(JsonLine j, Evidence e) {
    j.string("preview", e.preview());
    j.string("fingerprint", e.fingerprint());
    j.number("length", e.length());
    j.number("entropy", e.entropy());
    j.string("status", e.status());
    j.numberIf("lifetime_seconds", e.lifetimeSeconds());
    if (e.claims() != null) {
      j.name("claims").open();
      claims(j, e.claims());
      j.close();
    }
    if (!e.broadScopes().isEmpty()) {
      j.strings("broad_scopes", e.broadScopes());
    }
    j.string("why", e.why());
    if (e.belongsTo() != null) {
      Evidence.BelongsTo b = e.belongsTo();
      j.name("belongs_to").open();
      j.string("name", b.name()).string("preview", b.preview()).string("fingerprint", b.fingerprint());
      j.close();
    }
    j.stringIf("account_id", e.accountId());
    return j;
  }

  /** A JSON lines record: {@code {"type":"finding", ...}} and a newline. */
  void findingLine(JsonLine j, Finding f) {
    j.open().string("type", "finding");
    finding(j, f);
    j.close().newline();
  }

  private void location(JsonLine j, Location l) {
    if (l.path() != path || pathMember == null) {
      pathMember = members(scratch.clear().open().string("path", l.path()));
      path = l.path();
    }
    j.members(pathMember);
    j.numberIf("line", l.line());
    j.numberIf("column", l.column());
    j.number("offset", l.offset());
    j.numberIf("entry", l.entry());
    j.numberIf("timestamp", l.timestamp());
    j.stringIf("encoding", l.encoding());
    j.stringIf("json_path", l.jsonPath());
    if (l.decodings() != null) {
      j.strings("decodings", l.decodings());
    }
    j.stringIf("format", l.format());
    j.stringIf("part", l.part());
    if (l.cache() != null) {
      j.name("token_cache").open();
      cache(j, l.cache());
      j.close();
    }
    if (l.store() != null) {
      j.name("store").open();
      store(j, l.store());
      j.close();
    }
  }

  private static void store(JsonLine j, StoreContext s) {
    j.string("kind", s.store());
    j.stringIf("origin", s.origin());
    j.stringIf("table", s.table());
    j.numberIf("rowid", s.rowid());
    j.stringIf("column", s.column());
    j.numberIf("page", s.page());
    j.numberIf("seqnum", s.seqnum());
    j.numberIf("realtime", s.realtime());
    if (s.realtime() != null) {
      j.string("time", Instant.ofEpochSecond(s.realtime() / 1_000_000, (s.realtime() % 1_000_000) * 1000).toString());
    }
    j.stringIf("field", s.field());
    j.stringIf("key", s.key());
    j.numberIf("value_offset", s.valueOffset());
  }

  private static void cache(JsonLine j, CacheContext c) {
    j.string("kind", c.kind());
    j.stringIf("entry", c.entry());
    j.numberIf("exp", c.expires());
    if (c.expires() != null) {
      j.string("expires", Instant.ofEpochSecond(c.expires()).toString());
    }
    if (c.refreshTokenPresent() != null) {
      j.bool("refresh_token_present", c.refreshTokenPresent());
    }
    if (c.familyRefreshToken()) {
      j.bool("family_refresh_token", true);
    }
  }

  private static void validation(JsonLine j, Validation v) {
    j.string("status", v.status());
    j.stringIf("provider", v.provider());
    j.stringIf("identity", v.identity());
    j.stringIf("account", v.account());
    if (!v.scopes().isEmpty()) {
      j.strings("scopes", v.scopes());
    }
    if (v.expires() != null) {
      j.number("exp", v.expires());
      j.string("expires", Instant.ofEpochSecond(v.expires()).toString());
    }
    j.stringIf("reason", v.reason());
    if (v.checked() != null) {
      j.string("checked", v.checked().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }
    j.stringIf("source", v.source());
  }

  private static void claims(JsonLine j, Jwt.Claims c) {
    j.stringIf("alg", c.alg());
    j.stringIf("typ", c.typ());
    j.stringIf("iss", c.iss());
    if (!c.aud().isEmpty()) {
      j.strings("aud", c.aud());
    }
    j.numberIf("iat", c.iat());
    j.numberIf("nbf", c.nbf());
    j.numberIf("exp", c.exp());
    if (c.exp() != null) {
      j.string("expires", Instant.ofEpochSecond(c.exp()).toString());
    }
    if (!c.scopes().isEmpty()) {
      j.strings("scopes", c.scopes());
    }
    j.stringIf("client_id", c.clientId());
    j.stringIf("token_use", c.tokenUse());
  }

  /** A JSON lines record of {@link ReportModel#problem}. */
  static void problemLine(JsonLine j, Problem p) {
    j.open().string("type", "problem");
    j.string("location", p.location());
    j.string("problem", p.type().code());
    j.string("message", p.message());
    j.close().newline();
  }

  /** A JSON lines record of {@link ReportModel#summary(ScanResult, FindingTally)}. */
  static void summaryLine(JsonLine j, ScanResult r, FindingTally tally) {
    j.open().string("type", "summary");
    j.number("files", r.files());
    j.number("leaves", r.leaves());
    j.number("bytes", r.bytes());
    j.number("seconds", Math.round(r.seconds() * 1000) / 1000.0);
    j.number("findings", tally.total());
    j.name("by_kind").open();
    for (Map.Entry<Kind, Long> e : tally.byKind().entrySet()) {
      j.number(e.getKey().id(), e.getValue());
    }
    j.close();
    j.name("by_severity").open();
    for (Map.Entry<Severity, Long> e : tally.bySeverity().entrySet()) {
      j.number(e.getKey().id(), e.getValue());
    }
    j.close();
    j.number("problems", r.problems().size());
    j.bool("complete", r.complete());
    j.name("suppressed").open();
    for (Map.Entry<String, Long> e : r.suppressed().entrySet()) {
      j.key(e.getKey()).longValue(e.getValue());
    }
    j.close();
    Map<String, Long> validation = new LinkedHashMap<>();
    for (Finding f : r.findings()) {
      if (f.validation() != null) {
        validation.merge(f.validation().status(), 1L, Long::sum);
      }
    }
    if (!validation.isEmpty()) {
      j.name("validation").open();
      for (String st : List.of(Validation.LIVE, Validation.INVALID, Validation.UNKNOWN)) {
        j.number(st, validation.getOrDefault(st, 0L));
      }
      j.close();
    }
    j.close().newline();
  }
}

package dev.tokensweep.scanner.respond;

import dev.tokensweep.scanner.model.Validation;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tokensweep revoke}: for findings chosen from a report or the sweep index (which hold no
 * secrets), the secrets re-read from the inputs are matched by fingerprint, a plan says what would
 * be revoked where, and only when asked each token is revoked at its provider's documented
 * endpoint and then checked again. Providers with a revocation endpoint: GitHub (credential
 * revocation API, installation token deletion), GitLab (token self-revocation), Slack
 * ({@code auth.revoke}), Google (RFC 7009 style {@code /revoke}), Okta ({@code /v1/revoke}), Dropbox
 * ({@code /2/auth/token/revoke}).
 */
public final class Revoker {

  /** A finding chosen for revocation, as a report or the index names it: never the secret. */
  public record Target(String ruleId, String fingerprint, String where, String preview) {}

  /**
   * One token of the plan: the findings that hold it, and either the request that would revoke it
   * ({@code action}) or why it cannot be ({@code blocker}).
   */
  public record Step(String fingerprint, String ruleId, String provider, List<String> where, String preview, String action,
      String blocker) {
    public boolean ready() {
      return blocker == null;
    }
  }

  /**
   * What happened to one token.
   *
   * @param result {@code revoked} (the provider accepted the revocation), {@code failed} or {@code skipped}
   * @param after the provider's answer when asked again afterwards; null when not asked
   */
  public record Outcome(Step step, String result, String reason, Validation after, Instant at) {
    public static final String REVOKED = "revoked";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
  }

  private final Endpoints endpoints;
  private final Validator validator;
  private final Http http;
  private final java.util.function.UnaryOperator<String> scrub;

  /**
   * A revoker that sends to the providers' real hosts; {@code scrub} masks the secrets in a text
   * (the scan's), for what the providers answer: a provider may quote the token it was sent.
   */
  public static Revoker create(Validator.Settings s, java.util.function.UnaryOperator<String> scrub) {
    return new Revoker(Endpoints.current(), s, scrub);
  }

  Revoker(Endpoints endpoints, Validator.Settings s, java.util.function.UnaryOperator<String> scrub) {
    this.endpoints = endpoints;
    this.validator = new Validator(endpoints, s, scrub);
    this.http = new Http(endpoints.ssl(), s.timeout(), s.concurrency(), s.interval());
    this.scrub = scrub;
  }

  /** The plan for {@code targets}, whose secrets {@code capture} re-read from the inputs. No request is made. */
  public List<Step> plan(List<Target> targets, SecretCapture capture) {
    Map<String, List<Target>> byFp = new LinkedHashMap<>();
    for (Target t : targets) {
      byFp.computeIfAbsent(t.fingerprint(), k -> new ArrayList<>()).add(t);
    }
    List<Step> plan = new ArrayList<>();
    for (Map.Entry<String, List<Target>> e : byFp.entrySet()) {
      Target first = e.getValue().get(0);
      List<String> where = new ArrayList<>();
      for (Target t : e.getValue()) {
        if (!where.contains(t.where())) {
          where.add(t.where());
        }
      }
      Credential c = capture.credential(e.getKey());
      if (c == null) {
        SecretCapture.Skip s = capture.skipped(e.getKey());
        String why = s != null ? s.reason() : "its secret was not found in the given inputs (scan the same files, with the same "
            + "fingerprint key)";
        plan.add(new Step(e.getKey(), first.ruleId(), s == null || s.provider() == null ? provider(first.ruleId()) : s.provider(), where,
            first.preview(), null, why));
        continue;
      }
      HttpRequest req = c.provider().revoke(c.provider().base(endpoints, c), c).build();
      URI u = req.uri();
      String action = req.method() + " " + u.getScheme() + "://" + u.getAuthority() + u.getRawPath();
      plan.add(new Step(e.getKey(), first.ruleId(), c.provider().id(), where, first.preview(), action, null));
    }
    return plan;
  }

  private static String provider(String ruleId) {
    String[] parts = ruleId == null ? new String[0] : ruleId.split("\\.");
    return parts.length >= 2 ? parts[1] : null;
  }

  /** Revokes every ready step, one request each, then asks each provider again. */
  public List<Outcome> revoke(List<Step> plan, SecretCapture capture) {
    List<Outcome> out = new ArrayList<>();
    for (Step s : plan) {
      if (!s.ready()) {
        out.add(new Outcome(s, Outcome.SKIPPED, s.blocker(), null, Instant.now()));
        continue;
      }
      Credential c = capture.credential(s.fingerprint());
      Provider p = c.provider();
      Http.Exchange x;
      try {
        x = http.send(p.id(), p.revoke(p.base(endpoints, c), c));
      } catch (RuntimeException e) {
        out.add(new Outcome(s, Outcome.FAILED, "request not built (" + e.getClass().getSimpleName() + ")", null, Instant.now()));
        continue;
      }
      String failure;
      if (x.failure() != null) {
        failure = x.failure();
      } else if (x.answer().status() / 100 == 3) {
        failure = "HTTP " + x.answer().status() + " redirect not followed";
      } else {
        String r;
        try {
          r = p.readRevocation(x.answer());
        } catch (RuntimeException e) {
          r = "malformed answer";
        }
        failure = r == null ? null : scrub.apply(r);
      }
      Instant at = Instant.now();
      Validation after = null;
      if (p.fit(c.ruleId(), c.secret(), c.jwt(), at).validate()) {
        after = validator.askOne(c);
      }
      out.add(new Outcome(s, failure == null ? Outcome.REVOKED : Outcome.FAILED, failure, after, at));
    }
    return out;
  }

  /** The stderr line: revocation requests and checks, per provider and host. */
  public String summary() {
    Map<String, Integer> sent = http.sent();
    Map<String, java.util.Set<String>> hosts = http.hosts();
    int total = sent.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder b = new StringBuilder("tokensweep: revoke: ");
    if (total == 0) {
      b.append("no revocation requests sent");
    } else {
      java.util.StringJoiner j = new java.util.StringJoiner(", ");
      sent.forEach((p, n) -> j.add(p + " " + n + " to " + String.join(" ", hosts.getOrDefault(p, java.util.Set.of()))));
      b.append(total).append(total == 1 ? " revocation request (" : " revocation requests (").append(j).append(')');
    }
    String checks = validator.summary().replace("tokensweep: validate: ", "");
    return b.append("; checked again: ").append(checks).toString();
  }
}

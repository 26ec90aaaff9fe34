package dev.tokensweep.scanner.respond;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a provider's answer does to a finding's severity. A token its provider confirms live is at
 * least {@code high}, and {@code critical} when the provider reports broad scopes (those of
 * {@link Evidence#BROAD_SCOPES} and each provider's write-everything scopes) or an AWS root user; a
 * token the provider rejects is {@code low} (it was leaked, but can no longer be used); an unknown
 * answer changes nothing. The finding's {@code why} says which answer moved it.
 */
public final class Severities {
  private Severities() {}

  /** Provider scopes or roles that reach as far as the broad scopes the detectors know. */
  static final Set<String> BROAD = Set.of("api", "sudo", "admin_mode", "write_repository", "admin", "write",
      "admin:repo_hook", "admin:org_hook", "admin:public_key", "admin:gpg_key");

  public static Evidence apply(Evidence e, Validation v) {
    if (v == null || Validation.UNKNOWN.equals(v.status())) {
      return e;
    }
    Severity sev;
    String why;
    if (v.live()) {
      List<String> broad = broad(v);
      boolean root = v.identity() != null && v.identity().startsWith("arn:aws:iam::") && v.identity().endsWith(":root");
      if (!broad.isEmpty() || root) {
        sev = Severity.CRITICAL;
        why = "confirmed live by " + v.provider() + (root ? " as the AWS account's root user" : " with broad scopes " + broad);
      } else {
        sev = e.severity().atLeast(Severity.HIGH) ? e.severity() : Severity.HIGH;
        why = "confirmed live by " + v.provider();
      }
    } else {
      sev = Severity.LOW;
      why = "rejected by " + v.provider() + " (revoked, expired or not valid)";
    }
    return e.withSeverity(sev, why + "; before: " + e.why());
  }

  static List<String> broad(Validation v) {
    List<String> out = new ArrayList<>();
    for (String s : v.scopes()) {
      String l = s.toLowerCase(Locale.ROOT);
      if (Evidence.BROAD_SCOPES.contains(l) || BROAD.contains(l) || l.endsWith("/.default") || l.endsWith(".readwrite.all")) {
        out.add(s);
      }
    }
    return out;
  }
}

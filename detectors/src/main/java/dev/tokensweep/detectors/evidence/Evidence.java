package dev.tokensweep.detectors.evidence;

import dev.tokensweep.detectors.check.Entropy;
import dev.tokensweep.detectors.check.Jwt;
import dev.tokensweep.detectors.check.Validators;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Severity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything a report may say about a match, with the secret already gone: redacted preview,
 * keyed fingerprint, entropy, decoded JWT claims, and the severity they imply at scan time.
 *
 * @param status {@code live}, {@code expired} or {@code unknown} (no expiry we can read)
 * @param broadScopes the scopes among {@code claims.scopes()} that raise severity
 * @param why one line on how the severity was reached
 * @param belongsTo what the secret belongs to, for a pair rule's finding (null otherwise)
 * @param accountId the AWS account a key id names, where the id decodes to one (the secret's own,
 *     or the key id a secret access key belongs to); not secret, and what a responder looks up first
 */
public record Evidence(String ruleId, String ruleName, Kind kind, Severity severity, String preview,
    String fingerprint, int length, double entropy, Jwt.Claims claims, String status, Long lifetimeSeconds,
    List<String> broadScopes, String why, BelongsTo belongsTo, String accountId) {

  /**
   * The public half of a pair, as reports may show it: what it is ({@code key_id}, {@code client_id},
   * {@code user}), its redacted preview (by the same rules as a secret's) and its keyed fingerprint,
   * so the same key id or client id can be searched for across hosts.
   */
  public record BelongsTo(String name, String preview, String fingerprint) {}

  /** Evidence of a match that belongs to nothing known. */
  public Evidence(String ruleId, String ruleName, Kind kind, Severity severity, String preview, String fingerprint,
      int length, double entropy, Jwt.Claims claims, String status, Long lifetimeSeconds, List<String> broadScopes,
      String why) {
    this(ruleId, ruleName, kind, severity, preview, fingerprint, length, entropy, claims, status, lifetimeSeconds,
        broadScopes, why, null, null);
  }

  /** This evidence with another severity and reason, everything else (the pair it belongs to too) kept. */
  public Evidence withSeverity(Severity sev, String newWhy) {
    return new Evidence(ruleId, ruleName, kind, sev, preview, fingerprint, length, entropy, claims, status,
        lifetimeSeconds, broadScopes, newWhy, belongsTo, accountId);
  }

  /**
   * This evidence with the texts it quotes from a JWT's claims (the claims, the broad scopes and
   * the reason that names them) put through {@code redact}; itself when it has no claims or they
   * hold nothing to redact.
   */
  public Evidence withClaimsRedacted(java.util.function.UnaryOperator<String> redact) {
    if (claims == null) {
      return this;
    }
    Jwt.Claims c = claims.redacted(redact);
    String w = why == null ? null : redact.apply(why);
    List<String> broad = broadScopes;
    if (c != claims) {
      // broad scopes are some of the scopes: unchanged claims had nothing to redact in them either
      broad = new ArrayList<>(broadScopes.size());
      for (String s : broadScopes) {
        broad.add(redact.apply(s));
      }
    } else if (java.util.Objects.equals(w, why)) {
      return this;
    }
    return new Evidence(ruleId, ruleName, kind, severity, preview, fingerprint, length, entropy, c, status,
        lifetimeSeconds, broad, w, belongsTo, accountId);
  }

  /** Scopes that let a token do much more than read a profile. */
  public static final Set<String> BROAD_SCOPES = Set.of(".default", "offline_access", "user_impersonation",
      "directory.readwrite.all", "files.readwrite.all", "mail.readwrite", "https://www.googleapis.com/auth/cloud-platform",
      "repo", "admin:org", "workflow", "delete_repo", "write:packages", "admin:enterprise", "sites.readwrite.all",
      "user.readwrite.all", "application.readwrite.all", "rolemanagement.readwrite.directory");

  public Evidence {
    broadScopes = List.copyOf(broadScopes);
  }

  /**
   * What the place a secret was stored in says about it that its bytes cannot: a token cache knows
   * which of its entries are refresh tokens and when opaque tokens expire. The scanner maps its
   * file formats to this; this module stays free of file knowledge.
   *
   * @param refresh the store keeps the secret as a refresh token
   * @param expires when the store says the secret expires, or null; a JWT's own {@code exp} wins
   * @param familyRefresh a Microsoft family refresh token (MSAL {@code family_id}): every
   *     first-party app of the family can redeem it, so it reaches far beyond the app that got it
   */
  public record Hint(boolean refresh, Instant expires, boolean familyRefresh, Instant seen) {
    public Hint(boolean refresh, Instant expires, boolean familyRefresh) {
      this(refresh, expires, familyRefresh, null);
    }

    /** Only when the secret was written: a shell-history entry's or a journal entry's time. */
    public static Hint seenAt(Instant seen) {
      return new Hint(false, null, false, seen);
    }
  }

  /**
   * The longest life of a device or user code among the providers we know (Google: 1800 s; GitHub
   * and Microsoft 900 s, AWS and Okta 600 s). A code written longer ago than this cannot be redeemed.
   */
  public static final long MAX_DEVICE_CODE_SECONDS = 1800;

  /** Secrets of this many characters or fewer are not decoded as JWTs: a header alone ({@code eyJhbGciOiJIUzI1NiJ9}) is 20. */
  static final int MIN_JWT_CHARS = 20;

  /** Builds the evidence for {@code m}, judging expiry at {@code now}. */
  public static Evidence of(Match m, Fingerprinter fp, Instant now) {
    return of(m, fp, now, null);
  }

  /** Builds the evidence for {@code m} with what its store says about it ({@code hint}, may be null). */
  public static Evidence of(Match m, Fingerprinter fp, Instant now, Hint hint) {
    Rule rule = m.rule();
    byte[] secret = m.secret();
    Jwt.Claims claims = secret.length > MIN_JWT_CHARS && secret[0] == 'e' && secret[1] == 'y' ? Jwt.decode(secret) : null;
    String status = "unknown";
    Long lifetime = null;
    List<String> broad = new ArrayList<>();
    if (claims != null) {
      status = claims.exp() == null ? "unknown" : claims.expiredAt(now) ? "expired" : "live";
      lifetime = claims.lifetimeSeconds();
      for (String s : claims.scopes()) {
        String l = s.toLowerCase(Locale.ROOT);
        if (BROAD_SCOPES.contains(l) || l.endsWith("/.default") || l.endsWith(".readwrite.all")) {
          broad.add(s);
        }
      }
    }
    // an expiry from the store counts only where the secret carries none of its own
    boolean storeExpiry = hint != null && hint.expires() != null && (claims == null || claims.exp() == null);
    if (storeExpiry) {
      status = hint.expires().isAfter(now) ? "live" : "expired";
    }
    Severity sev = rule.severity();
    String why;
    Kind kind = hint != null && (hint.refresh() || hint.familyRefresh()) ? Kind.REFRESH_TOKEN : rule.kind();
    boolean refreshLike = kind == Kind.REFRESH_TOKEN || (claims != null && claims.tokenUse() != null
        && (claims.tokenUse().equalsIgnoreCase("refresh") || claims.tokenUse().equalsIgnoreCase("offline")));
    if (claims != null && "expired".equals(status) && !storeExpiry) {
      sev = Severity.LOW;
      why = "JWT expired at scan time";
    } else if ("expired".equals(status)) {
      sev = Severity.LOW;
      why = "expired at scan time, by the expiry its token cache records";
    } else if (hint != null && hint.familyRefresh()) {
      sev = Severity.CRITICAL;
      why = "family refresh token: every first-party app of the family can redeem it";
    } else if (claims != null) {
      String life = "live".equals(status) ? "live JWT" : "JWT without expiry";
      if (refreshLike) {
        sev = Severity.CRITICAL;
        why = life + " refresh token";
      } else if (kind == Kind.ID_TOKEN) {
        sev = Severity.MEDIUM;
        why = life + " ID token (identity, not access)";
      } else if (!broad.isEmpty()) {
        sev = Severity.CRITICAL;
        why = life + " with broad scopes " + broad;
      } else if (claims.exp() == null && !storeExpiry) {
        sev = max(sev, Severity.HIGH);
        why = life + ": never expires";
      } else {
        sev = max(sev, Severity.HIGH);
        why = life;
      }
    } else if (refreshLike) {
      sev = Severity.CRITICAL;
      why = (storeExpiry ? "live " : "") + "refresh token: mints new access tokens for weeks or months";
    } else if (storeExpiry) {
      sev = max(sev, Severity.HIGH);
      why = "live: its token cache records a later expiry";
    } else if ((kind == Kind.DEVICE_CODE || kind == Kind.USER_CODE) && hint != null && hint.seen() != null
        && hint.seen().plusSeconds(MAX_DEVICE_CODE_SECONDS).isBefore(now)) {
      status = "expired";
      sev = Severity.LOW;
      why = kind.id().replace('_', ' ') + " written at " + hint.seen() + ", longer ago than any device code lives ("
          + MAX_DEVICE_CODE_SECONDS / 60 + " min)";
    } else if (kind == Kind.DEVICE_CODE) {
      sev = max(sev, Severity.HIGH);
      why = "device code: redeemable by anyone who holds it until it expires";
    } else if (kind == Kind.USER_CODE) {
      sev = Severity.MEDIUM;
      why = "user code: enables device-code phishing while it lives";
    } else {
      why = "rule severity";
    }
    Match.Identifier id = m.identifier();
    BelongsTo belongs = id == null ? null
        : new BelongsTo(id.name(), Redaction.preview(rule, id.value()), fp.fingerprint(id.value()));
    Long account = rule.validate().contains(Validators.AWS_ACCOUNT_ID) ? Validators.awsAccountId(secret) : null;
    if (account == null && id != null) {
      account = Validators.awsAccountId(id.value());
    }
    return new Evidence(rule.id(), rule.name(), kind, sev, Redaction.preview(rule, secret), fp.fingerprint(secret),
        secret.length, Math.round(Entropy.shannon(secret) * 100) / 100.0, claims, status, lifetime, broad, why, belongs,
        account == null ? null : twelveDigits(account));
  }

  /** An AWS account id as AWS writes it, twelve digits (String.format was 2% of a dense scan's thread). */
  static String twelveDigits(long account) {
    String s = Long.toString(account);
    return s.length() >= 12 ? s : "0".repeat(12 - s.length()) + s;
  }

  private static Severity max(Severity a, Severity b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}

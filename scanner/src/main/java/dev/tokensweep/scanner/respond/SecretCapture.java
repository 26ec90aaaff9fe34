package dev.tokensweep.scanner.respond;

import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.scanner.model.Finding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps, for the length of one run, the secrets that a provider can be asked about: the pipeline
 * offers every finding with its raw match, and only the secrets of a supported provider (or, for
 * {@code revoke}, of the chosen fingerprints) stay, one per fingerprint, in memory, up to a bound.
 * The rest of the program only ever sees what the providers answer. AWS key ids and secret keys
 * are separate findings; a secret key is paired with the nearest key id in the same leaf.
 * Thread-safe: the pipeline offers from its scan threads.
 */
public final class SecretCapture {

  /** Distinct secrets kept at most; beyond it findings are reported as not asked. */
  public static final int DEFAULT_MAX_SECRETS = 10_000;

  /** How far apart (in bytes of the same leaf) an AWS key id and its secret key may be found. */
  static final long AWS_PAIR_WINDOW = 4096;

  private static final String TOO_MANY = "more distinct secrets than one run keeps (" + DEFAULT_MAX_SECRETS + ")";

  private final Set<String> only;
  private final boolean forRevocation;
  private final int maxSecrets;
  private final Instant now;
  private final Map<String, Credential> byFingerprint = new LinkedHashMap<>();
  private final Map<String, Skip> skipped = new HashMap<>();
  private final List<AwsPart> aws = new ArrayList<>();
  private long dropped;

  private SecretCapture(Set<String> only, boolean forRevocation, int maxSecrets, Instant now) {
    this.only = only;
    this.forRevocation = forRevocation;
    this.maxSecrets = maxSecrets;
    this.now = now;
  }

  /** For {@code scan --validate}: every secret a provider can check; JWTs are judged expired at {@code now}. */
  public static SecretCapture forValidation(Instant now) {
    return new SecretCapture(null, false, DEFAULT_MAX_SECRETS, now);
  }

  static SecretCapture forValidation(Instant now, int maxSecrets) {
    return new SecretCapture(null, false, maxSecrets, now);
  }

  /** For {@code revoke}: only the secrets with these fingerprints. */
  public static SecretCapture forFingerprints(Set<String> fingerprints, Instant now) {
    return new SecretCapture(Set.copyOf(fingerprints), true, Math.max(1, fingerprints.size()), now);
  }

  /** Why a finding of a known provider was not asked about. */
  record Skip(String provider, String reason) {}

  /** An AWS key id, secret key or session token, where it was found. */
  record AwsPart(Providers.Aws.Part part, String path, long offset, String fingerprint, String ruleId, String secret) {
    @Override
    public String toString() {
      return "AwsPart[" + part + " at " + path + "@" + offset + "]";
    }
  }

  /**
   * Called by the pipeline for every reported finding, while its raw match is still at hand. Keeps
   * the secret only when a provider can be asked about it; never logs or throws on its account.
   */
  public void offer(Match m, Finding f) {
    Match.Identifier id = m.identifier();
    if (id != null && f.evidence().belongsTo() != null && m.rule().id().startsWith("ts.aws.")) {
      // a pair's finding names its key id, which is then not a finding of its own: the key id is
      // offered here, where it was found, so the secret key pairs with it as with a separate finding
      offer(m.rule().id(), id.value(), f.evidence().belongsTo().fingerprint(), f.location().path(),
          f.location().offset() - (m.start() - id.start()));
    }
    offer(m.rule().id(), m.secret(), f.evidence().fingerprint(), f.location().path(), f.location().offset());
  }

  /** {@link #offer(Match, Finding)} with what it uses of them. */
  void offer(String ruleId, byte[] secretBytes, String fp, String path, long offset) {
    if (only != null && !only.contains(fp)) {
      return;
    }
    String secret = new String(secretBytes, StandardCharsets.ISO_8859_1);
    Providers.Aws.Part part = Providers.Aws.part(ruleId, secret);
    synchronized (this) {
      if (byFingerprint.containsKey(fp)) {
        return;
      }
      if (part != null && !forRevocation) {
        if (aws.size() >= maxSecrets * 3) {
          dropped++;
          skipped.putIfAbsent(fp, new Skip("aws", TOO_MANY));
          return;
        }
        aws.add(new AwsPart(part, path, offset, fp, ruleId, secret));
        return;
      }
      Providers.Match pm = Providers.match(ruleId, secret, now);
      if (pm == null) {
        if (forRevocation) {
          // found in the inputs, but no provider is known for it: say so, not "not found"
          skipped.putIfAbsent(fp, new Skip(null, "no provider with a revocation endpoint is known for " + ruleId));
        }
        return;
      }
      boolean keep = forRevocation ? pm.fit().revoke() : pm.fit().validate();
      if (!keep) {
        skipped.putIfAbsent(fp, new Skip(pm.provider().id(), forRevocation ? (pm.fit().reason() != null ? pm.fit().reason()
            : pm.provider().id() + " has no revocation endpoint for it") : pm.fit().reason()));
        return;
      }
      if (byFingerprint.size() >= maxSecrets) {
        dropped++;
        skipped.putIfAbsent(fp, new Skip(pm.provider().id(), TOO_MANY));
        return;
      }
      byFingerprint.put(fp, Credential.single(pm.provider(), fp, ruleId, secret, pm.jwt()));
    }
  }

  /** Findings that were not kept beyond the bound. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Why the finding with this fingerprint was not asked about, when its provider was known. */
  synchronized Skip skipped(String fingerprint) {
    return skipped.get(fingerprint);
  }

  /** The credential kept for this fingerprint (not for AWS parts), or null. */
  synchronized Credential credential(String fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** Whether a secret with this fingerprint was kept (for {@code revoke}: found in the inputs). */
  synchronized boolean has(String fingerprint) {
    if (byFingerprint.containsKey(fingerprint)) {
      return true;
    }
    for (AwsPart p : aws) {
      if (p.fingerprint().equals(fingerprint)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Everything to ask about: one credential per distinct secret, and one per AWS key id and the
   * secret key found nearest to it (with the nearest session token for a temporary key). AWS parts
   * that found no partner are listed in {@link #skipped}.
   */
  synchronized List<Credential> credentials() {
    List<Credential> out = new ArrayList<>(byFingerprint.values());
    Provider awsProvider = Providers.byId("aws");
    Map<String, List<AwsPart>> byPath = new LinkedHashMap<>();
    for (AwsPart p : aws) {
      byPath.computeIfAbsent(p.path(), k -> new ArrayList<>()).add(p);
    }
    Map<String, Credential> pairs = new LinkedHashMap<>();
    Set<String> paired = new LinkedHashSet<>();
    for (List<AwsPart> parts : byPath.values()) {
      for (AwsPart s : parts) {
        if (s.part() != Providers.Aws.Part.SECRET) {
          continue;
        }
        AwsPart id = nearest(parts, s, Providers.Aws.Part.KEY_ID);
        if (id == null) {
          continue;
        }
        AwsPart token = id.secret().startsWith("ASIA") ? nearest(parts, s, Providers.Aws.Part.SESSION) : null;
        String key = id.fingerprint() + "+" + s.fingerprint();
        Set<String> fps = new LinkedHashSet<>(List.of(id.fingerprint(), s.fingerprint()));
        if (token != null) {
          fps.add(token.fingerprint());
        }
        Credential prev = pairs.get(key);
        if (prev != null) {
          Set<String> merged = new LinkedHashSet<>(prev.fingerprints());
          merged.addAll(fps);
          pairs.put(key, new Credential(awsProvider, key, prev.ruleId(), prev.secret(), prev.keyId(), prev.sessionToken(), null,
              Collections.unmodifiableSet(merged)));
        } else {
          pairs.put(key, new Credential(awsProvider, key, s.ruleId(), s.secret(), id.secret(), token == null ? null : token.secret(),
              null, Collections.unmodifiableSet(fps)));
        }
        paired.addAll(fps);
      }
    }
    for (AwsPart p : aws) {
      if (!paired.contains(p.fingerprint())) {
        skipped.putIfAbsent(p.fingerprint(), new Skip("aws", switch (p.part()) {
          case KEY_ID -> "an AWS key id: no secret access key found within " + AWS_PAIR_WINDOW + " bytes of it";
          case SECRET -> "an AWS secret key: no access key id found within " + AWS_PAIR_WINDOW + " bytes of it";
          case SESSION -> "an AWS session token: no temporary key pair found near it";
        }));
      }
    }
    out.addAll(pairs.values());
    return out;
  }

  private static AwsPart nearest(List<AwsPart> parts, AwsPart to, Providers.Aws.Part want) {
    AwsPart best = null;
    long bestDist = Long.MAX_VALUE;
    for (AwsPart p : parts) {
      long d = Math.abs(p.offset() - to.offset());
      if (p.part() == want && d <= AWS_PAIR_WINDOW && d < bestDist) {
        best = p;
        bestDist = d;
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return "SecretCapture[" + byFingerprint.size() + " secrets, " + aws.size() + " AWS parts]";
  }
}

package dev.tokensweep.detectors.evidence;

import dev.tokensweep.detectors.rule.Rule;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scan's evidence, built once per secret: a gateway log carries one bearer token on thousands
 * of lines, and each of them used to decode the same JWT again, compute the same entropy, preview
 * and keyed fingerprint. Keyed by the SHA-256 of the secret (and of its identifier, for a pair),
 * with the rule, the store's hint and the time the scan judges expiry at, so the cache holds no
 * secret: an {@link Evidence} holds only what a report may print. Bounded: when it holds
 * {@link #capacity} secrets it starts again empty. Thread-safe; one per scan run, since it
 * belongs to one {@link Fingerprinter}.
 */
public final class EvidenceCache {
  /** Secrets remembered at most, by default: ~1-2 KB of evidence each. */
  public static final int DEFAULT_CAPACITY = 4096;

  private final Fingerprinter fingerprinter;
  private final int capacity;
  private final java.util.function.UnaryOperator<String> claimsShown;
  private final ConcurrentHashMap<Key, Evidence> byKey = new ConcurrentHashMap<>();
  private final ThreadLocal<SecretDigest> digest = ThreadLocal.withInitial(SecretDigest::new);

  public EvidenceCache(Fingerprinter fingerprinter) {
    this(fingerprinter, DEFAULT_CAPACITY);
  }

  public EvidenceCache(Fingerprinter fingerprinter, int capacity) {
    this(fingerprinter, capacity, java.util.function.UnaryOperator.identity());
  }

  /**
   * {@code claimsShown} redacts what a JWT's claims quote ({@link Evidence#withClaimsRedacted}),
   * once per secret as the rest of the evidence is built.
   */
  public EvidenceCache(Fingerprinter fingerprinter, int capacity, java.util.function.UnaryOperator<String> claimsShown) {
    this.fingerprinter = fingerprinter;
    this.capacity = capacity;
    this.claimsShown = claimsShown;
  }

  /** What {@link Evidence#of(Match, Fingerprinter, Instant, Evidence.Hint)} builds for {@code m}, once per secret. */
  public Evidence of(Match m, Instant now, Evidence.Hint hint) {
    if (capacity <= 0) {
      return Evidence.of(m, fingerprinter, now, hint).withClaimsRedacted(claimsShown);
    }
    SecretDigest d = digest.get();
    long sh;
    long sl;
    if (m.digest() != null) { // the detector's, computed once for every finding of a repeated window
      sh = m.digest().hi();
      sl = m.digest().lo();
    } else {
      byte[] secret = m.secret();
      d.digest(secret, 0, secret.length);
      sh = d.hi();
      sl = d.lo();
    }
    Match.Identifier id = m.identifier();
    long ih = 0;
    long il = 0;
    if (id != null) {
      d.digest(id.value(), 0, id.value().length);
      ih = d.hi();
      il = d.lo();
    }
    Key k = new Key(m.rule(), sh, sl, id == null ? null : id.name(), ih, il, hint, now);
    Evidence e = byKey.get(k);
    if (e == null) {
      e = Evidence.of(m, fingerprinter, now, hint).withClaimsRedacted(claimsShown);
      if (byKey.size() >= capacity) {
        byKey.clear();
      }
      byKey.put(k, e);
    }
    return e;
  }

  /** Everything evidence depends on besides the fingerprint key; secret and identifier by digest. */
  private record Key(Rule rule, long secretHi, long secretLo, String idName, long idHi, long idLo,
      Evidence.Hint hint, Instant now) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.rule == rule && k.secretHi == secretHi && k.secretLo == secretLo
          && k.idHi == idHi && k.idLo == idLo && java.util.Objects.equals(k.idName, idName)
          && java.util.Objects.equals(k.hint, hint) && java.util.Objects.equals(k.now, now);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(secretHi) * 31 + System.identityHashCode(rule);
    }
  }
}

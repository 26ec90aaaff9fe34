package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.EvidenceCache;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.StoreContext;
import dev.tokensweep.scanner.respond.SecretCapture;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every part of one scanner shares to turn matches into findings: the detector and its
 * rules' order (the rule first in the catalogue wins a secret span), the fingerprinter, the
 * options, and where raw matches are offered for {@code --validate}. Immutable; thread-safe.
 */
final class ScanContext {
  /**
   * A finding is settled once its leaf's reader is at least this many bytes past it (or the
   * detector's overlap, four times, when that is more): a span is found again only by the next
   * chunk, within the overlap of the border, and 1 MiB is past any chunk's overlap.
   */
  private static final long MIN_SETTLE_DISTANCE = 1L << 20;

  final Detector detector;
  final Fingerprinter fingerprinter;
  /** Evidence built once per secret of this scanner's runs (a token on thousands of log lines). */
  final EvidenceCache evidence;
  /**
   * What makes a JWT's decoded claims printable: each secret a claim holds (a client id that is an
   * API key, a scope that is a token) redacted; nothing under {@code --reveal}.
   */
  final java.util.function.UnaryOperator<String> claimsShown;
  final Scanner.Options options;
  // respond: keeps the secrets a provider can be asked about (--validate, revoke); null otherwise
  final SecretCapture capture;
  private final Map<String, Integer> priority = new HashMap<>();

  ScanContext(Detector detector, Fingerprinter fingerprinter, Scanner.Options options, SecretCapture capture) {
    this.detector = detector;
    this.fingerprinter = fingerprinter;
    this.claimsShown = options.reveal() ? java.util.function.UnaryOperator.identity()
        : t -> dev.tokensweep.scanner.model.SafeText.scrubAroundEscapes(t, detector::scrub);
    this.evidence = new EvidenceCache(fingerprinter, EvidenceCache.DEFAULT_CAPACITY, claimsShown);
    this.options = options;
    this.capture = capture;
    List<Rule> rules = detector.rules();
    for (int i = 0; i < rules.size(); i++) {
      priority.putIfAbsent(rules.get(i).id(), i);
    }
  }

  /** The rule's place in the catalogue; lower wins a span. */
  int priorityOf(String ruleId) {
    return priority.getOrDefault(ruleId, Integer.MAX_VALUE);
  }

  /** Matches by start, end, then catalogue order: the order {@link Match#onePerSpan} expects. */
  Comparator<Match> matchOrder() {
    return matchOrder;
  }

  // one comparator for the scanner's life, written out: a chain of comparing/thenComparing
  // lambdas was built for every segment, and ran slowly until C2 had compiled it
  private final Comparator<Match> matchOrder = new Comparator<>() {
    @Override
    public int compare(Match a, Match b) {
      if (a.start() != b.start()) {
        return Integer.compare(a.start(), b.start());
      }
      if (a.end() != b.end()) {
        return Integer.compare(a.end(), b.end());
      }
      return a.rule() == b.rule() ? 0 : Integer.compare(priorityOf(a.rule().id()), priorityOf(b.rule().id()));
    }
  };

  /** The secret in clear under {@code --reveal}, else null. */
  String revealed(Match m) {
    return options.reveal() ? new String(m.secret(), StandardCharsets.UTF_8) : null;
  }

  /** Bytes a leaf's reader must be past a finding before it is settled (see {@link FindingSettler#WINDOW_FINDINGS}). */
  long settleDistance() {
    return Math.max(MIN_SETTLE_DISTANCE, 4L * detector.overlap());
  }

  /**
   * One secret span of one leaf: the fingerprint too, as two members of one tar may share a name
   * and their secrets an offset. A record, not a string joined from the parts: one is made per
   * finding, and on a dense log (a token on one line in 20) the joining cost more than the map.
   */
  record SpanKey(String path, long offset, int length, Long entry, String jsonPath, List<String> decodings,
      String fingerprint, StoreContext store, String part) {
    // written out: the generated ones go through method handles, slow until the JIT has compiled them
    @Override
    public int hashCode() {
      return (Long.hashCode(offset) * 31 + length) * 31 + Objects.hashCode(fingerprint);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SpanKey k && k.offset == offset && k.length == length && Objects.equals(k.path, path)
          && Objects.equals(k.fingerprint, fingerprint) && Objects.equals(k.entry, entry)
          && Objects.equals(k.jsonPath, jsonPath) && Objects.equals(k.decodings, decodings)
          && Objects.equals(k.store, store) && Objects.equals(k.part, part);
    }
  }

  static SpanKey spanKey(Finding f) {
    Location l = f.location();
    return new SpanKey(l.path(), l.offset(), f.evidence().length(), l.entry(), l.jsonPath(), l.decodings(),
        f.evidence().fingerprint(), l.store(), l.part());
  }

  /**
   * Places remembered to drop a finding made again through a decoding layer: a place is reported
   * again only within one chunk or near a part border, so the last few thousand are enough, and
   * the set stays small however many findings a leaf holds.
   */
  static final int PLACES_REMEMBERED = 4096;

  /** An empty set of places ({@link #placeKey}) that forgets the eldest past {@link #PLACES_REMEMBERED}. */
  static Map<PlaceKey, Boolean> recentPlaces() {
    return new java.util.LinkedHashMap<>(256, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<PlaceKey, Boolean> eldest) {
        return size() > PLACES_REMEMBERED;
      }
    };
  }

  /**
   * A rule's finding of one secret at one place of a leaf, whatever decoding layers led to it. The
   * secret ({@code byte[]} or a fingerprint, one kind per map) tells apart findings that share a
   * place without being one: every finding inside a compressed run or an archive in base64 is
   * located at the run's start, and two tokens of one rule there were reported as one.
   */
  record PlaceKey(String ruleId, long offset, Long entry, String jsonPath, StoreContext store, Object secret) {
    @Override
    public int hashCode() {
      return Long.hashCode(offset) * 31 + Objects.hashCode(ruleId);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PlaceKey k && k.offset == offset && Objects.equals(k.ruleId, ruleId)
          && Objects.equals(k.entry, entry) && Objects.equals(k.jsonPath, jsonPath) && Objects.equals(k.store, store)
          && Objects.deepEquals(k.secret, secret);
    }
  }

  /**
   * The place key of a finding of {@code secret}: the secret counts only where a decoding layer
   * locates all it finds at one place (a compressed run or an archive in base64, {@code base64+gzip},
   * {@code base64+zip}, ...); elsewhere a place holds one finding of a rule, clear or decoded.
   */
  static PlaceKey placeKey(String ruleId, Location l, Object secret) {
    List<String> d = l.decodings();
    boolean atRunStart = d != null && !d.isEmpty() && d.get(d.size() - 1).indexOf('+') >= 0;
    return new PlaceKey(ruleId, l.offset(), l.entry(), l.jsonPath(), l.store(), atRunStart ? secret : null);
  }
}

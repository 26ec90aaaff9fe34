package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.Suppression;
import dev.tokensweep.scanner.read.Locator;
import dev.tokensweep.scanner.read.SegmentSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where one leaf's readers hand their segments: runs the detector over each, keeps one finding per
 * secret span (the rule first in the catalogue wins), honours inline allows, redacts names in
 * locations, and hands the findings on through a {@link FindingSettler} once no later chunk can
 * report their span again. Call {@link #flush} when the leaf ends. Not thread-safe: one per leaf.
 */
final class LeafSink implements SegmentSink {
  private final ScanContext context;
  private final Collector collector;
  private final FindingSettler settler;
  private final List<Match> matches = new ArrayList<>();
  // findings already made in this leaf, so a secret found again through a decoding layer (a
  // URL-decoded run that left the token itself unchanged) is reported once; bounded. Only a
  // finding in decoded text looks a place up, so until the leaf's first one the places are kept
  // in a ring of the last PLACES_REMEMBERED, without hashing (the map cost ~80 ms a GB of a log
  // with a finding every 4.6 KB and none decoded); that finding moves them into the map, oldest
  // first, which then holds what it would have held all along: the detector reports a match
  // once, so a plain place never comes twice.
  private Map<ScanContext.PlaceKey, Boolean> seen;
  private final ScanContext.PlaceKey[] ring = new ScanContext.PlaceKey[ScanContext.PLACES_REMEMBERED];
  private long placed; // places put in the ring so far
  // matches and problems handed to this sink so far (effects())
  private long effects;

  LeafSink(ScanContext context, Collector collector) {
    this.context = context;
    this.collector = collector;
    this.settler = new FindingSettler(context, collector::finding);
  }

  // the names redacted last (a leaf's findings share its path and often a JSON path, a store's a
  // table and column), and what they became
  private final java.util.function.UnaryOperator<String> shownNames = new java.util.function.UnaryOperator<>() {
    private final String[] raw = new String[4];
    private final String[] shown = new String[4];
    private int next;

    @Override
    public String apply(String name) {
      for (int i = 0; i < raw.length; i++) {
        if (name.equals(raw[i])) {
          return shown[i];
        }
      }
      raw[next] = name;
      shown[next] = collector.shown.apply(name);
      String s = shown[next];
      next = (next + 1) % raw.length;
      return s;
    }
  };

  /** {@code l} as it may be printed and stored ({@link Location#redacted}). */
  private Location shown(Location l) {
    return l.redacted(shownNames);
  }

  /** The leaf has ended: every finding held is settled. */
  void flush() {
    settler.flush();
  }

  @Override
  public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
    matches.clear();
    context.detector.scan(buf, from, to, ownFrom, ownTo, matches::add);
    if (matches.isEmpty()) {
      return; // nothing handed on: a segment with no match changes nothing but the detector's caches
    }
    effects += matches.size();
    // one finding per secret span: where a provider rule and a generic rule both confirm the
    // same bytes, the rule listed first in the catalogue wins (and keeps a pair rule's identifier)
    matches.sort(context.matchOrder());
    List<Match> winners = Match.onePerSpan(matches);
    java.util.Set<Long> paired = Match.identifierSpans(winners);
    // a segment with a finding every KB or closer is searched for the allow marker once
    // (InlineAllow.markerIn): most hold none, and then no finding's line does
    boolean markerFree = winners.size() * 1024L >= to - from && !InlineAllow.markerIn(buf, from, to);
    for (Match m : winners) {
      if (OwnTags.isTagHex(buf, from, to, m.start(), m.end())) {
        continue; // sanitize's own mask, read back (a copy scanned again)
      }
      collector.match(m); // the sanitizer redacts every secret, allowed or not
      if (paired.contains(m.span())) {
        continue; // a key id that a pair's finding names: reported once, with its secret
      }
      if (!markerFree && InlineAllow.onLineOf(buf, from, to, m.start(), m.end())) {
        collector.suppressed(Suppression.INLINE_ALLOW);
        continue;
      }
      Location loc = locator.locate(m.start(), m.end());
      if (loc == null) {
        continue; // a copy of a name or key, or of a delta's base, that was scanned where it stands (Locator)
      }
      loc = shown(loc);
      ScanContext.PlaceKey place = ScanContext.placeKey(m.rule().id(), loc, m.secret());
      if (seen == null && loc.decodings() == null) {
        ring[(int) (placed++ % ring.length)] = place;
      } else {
        if (seen == null) {
          seen = ScanContext.recentPlaces();
          for (long k = Math.max(0, placed - ring.length); k < placed; k++) {
            seen.put(ring[(int) (k % ring.length)], Boolean.TRUE);
          }
        }
        if (seen.put(place, Boolean.TRUE) != null && loc.decodings() != null) {
          continue;
        }
      }
      Evidence.Hint hint = loc.cache() != null ? loc.cache().hint()
          : loc.timestamp() != null ? Evidence.Hint.seenAt(java.time.Instant.ofEpochSecond(loc.timestamp())) : null;
      Evidence ev = context.evidence.of(m, context.options.now(), hint);
      Finding finding = new Finding(loc, ev, context.revealed(m));
      collector.found(finding);
      settler.add(finding);
      if (context.capture != null) {
        context.capture.offer(m, finding);
      }
    }
    matches.clear();
  }

  @Override
  public int overlap() {
    return context.detector.overlap();
  }

  @Override
  public dev.tokensweep.detectors.engine.Detector detector() {
    return context.detector;
  }

  @Override
  public void problem(Problem problem) {
    effects++;
    collector.problem(problem);
  }

  @Override
  public long effects() {
    return effects;
  }
}

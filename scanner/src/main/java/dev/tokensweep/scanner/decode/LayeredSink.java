package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.Locator;
import dev.tokensweep.scanner.read.SegmentSink;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers around one sink: passes each segment on as it is, then has every layer decode its
 * runs and scans those, decoded, through a sink one layer shallower, until {@code depthLeft} is
 * spent. The one pass over the segment's bytes ({@link SegmentPass}) goes first: it tells a
 * line-counting locator where the newlines are, so the plain segment's findings are located
 * without counting of their own. Not thread-safe, as the sink it wraps.
 */
final class LayeredSink extends SegmentSink.Forwarding {
  /** The layers, in the order their decoded runs are scanned (the order of their findings). */
  private static final DecodingLayer[] LAYERS = {new Base64Layer(), new UrlLayer(), new RsyslogLayer()};

  private final int depthLeft;
  private final SegmentPass pass = new SegmentPass();
  /** The runs decoded from this sink's own segments that came to nothing; null below the top. */
  private final RunMemo memo;
  /** Whether this sink's segments are whole decoded runs ({@link DecodingLayer.Next#wholeEnd}). */
  private final boolean wholeEnd;
  /** Whether the segment being decoded ends where its leaf does ({@link #lastSegment}). */
  private boolean leafEnd;
  /** The decoding problems reported so far from the leaf, shared by the layers below the top. */
  private final Reported problems;
  private final DecodingLayer.Next next = new DecodingLayer.Next() {
    @Override
    public void pass(byte[] decoded, int n, String layer, Locator toEncoded) {
      next(decoded, n, layer, toEncoded, false);
    }

    @Override
    public void pass(byte[] decoded, int n, String layer, Locator toEncoded, boolean whole) {
      next(decoded, n, layer, toEncoded, whole);
    }

    @Override
    public boolean wholeEnd() {
      return wholeEnd || leafEnd;
    }

    @Override
    public void problem(Problem problem, String same) {
      report(problem, same);
    }

    @Override
    public RunMemo memo() {
      return memo;
    }
  };

  /**
   * Decoding problems one leaf (one part of a leaf read in parts) reports one by one; past them,
   * one more says that there were more, and the rest are dropped: a hostile log can hold a
   * payload past a cap on every line, and the scan is incomplete (exit 3) after the first.
   */
  static final int MAX_PROBLEMS = 8;

  /**
   * The layers around {@code out}, with a memo of the runs that came to nothing when {@code out}
   * counts its effects.
   */
  LayeredSink(SegmentSink out, int depthLeft) {
    this(out, depthLeft, MAX_PROBLEMS);
  }

  /**
   * As {@link #LayeredSink(SegmentSink, int)}, handing on {@code maxProblems} decoding problems one
   * by one before the one that says there were more: a filter that counts them ({@code redact})
   * hands on every one.
   */
  LayeredSink(SegmentSink out, int depthLeft, int maxProblems) {
    this(out, depthLeft, out.effects() >= 0 && depthLeft > 0 ? new RunMemo(out::effects) : null, false,
        new Reported(maxProblems));
  }

  private LayeredSink(SegmentSink out, int depthLeft, RunMemo memo, boolean wholeEnd, Reported problems) {
    super(out);
    this.depthLeft = depthLeft;
    this.memo = memo;
    this.wholeEnd = wholeEnd;
    this.problems = problems;
  }

  /**
   * The leaf's decoding problems: how many, and what each reported one was ({@link
   * DecodingLayer.Next#problem}'s {@code same}; at most {@code max} and one more).
   */
  private static final class Reported {
    final int max;
    int count;
    final java.util.Set<String> same = new java.util.HashSet<>();

    Reported(int max) {
      this.max = max;
    }
  }

  /**
   * Hands {@code p} on while the leaf has reported fewer than its most ({@link #MAX_PROBLEMS}
   * unless told), unless it was reported already ({@code same}): the rsyslog and URL layers decode
   * a line again, and come to its payloads again after the base64 layer did.
   */
  private void report(Problem p, String same) {
    int k = problems.count;
    int max = problems.max;
    if (k > max || problems.same.contains(same)) {
      return; // counted no further: a problem dropped changes nothing the memo must know
    }
    problems.same.add(same);
    problems.count = k + 1;
    if (k < max) {
      out.problem(p);
    } else {
      out.problem(new Problem(p.location(), Problem.Type.LIMIT, "payload-problems: more than " + max
          + " encoded payloads here were not scanned whole; the first " + max + " are listed, the rest not"));
    }
  }

  /** As {@code out} counts them: this sink hands everything on to it. */
  @Override
  public long effects() {
    return out.effects();
  }

  @Override
  public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
    segment(buf, from, to, ownFrom, ownTo, locator, false);
  }

  /** A segment that ends where its leaf does: a run that reaches its end is whole, and may be called damaged. */
  @Override
  public void lastSegment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
    segment(buf, from, to, ownFrom, ownTo, locator, true);
  }

  private void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator, boolean last) {
    if (depthLeft == 0) {
      handOn(buf, from, to, ownFrom, ownTo, locator, last);
      return;
    }
    pass.scan(buf, from, to, ownFrom, ownTo, locator.lineCounting());
    handOn(buf, from, to, ownFrom, ownTo, locator, last);
    leafEnd = last;
    for (DecodingLayer layer : LAYERS) {
      layer.decode(buf, from, to, ownFrom, ownTo, pass, locator, next);
    }
  }

  /** The segment as it is, to the sink below; as the leaf's last when it is. */
  private void handOn(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator, boolean last) {
    if (last) {
      out.lastSegment(buf, from, to, ownFrom, ownTo, locator);
    } else {
      out.segment(buf, from, to, ownFrom, ownTo, locator);
    }
  }

  /**
   * True when the URL characters that end {@code buf[from, to)}, or the base64 ones among them,
   * form a run that the base64 or URL layer would decode from here (its first byte owned, as
   * {@link SegmentPass} and {@link UrlLayer} decide) and that is no longer than
   * {@link DecodingLayer#MAX_RUN} so far: the layers would decode it cut short, and the
   * segments after this one would not decode the rest; one of exactly MAX_RUN needs the byte
   * after it, or it would be taken for a longer one.
   */
  @Override
  public boolean readOn(byte[] buf, int from, int to, int ownFrom, int ownTo) {
    return depthLeft > 0 && endsInRun(buf, from, to, ownFrom, ownTo);
  }

  /** {@link #readOn} for any sink with the layers. */
  static boolean endsInRun(byte[] buf, int from, int to, int ownFrom, int ownTo) {
    // a run that starts before ownFrom, or more than MAX_RUN before `to`, is not read on for; one
    // of exactly MAX_RUN so far is, to the byte after it, which tells whether it is longer
    int low = Math.max(from, Math.max(ownFrom - 1, to - DecodingLayer.MAX_RUN - 1));
    int url = to; // the first byte of the run of URL characters that ends at `to`
    int base64 = -1; // the first byte of the base64 run that ends there
    while (url > low && UrlLayer.isUrlByte(buf[url - 1])) {
      url--;
      if (base64 < 0 && ByteScan.base64Value(buf[url]) < 0) {
        base64 = url + 1;
      }
    }
    if (base64 < 0) {
      base64 = url;
    }
    return decodesFrom(base64, from, to, ownFrom, ownTo) || decodesFrom(url, from, to, ownFrom, ownTo);
  }

  /** Whether a run from {@code s} to {@code to} is one this segment decodes, and not yet longer than MAX_RUN. */
  private static boolean decodesFrom(int s, int from, int to, int ownFrom, int ownTo) {
    return s < to && to - s <= DecodingLayer.MAX_RUN && SegmentPass.owns(s, from, ownFrom, ownTo);
  }

  /** Scans decoded bytes through the next layer, with locations that name this decoding. */
  private void next(byte[] decoded, int n, String layer, Locator toEncoded, boolean whole) {
    // no memo one layer down: a run there is decoded with one layer less to go, so it may come to
    // something else than an equal run up here
    LayeredSink next = new LayeredSink(out, depthLeft - 1, null, whole, problems);
    next.segment(decoded, 0, n, 0, n, new Locator() {
      @Override
      public Location locate(int p) {
        return named(toEncoded.locate(p), layer);
      }

      @Override
      public Location locate(int start, int end) {
        return named(toEncoded.locate(start, end), layer);
      }
    });
  }

  /** {@code l} with {@code layer} added to its decodings; null stays null. */
  private static Location named(Location l, String layer) {
    if (l == null) {
      return null;
    }
    List<String> ds = new ArrayList<>();
    if (l.decodings() != null) {
      ds.addAll(l.decodings());
    }
    ds.add(layer);
    return l.withDecodings(ds);
  }
}

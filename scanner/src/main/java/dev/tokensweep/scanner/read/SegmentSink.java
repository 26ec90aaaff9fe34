package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Problem;

/**
 * Where readers hand their text. A reader may pass one long leaf in chunks: each call owns
 * {@code [ownFrom, ownTo)} and gives {@link #overlap()} bytes of context on each side where it has
 * them; a match is reported by the call that owns its first byte. Not thread-safe: one per leaf.
 */
public interface SegmentSink {

  /** Scans {@code buf[from, to)}, reporting matches that start in {@code [ownFrom, ownTo)}. */
  void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator);

  /**
   * As {@link #segment(byte[], int, int, int, int, Locator)}, for a segment whose end is its leaf's
   * end (a reader's last chunk, the end of stdin): an encoded run that reaches {@code to} ends
   * there, and was not cut by the reader. By default a segment like any other, which a wrapping
   * sink that rewrites segments gets too: to it the run may then have been cut, which only keeps a
   * payload that ends early from being called damaged.
   */
  default void lastSegment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
    segment(buf, from, to, ownFrom, ownTo, locator);
  }

  /** Scans all of {@code buf[from, to)}. */
  default void segment(byte[] buf, int from, int to, Locator locator) {
    segment(buf, from, to, from, to, locator);
  }

  /** Context bytes a chunked reader must keep on each side of the range it owns. */
  int overlap();

  /**
   * Whether {@code buf[from, to)} ends inside a run that this sink would decode as a whole and
   * that starts in {@code [ownFrom, ownTo)}: a base64 blob longer than the chunk's context. A
   * chunked reader that is not at the end of its input then reads on, as right context of the
   * same segment, until this is false, so that the segment owning the run's start sees all of it
   * (the segments after it own none of it). False unless a decoding layer says otherwise.
   */
  default boolean readOn(byte[] buf, int from, int to, int ownFrom, int ownTo) {
    return false;
  }

  /** Reports a problem with part of the leaf; the reader then goes on where it can. */
  void problem(Problem problem);

  /**
   * A count that grows with everything this sink has been handed that can change what the scan
   * reports (matches, problems), or -1 when the sink cannot tell. While it stays the same, the
   * segments handed meanwhile came to nothing, and equal bytes handed again would too: a decoding
   * layer may then skip a run it has decoded before ({@code decode/RunMemo}). A sink that does
   * anything else with a segment must answer -1, as this default does.
   */
  default long effects() {
    return -1;
  }

  /**
   * The detector behind this sink, for a reader that can tell from raw bytes that a part holds
   * none of its keywords and so need not parse it ({@link JsonReader} in JSON-lines mode); null
   * when not known, and then the reader hands on everything.
   */
  default dev.tokensweep.detectors.engine.Detector detector() {
    return null;
  }

  /**
   * A sink that hands every segment on to {@code out} in its own way ({@link #segment}) and
   * answers everything else as {@code out} does: its overlap, problems, detector, and whether a
   * reader should read on; a wrapper written without it once forgot the last.
   */
  abstract class Forwarding implements SegmentSink {
    protected final SegmentSink out;

    protected Forwarding(SegmentSink out) {
      this.out = out;
    }

    @Override
    public int overlap() {
      return out.overlap();
    }

    @Override
    public void problem(Problem problem) {
      out.problem(problem);
    }

    @Override
    public dev.tokensweep.detectors.engine.Detector detector() {
      return out.detector();
    }

    @Override
    public boolean readOn(byte[] buf, int from, int to, int ownFrom, int ownTo) {
      return out.readOn(buf, from, to, ownFrom, ownTo);
    }
  }
}

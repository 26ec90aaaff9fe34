package dev.tokensweep.scanner.read;

/**
 * A locator's capability to be told the newlines of its segment's owned range by a pass that
 * reads every byte anyway (the decoding layers' pass in {@code decode/}), so that the reader that
 * made the segment need not count them itself. Part of the reader contract: a {@link Locator}
 * offers it through {@link Locator#lineCounting()}, and {@link SegmentSink}s that look at every
 * byte tell it what they count.
 */
public interface LineCounting {
  /** The owned range holds {@code count} newlines. */
  void ownedNewlines(int count);

  /**
   * The owned range holds {@code count} newlines before buffer offset {@code p}; told in
   * increasing order of {@code p}, while the pass goes, so a place located later (a decoded
   * run's finding) is counted from a near one.
   */
  void newlinesBefore(int p, int count);
}

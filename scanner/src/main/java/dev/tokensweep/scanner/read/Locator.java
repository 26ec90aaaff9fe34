package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;

/**
 * Maps an offset in the segment buffer handed to the detector to a location in the leaf. A
 * locator returns null for an offset in a copy of text that is scanned where it stands (a JSON
 * key repeated as the label of its value's context line): a secret there is reported once, from
 * its own place, and the sink drops the copy's. Wrapping locators pass null on.
 */
@FunctionalInterface
public interface Locator {
  Location locate(int bufferOffset);
}

/**
 * A locator that counts the lines of its segment's owned range, and may be told their newlines
 * by a pass that reads every byte anyway (the decoding layer's), so that the reader need not.
 */
interface LineCounting extends Locator {
  /** The owned range holds {@code count} newlines. */
  void ownedNewlines(int count);

  /**
   * The owned range holds {@code count} newlines before buffer offset {@code p}; told in
   * increasing order of {@code p}, while the pass goes, so a place located later (a decoded
   * run's finding) is counted from a near one.
   */
  void newlinesBefore(int p, int count);
}

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

  /**
   * Where a sink that passes over every byte of the segment tells this locator the newlines it
   * counted ({@link LineCounting}), or null when the locator counts no lines (the default, and
   * what wrapping locators are). A reader whose locator counts lines then needs no newline pass
   * of its own; one whose locator returns null counts as it always did.
   */
  default LineCounting lineCounting() {
    return null;
  }
}

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
   * The location of a match over {@code [start, end)} of the buffer, or null when the reader hands
   * on text around what it must scan and the match lies wholly in that context: a git delta's
   * resolved object, where a secret the delta only copied from its base is reported at the base.
   * By default {@link #locate(int) locate(start)}; the decoding layers map both ends ({@link #decoded}).
   */
  default Location locate(int start, int end) {
    return locate(start);
  }

  /**
   * A locator for decoded bytes whose locations are those of the encoded bytes in {@code encoded}:
   * {@code at} maps a decoded offset to its encoded one, {@code endAt} a decoded end (exclusive) to
   * the encoded end, so a match's span reaches {@code encoded} as encoded bytes.
   */
  static Locator decoded(Locator encoded, java.util.function.IntUnaryOperator at, java.util.function.IntUnaryOperator endAt) {
    return new Locator() {
      @Override
      public Location locate(int p) {
        return encoded.locate(at.applyAsInt(p));
      }

      @Override
      public Location locate(int start, int end) {
        return encoded.locate(at.applyAsInt(start), endAt.applyAsInt(end));
      }
    };
  }

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

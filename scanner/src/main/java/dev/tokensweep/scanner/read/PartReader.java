package dev.tokensweep.scanner.read;

import java.io.IOException;
import java.io.InputStream;

/**
 * A reader that can read one part of a large leaf on its own, so that a large plain file is read
 * in parts on all threads at once: plain text ({@link TextReader}) from any byte, with the
 * detector's overlap of context on either side, and JSON lines ({@link JsonReader}) from a line's
 * start, with no context, since each line is read whole. Offsets in locations are the leaf's; line
 * numbers count from 1 at the part's first line, and {@link PartLines} tells the parts after it
 * how many lines to add to theirs.
 */
public interface PartReader extends Reader {

  /**
   * Whether a part must start at a line's start (right after a {@code '\n'}) and end where the
   * next one starts; it then needs no context, and its first line's columns are right as read.
   */
  boolean partsAtLineStarts();

  /**
   * Reads a part of a larger leaf: {@code in} starts at leaf offset {@code base0} with
   * {@code context} bytes of left context before the part (0 for {@linkplain #partsAtLineStarts
   * parts at line starts}), and the part ends at leaf offset {@code ownLimit} ({@code in} may go on
   * past it). A reader whose parts start anywhere counts the columns of a first line that began
   * before the context from the context's start; the caller corrects them.
   */
  PartLines readPart(InputStream in, String path, SegmentSink sink, long base0, int context, long ownLimit)
      throws IOException;

  /**
   * A part's newlines, for the parts after it: how many it owns, and the leaf offset of the last
   * one (-1 if none).
   */
  record PartLines(long newlines, long lastNewline) {}
}

package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.io.InputStream;

/** What the scanner's own streams share. */
public final class Streams {
  private Streams() {}

  /**
   * {@code in.read()} for a stream that reads in blocks: one byte through its array read, so that
   * one path, with its bounds and counts, serves both ({@code -1} at the end).
   */
  public static int readByte(InputStream in) throws IOException {
    byte[] one = new byte[1];
    return in.read(one, 0, 1) <= 0 ? -1 : one[0] & 0xFF;
  }
}

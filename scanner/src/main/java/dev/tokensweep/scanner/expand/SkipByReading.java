package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@link InputStream#skip} for the walker's filter streams and the sanitizer's tees: skipping
 * reads through the stream's own {@code read}, so every byte passed over is still counted, checked
 * and charged to the limits, or copied by a tee (a plain {@code skip} on the stream underneath
 * would pass bytes by unseen, and cannot seek on most of them anyway).
 */
public final class SkipByReading {
  private SkipByReading() {}

  /** Scratch per skip: a member skipped whole is read in pieces of this size. */
  private static final int BUFFER = 8192;

  /** Reads and drops up to {@code n} bytes of {@code in}; returns how many there were. */
  public static long skip(InputStream in, long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(1, n))];
    long done = 0;
    while (done < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }
}

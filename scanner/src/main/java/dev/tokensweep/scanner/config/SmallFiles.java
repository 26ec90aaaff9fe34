package dev.tokensweep.scanner.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the files a run reads whole (configuration, ignore files, keys, rules): regular files
 * only, and no more than a cap, so that {@code /dev/zero}, a FIFO or a 300 MB file planted as
 * {@code tokensweep.yaml} is one clear error instead of a hang or an {@code OutOfMemoryError}.
 */
public final class SmallFiles {
  private SmallFiles() {}

  /** A file that is not a small regular file; the message names it and says why, and quotes nothing of it. */
  public static final class RefusedException extends IOException {
    public RefusedException(String message) {
      super(message);
    }
  }

  /** The bytes of {@code file}, a regular file of at most {@code max} bytes; {@code what} names it in errors. */
  public static byte[] read(Path file, int max, String what) throws IOException {
    if (!Files.exists(file)) {
      throw new RefusedException(what + " " + file + ": no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new RefusedException(what + " " + file + ": not a regular file");
    }
    byte[] b;
    try (InputStream in = Files.newInputStream(file)) {
      b = in.readNBytes(max + 1); // the size could change under us: read no more than the cap
    }
    if (b.length > max) {
      throw new RefusedException(what + " " + file + ": larger than " + human(max) + "; refused");
    }
    return b;
  }

  private static String human(int bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
  }
}

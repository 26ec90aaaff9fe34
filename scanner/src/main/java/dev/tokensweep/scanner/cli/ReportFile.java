package dev.tokensweep.scanner.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a report to a path: files are replaced atomically, devices and pipes are written into. */
final class ReportFile {
  private ReportFile() {}

  /** What writes the report's bytes. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * A regular file (or a new one) gets a temp file next to it moved over it, so a reader never sees
   * half a report. Anything else that exists ({@code /dev/null}, {@code /dev/stdout}, a FIFO) is
   * opened and written: moving a file over it would replace the device itself, and as root that
   * turns {@code /dev/null} into a regular file for every other process on the machine.
   */
  static void write(Path target, Body body) throws IOException {
    if (Files.exists(target) && !Files.isRegularFile(target)) {
      try (OutputStream out = Files.newOutputStream(target)) {
        body.writeTo(out);
      }
      return;
    }
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tokensweep-report", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        body.writeTo(out);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

package dev.tokensweep.corpus.gen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A token-dense access log for measuring a scan whose findings outnumber what memory could hold:
 * every line an {@code Authorization: Bearer} header with its own synthetic GitHub token
 * (checksummed, never issued), about 90 bytes a line, so a million lines (about 90 MB) are a
 * million findings. No labels: every line is one.
 */
public final class DenseLog {
  private DenseLog() {}

  /** Writes {@code lines} lines from {@code seed}; returns the bytes written. */
  public static long write(Path file, long lines, long seed) throws IOException {
    Forge forge = new Forge(new Random(seed));
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (long i = 0; i < lines; i++) {
        String token = forge.github("ghp_").value();
        while (dev.tokensweep.detectors.check.Placeholders.isPlaceholder(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
          token = forge.github("ghp_").value(); // a body holding a marker such as "Dummy" reads as a placeholder: no finding
        }
        w.write(String.format(Locale.ROOT, "2026-11-22T10:%02d:%02d.%03dZ INFO api req=%07d Authorization: Bearer %s%n",
            i / 60000 % 60, i / 1000 % 60, i % 1000, i, token));
      }
    }
    return Files.size(file);
  }
}

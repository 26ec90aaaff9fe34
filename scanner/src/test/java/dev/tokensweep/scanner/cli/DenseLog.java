package dev.tokensweep.scanner.cli;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A token-dense access log: every line an {@code Authorization: Bearer} header with its own
 * synthetic GitHub token (checksummed, never issued), about 90 bytes a line, so a million lines are
 * a million findings. The corpus generator's {@code dense} profile writes the same kind of file.
 */
final class DenseLog {
  private DenseLog() {}

  /** Writes {@code lines} lines from {@code seed}; returns the first token, to check no report holds it. */
  static String write(Path file, int lines, long seed) throws IOException {
    TokenForge forge = new TokenForge(new Random(seed));
    String first = null;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < lines; i++) {
        String token = forge.base62Crc32("ghp_");
        while (dev.tokensweep.detectors.check.Placeholders.isPlaceholder(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
          token = forge.base62Crc32("ghp_"); // a body holding a marker such as "Dummy" reads as a placeholder: no finding
        }
        if (first == null) {
          first = token;
        }
        w.write(String.format("2026-11-22T10:%02d:%02d.%03dZ INFO api req=%07d Authorization: Bearer %s%n",
            i / 60000 % 60, i / 1000 % 60, i % 1000, i, token));
      }
    }
    return first;
  }
}

package dev.tokensweep.scanner.cli;

import dev.tokensweep.detectors.Fingerprinter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The fingerprint key, shared by every command that fingerprints secrets. */
public final class KeyOptions {
  @Option(names = "--fingerprint-key-file", paramLabel = "FILE",
      description = "Key for the fingerprints' HMAC-SHA256 (default: the TOKENSWEEP_FINGERPRINT_KEY variable, else the "
          + "documented default key).")
  Path keyFile;

  public Fingerprinter fingerprinter() {
    return new Fingerprinter(key());
  }

  byte[] key() {
    if (keyFile != null) {
      try {
        String s = new String(Files.readAllBytes(keyFile), StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
          throw new Main.UsageException("--fingerprint-key-file " + keyFile + " is empty");
        }
        return s.getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Main.UsageException("cannot read --fingerprint-key-file " + keyFile + ": " + e.getClass().getSimpleName());
      }
    }
    String env = System.getenv("TOKENSWEEP_FINGERPRINT_KEY");
    if (env != null && !env.isBlank()) {
      return env.strip().getBytes(StandardCharsets.UTF_8);
    }
    return Fingerprinter.DEFAULT_KEY.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.tokensweep.scanner.cli;

import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.scanner.config.SmallFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The fingerprint key, shared by every command that fingerprints secrets. */
public final class KeyOptions {
  @Option(names = "--fingerprint-key-file", paramLabel = "FILE",
      description = "Key for the fingerprints' HMAC-SHA256 (default: the TOKENSWEEP_FINGERPRINT_KEY variable, else the "
          + "documented default key).")
  Path keyFile;

  /** A key file larger than this is not a key. */
  static final int MAX_KEY_BYTES = 64 << 10;

  public Fingerprinter fingerprinter() {
    return new Fingerprinter(key());
  }

  byte[] key() {
    if (keyFile != null) {
      try {
        String s = new String(SmallFiles.read(keyFile, MAX_KEY_BYTES, "--fingerprint-key-file"), StandardCharsets.UTF_8)
            .strip();
        if (s.isEmpty()) {
          throw new Main.UsageException("--fingerprint-key-file " + keyFile + " is empty");
        }
        return s.getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Main.UsageException(ReportOptions.cannotRead("--fingerprint-key-file " + keyFile, e));
      }
    }
    String env = System.getenv("TOKENSWEEP_FINGERPRINT_KEY");
    if (env != null && !env.isBlank()) {
      return env.strip().getBytes(StandardCharsets.UTF_8);
    }
    return Fingerprinter.DEFAULT_KEY.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.index.SweepIndex;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the sweep index is, shared by {@code scan}, {@code search} and {@code sweeps}. */
final class IndexOptions {
  @Option(names = "--index", paramLabel = "DIR",
      description = "The sweep index (a Lucene index in this directory; scan creates it).")
  Path index;

  @Option(names = "--index-lock-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long a sweep waits for another sweep writing the same index (default: ${DEFAULT-VALUE}).")
  int lockTimeoutSeconds;

  SweepIndex open() {
    if (index == null) {
      throw new Main.UsageException("--index DIR is required");
    }
    if (lockTimeoutSeconds < 0) {
      throw new Main.UsageException("--index-lock-timeout must be 0 or more");
    }
    if (java.nio.file.Files.exists(index) && !java.nio.file.Files.isDirectory(index)) {
      throw new Main.UsageException("--index " + index + " is not a directory");
    }
    return new SweepIndex(index, Duration.ofSeconds(lockTimeoutSeconds));
  }
}

package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanStats;

import java.nio.file.Path;

/**
 * Hooks into a running scan, for progress displays and path filters. Called from the scan's
 * worker threads: implementations must be thread-safe and cheap.
 */
public interface ScanListener {

  /** Does nothing and includes every file. */
  ScanListener NONE = new ScanListener() {};

  /** Whether to scan {@code file} found while walking; a file left out counts as suppressed ({@code ignore-file}). */
  default boolean include(Path file) {
    return true;
  }

  /** The scan started; {@code stats} fills up as it goes. */
  default void started(ScanStats stats) {}

  /** A finding was collected (it may still be suppressed later by a baseline). */
  default void found(Finding finding) {}
}

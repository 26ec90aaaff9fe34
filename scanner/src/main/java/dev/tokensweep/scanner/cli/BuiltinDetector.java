package dev.tokensweep.scanner.cli;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.SecretDigest;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The detector for the built-in catalogue, compiled on a background thread while picocli builds
 * the command line and the options are checked. Reading and compiling the catalogue is most of the
 * time a small scan takes; the two overlap on a machine with a second core.
 */
final class BuiltinDetector {
  private BuiltinDetector() {}

  private static volatile FutureTask<Detector> compiling;

  /** Starts compiling; the thread is a daemon, so an early exit (usage error, --help) does not wait for it. */
  static void start() {
    FutureTask<Detector> task = new FutureTask<>(() -> Detector.of(Rules.builtin()));
    compiling = task;
    Thread t = new Thread(() -> {
      task.run();
      warmSha256();
    }, "tokensweep-rules");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Sets up SHA-256 (the security providers' list and SUN's digests) once the detector is made:
   * the evidence and fingerprint of a scan's first finding need it, and its first use cost the
   * scan thread 11-18 ms, interpreted, where this thread has that long before picocli is done
   * with the command line. Nothing is digested that matters; a failure here is the first use's.
   */
  private static void warmSha256() {
    try {
      new SecretDigest().digest(new byte[1], 0, 1);
    } catch (RuntimeException e) {
      // the scan's own first use reports it
    }
  }

  /**
   * A detector for {@code rules}: the one compiled in the background when they are exactly the
   * built-in rules (the same objects, in order: a configuration that re-rates a rule makes a new
   * one), otherwise a new one.
   */
  static Detector forRules(List<Rule> rules) {
    FutureTask<Detector> task = compiling;
    if (task != null && sameObjects(rules, Rules.builtin())) {
      try {
        return task.get();
      } catch (ExecutionException e) {
        // compile here instead, so the failure surfaces on this thread the way it always did
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return Detector.of(rules);
  }

  /** The built-in detector, from the background compile when one runs. */
  static Detector builtin() {
    return forRules(Rules.builtin());
  }

  /**
   * {@code text} with any secret the built-in rules find replaced by its preview: for error lines
   * that quote what the user gave (a path, a value) or what a library said.
   */
  static String scrub(String text) {
    try {
      Detector d = builtin();
      return dev.tokensweep.scanner.model.SafeText.scrubAroundEscapes(text, d::scrub);
    } catch (RuntimeException | LinkageError e) {
      return "(message withheld: it could not be checked for secrets)";
    }
  }

  /**
   * {@code path} with any secret the built-in rules find in its names replaced by its preview, as
   * a scan shows paths ({@link dev.tokensweep.scanner.model.SafeText#scrubNames}): for notices that
   * name a file the user did not name (a configuration file found in a scanned directory).
   */
  static String scrubPath(String path) {
    try {
      Detector d = builtin();
      return dev.tokensweep.scanner.model.SafeText.scrubNames(path,
          t -> dev.tokensweep.scanner.model.SafeText.scrubAroundEscapes(t, d::scrubName));
    } catch (RuntimeException | LinkageError e) {
      return "(path withheld: it could not be checked for secrets)";
    }
  }

  private static boolean sameObjects(List<Rule> a, List<Rule> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}

package dev.tokensweep.scanner.model;

/** The reasons a finding (or a file) is not reported, as they appear in summaries. */
public final class Suppression {
  private Suppression() {}

  /** {@code tokensweep:allow} on the finding's line. */
  public static final String INLINE_ALLOW = "inline-allow";
  /** A file left out by {@code .tokensweepignore} or {@code --ignore-file} (counts files, not findings). */
  public static final String IGNORE_FILE = "ignore-file";
  /** Rule and fingerprint already in the {@code --baseline} report. */
  public static final String BASELINE = "baseline";
  /** Already seen by the previous sweep of this host ({@code --new-since last}). */
  public static final String NEW_SINCE = "new-since";
  /**
   * Found by a rule that the {@code tokensweep.yaml} found in the scanned tree disables: such a
   * file is input, and the rules it names still run so that the summary can say what it hid.
   */
  public static final String CONFIG_DISABLE = "config-disable";
  /** Not confirmed live by its provider ({@code --only-live}). */
  public static final String NOT_LIVE = "not-live";
}

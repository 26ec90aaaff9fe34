package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Suppression;
import dev.tokensweep.scanner.model.Validation;
import dev.tokensweep.scanner.respond.SecretCapture;
import dev.tokensweep.scanner.respond.Validator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * {@code scan --validate} and its companions: asking each token's provider whether it is live, the
 * {@code --only-live} filter, and the safety rules around them (a timeout; answers reused from the
 * sweep index; no validated secrets revealed into a pipe by accident).
 */
final class ValidateOptions {

  @Option(names = "--validate", description = {"Ask each token's provider whether it is live, whose it is and what it may do:",
      "one request per distinct secret, over TLS, only to that provider's documented host (see README).",
      "Without it a scan opens no connection."})
  boolean validate;

  @Option(names = "--only-live", description = "With --validate: report only the findings their provider confirmed live.")
  boolean onlyLive;

  @Option(names = "--validate-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "With --validate: give up on a provider's answer after this long (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--validate-max-age", paramLabel = "AGE", defaultValue = "1h",
      description = "With --validate and --index: reuse a live or invalid answer the index holds when it is at most "
          + "this old, like 30m, 6h, 2d; 0 always asks (default: ${DEFAULT-VALUE}).")
  String maxAge;

  @Option(names = "--force-reveal",
      description = "Allow --validate with --reveal when the report goes to a pipe or file on stdout.")
  boolean forceReveal;

  /** Usage errors before any work: --only-live alone, --reveal of validated secrets into a pipe. */
  void check(boolean reveal, Path output) {
    if (onlyLive && !validate) {
      throw new Main.UsageException("--only-live needs --validate (only a provider can say a token is live)");
    }
    if (timeoutSeconds < 1) {
      throw new Main.UsageException("--validate-timeout must be at least 1");
    }
    maxAge();
    // only with --validate: a scan without it loads no network class (a runtime without java.net.http runs it)
    String debug = validate ? Validator.unsafeJvmDebugging() : null;
    if (debug != null) {
      throw new Main.UsageException("--validate refused: the JVM runs with -D" + debug
          + ", which prints what the HTTP client sends, tokens included");
    }
    if (validate && reveal && output == null && System.console() == null && !forceReveal) {
      throw new Main.UsageException("--validate with --reveal would write secrets confirmed live into a pipe or file: "
          + "write the report with -o FILE, or add --force-reveal if that is what you want");
    }
  }

  Duration maxAge() {
    String s = maxAge.strip().toLowerCase(Locale.ROOT);
    try {
      if (s.equals("0")) {
        return Duration.ZERO;
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      Duration d = switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
      if (d.isNegative()) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new Main.UsageException("--validate-max-age: not an age (like 0, 90s, 30m, 6h, 2d): " + maxAge);
    }
  }

  /**
   * The capture the scan feeds, or null when not validating (the scan then keeps no secret). A
   * JWT's own expiry is judged by the real clock, not {@code --now}: whether to send it depends on
   * whether it can still work today.
   */
  SecretCapture capture() {
    return validate ? SecretCapture.forValidation(Instant.now()) : null;
  }

  /**
   * The step between the scan and the report that asks the providers, reusing the index's recent
   * answers, and says on stderr what was sent where; {@code scrub} masks the secrets in what the
   * providers answer (the scan's own scrub). Identity when not validating.
   */
  UnaryOperator<ScanResult> validation(SecretCapture capture, IndexOptions index, Instant now, PrintWriter err,
      UnaryOperator<String> scrub) {
    if (capture == null) {
      return UnaryOperator.identity();
    }
    return result -> {
      Validator v = Validator.create(Validator.Settings.defaults().withTimeout(Duration.ofSeconds(timeoutSeconds)), scrub);
      Validator.Cache cache = Validator.Cache.NONE;
      Duration age = maxAge();
      if (index.index != null && !age.isZero()) {
        SweepIndex idx = index.open();
        Instant notBefore = Instant.now().minus(age);
        cache = keys -> {
          try {
            return idx.validations(keys, notBefore);
          } catch (IOException e) {
            err.println("tokensweep: validate: cannot read earlier answers from the index (" + e.getClass().getSimpleName()
                + "); asking the providers");
            return Map.of();
          }
        };
      }
      ScanResult out = v.validate(result, capture, cache, now);
      err.println(v.summary());
      err.flush();
      return out;
    };
  }

  /** With {@code --only-live}, the findings confirmed live; the others are counted as {@code not-live}. */
  ScanResult onlyLive(ScanResult r) {
    if (!onlyLive) {
      return r;
    }
    List<Finding> kept = new ArrayList<>();
    for (Finding f : r.findings()) {
      Validation v = f.validation();
      if (v != null && v.live()) {
        kept.add(f);
      }
    }
    return r.filtered(kept, Suppression.NOT_LIVE, r.findings().size() - kept.size());
  }
}

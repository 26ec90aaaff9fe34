/**
 * The picocli command line: {@code scan}, {@code sanitize}, {@code redact}, {@code search},
 * {@code sweeps}, {@code revoke}, {@code ship}, {@code fleet where|new|top|stale}, and {@code rules list} /
 * {@code rules check}. Exit codes: 0 nothing found, 1 findings at or above {@code --fail-on}, 2
 * usage error, 3 scan incomplete and nothing found, 4 internal error, 5 shipping incomplete.
 * {@link dev.tokensweep.scanner.cli.BuildInfo} answers {@code --version} with the build's commit;
 * {@code ProgressPrinter} draws the progress line on a terminal's stderr.
 */
package dev.tokensweep.scanner.cli;

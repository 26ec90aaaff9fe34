/**
 * The picocli command line: {@code scan}, {@code sanitize}, {@code redact}, {@code search},
 * {@code sweeps}, and {@code rules list} / {@code rules check}. Exit codes: 0 nothing found, 1
 * findings at or above {@code --fail-on}, 2 usage error, 3 scan incomplete and nothing found, 4
 * internal error. {@link dev.tokensweep.scanner.cli.BuildInfo} answers {@code --version} with the
 * build's commit; {@code ProgressPrinter} draws the progress line on a terminal's stderr.
 */
package dev.tokensweep.scanner.cli;

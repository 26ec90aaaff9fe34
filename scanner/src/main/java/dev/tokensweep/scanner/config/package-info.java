/**
 * The configuration file {@code tokensweep.yaml}: custom rules, disabled rules, severity changes,
 * limits, ignore patterns and the default output format, validated with errors that name the line.
 */
package dev.tokensweep.scanner.config;

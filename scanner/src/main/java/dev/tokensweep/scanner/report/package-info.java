/**
 * Reporters write a {@link dev.tokensweep.scanner.model.ScanResult} in one format. They see only
 * findings (redacted evidence), never raw secrets; the clear value exists only under
 * {@code --reveal}.
 */
package dev.tokensweep.scanner.report;

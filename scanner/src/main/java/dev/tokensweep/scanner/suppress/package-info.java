/**
 * Ways to accept known findings: a baseline (an earlier JSON report of ours) and ignore files in
 * gitignore syntax for paths. The inline {@code tokensweep:allow} marker is checked in the scan
 * itself. Every suppression is counted in the summary, by reason.
 */
package dev.tokensweep.scanner.suppress;

/**
 * Sources yield a scan's inputs: each {@link dev.tokensweep.scanner.source.Source} turns one path a
 * user names (or stdin) into input files and streams, walking directories without following
 * symlinks unless asked, and reporting what cannot be read instead of failing.
 */
package dev.tokensweep.scanner.source;

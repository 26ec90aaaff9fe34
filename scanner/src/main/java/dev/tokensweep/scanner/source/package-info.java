/**
 * Sources: turn the paths a user names (and stdin) into input files, walking directories without
 * following symlinks unless asked, and reporting what cannot be read instead of failing.
 */
package dev.tokensweep.scanner.source;

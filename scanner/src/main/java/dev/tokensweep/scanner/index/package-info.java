/**
 * The sweep index: an embedded Lucene index on disk that records every finding of every sweep
 * (host, sweep, time, rule, kind, severity, location, keyed fingerprint; never a secret), answers
 * field queries across hosts and sweeps, and tells what is new since a host's previous sweep. It
 * keeps each document in the fleet schema too, for {@code ship --from-index}.
 */
package dev.tokensweep.scanner.index;

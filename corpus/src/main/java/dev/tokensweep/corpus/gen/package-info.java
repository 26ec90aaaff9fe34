/**
 * The corpus generator: realistic endpoints, logs, telemetry, dumps and support bundles with
 * planted synthetic secrets and decoys, and the labels of every planted secret. Deterministic for
 * a seed; the bulk logs are written in parallel, one seed per file.
 */
package dev.tokensweep.corpus.gen;

/**
 * The fleet view: shipping sweeps to an OpenSearch cluster (index template, idempotent bulk
 * requests, retries and an on-disk outbox for what could not be sent) and the queries that answer
 * fleet questions (where a fingerprint appears, what is new per host, top rules, stale hosts).
 * Documents come from {@link dev.tokensweep.scanner.report.EcsDocuments} and never hold a secret.
 */
package dev.tokensweep.scanner.fleet;

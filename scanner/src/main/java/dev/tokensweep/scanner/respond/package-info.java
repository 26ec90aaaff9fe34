/**
 * Incident response: asking a token's own provider whether it is live ({@code scan --validate}) and
 * cutting it off ({@code revoke}). The pipeline hands each confirmed secret of a supported provider
 * to a {@link dev.tokensweep.scanner.respond.SecretCapture} while the raw match still exists; from
 * then on only the provider's answer travels ({@link dev.tokensweep.scanner.model.Validation}), so no
 * reporter or index ever sees a secret. Every request goes over TLS to the provider's documented host,
 * never follows a redirect, and is bounded by a timeout, a per-provider concurrency cap and rate.
 */
package dev.tokensweep.scanner.respond;

/**
 * The RFC 3161 HTTP client with a total deadline and a circuit breaker per URL ({@code net}),
 * implementing {@link io.mailseal.crypto.TimestampAuthority}; building and checking the request and
 * token stays in {@code crypto}. Layer 2: may import config, policy, crypto, spool, net (uses
 * crypto and net).
 */
package io.mailseal.tsa;

/**
 * Outbound HTTP robustness shared by the rooms that call other servers ({@code tsa}, {@code certs},
 * {@code delivery} for MTA-STS): a total deadline per exchange ({@link
 * io.mailseal.net.HttpDeadline}), a bounded body ({@link io.mailseal.net.BoundedBody}), a circuit
 * breaker per URL ({@link io.mailseal.net.CircuitBreaker}), and one HTTPS GET to an address the
 * caller resolved through its own resolver ({@link io.mailseal.net.HttpsGet}). Layer 1: may import
 * only config and text (it escapes a server's error text with {@link io.mailseal.text.PeerText}).
 */
package io.mailseal.net;

/**
 * Outbound HTTP robustness shared by the rooms that call other servers ({@code tsa}, {@code
 * certs}): a total deadline per exchange ({@link io.mailseal.net.HttpDeadline}), a bounded body
 * ({@link io.mailseal.net.BoundedBody}) and a circuit breaker per URL ({@link
 * io.mailseal.net.CircuitBreaker}). Layer 1: may import only config and text (it escapes a server's
 * error text with {@link io.mailseal.text.PeerText}).
 */
package io.mailseal.net;

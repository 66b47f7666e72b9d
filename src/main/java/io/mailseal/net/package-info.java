/**
 * Outbound HTTP robustness shared by the rooms that call other servers ({@code tsa}, {@code certs},
 * {@code delivery} for MTA-STS): a total deadline per exchange ({@link
 * io.mailseal.net.HttpDeadline}), a bounded body ({@link io.mailseal.net.BoundedBody}), a circuit
 * breaker per URL ({@link io.mailseal.net.CircuitBreaker}), one POST on the calling thread through
 * a keep-alive pool ({@link io.mailseal.net.BlockingPost}, the TSA client's), and one HTTPS GET to
 * an address the caller resolved through its own resolver ({@link io.mailseal.net.HttpsGet}). Layer
 * 1: may import only config and text: the exceptions quote a server's text as it came, and {@link
 * io.mailseal.net.HttpDeadline#describe} is the one place that escapes it ({@link
 * io.mailseal.text.PeerText}).
 */
package io.mailseal.net;

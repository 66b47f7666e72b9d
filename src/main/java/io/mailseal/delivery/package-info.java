/**
 * Sending spooled mail to the next hop: routing (smarthost or MX), outbound TLS levels,
 * retry and expiry, the one failure classifier, DSNs (RFC 3464), and the {@code Outbox} that
 * spools then schedules. May import {@code config} and {@code spool}.
 */
package io.mailseal.delivery;

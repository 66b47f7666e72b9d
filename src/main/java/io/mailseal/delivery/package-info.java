/**
 * Sending spooled mail to the next hop: routing (smarthost or MX), outbound TLS levels, retry and
 * expiry, the one failure classifier, DSNs (RFC 3464), and the {@code Outbox} that spools then
 * schedules. Layer 2: may import config, text, policy, crypto, spool (uses config, spool, and text:
 * a next hop's replies are escaped where they come in).
 */
package io.mailseal.delivery;

/**
 * Sending spooled mail to the next hop: routing (smarthost or MX), outbound TLS levels, retry and
 * expiry, the one failure classifier, DSNs (RFC 3464), and the {@code Outbox} that spools then
 * schedules. Layer 2: may import config, policy, crypto, spool (uses config, spool).
 */
package io.mailseal.delivery;

/**
 * Sending spooled mail to the next hop: routing (smarthost or MX through the validating resolver),
 * outbound TLS levels (DANE included: {@code DaneLookup}, {@code DaneTrust}), retry and expiry, the
 * one failure classifier, DSNs (RFC 3464), and the {@code Outbox} that spools then schedules. Layer
 * 2: may import config, policy, crypto, spool, net, dns (uses config, spool, dns).
 */
package io.mailseal.delivery;

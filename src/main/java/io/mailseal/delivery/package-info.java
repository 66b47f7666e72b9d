/**
 * Sending spooled mail to the next hop: routing (smarthost or MX through the validating resolver),
 * outbound TLS levels (DANE included: {@code DaneLookup}, {@code DaneTrust}), retry and expiry, the
 * one failure classifier, DSNs (RFC 3464), and the {@code Outbox} that spools then schedules. Layer
 * 2: may import config, text, policy, crypto, spool, net, dns (uses config, spool, dns, and text: a
 * next hop's replies are escaped where they come in).
 */
package io.mailseal.delivery;

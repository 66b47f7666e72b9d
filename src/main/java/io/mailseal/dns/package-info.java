/**
 * The one validating (DNSSEC) resolver of the relay ({@link io.mailseal.dns.ValidatingDns}):
 * dnsjava's {@code ValidatingResolver} over the configured upstreams, the trust anchors ({@link
 * io.mailseal.dns.TrustAnchorFile}, the root's shipped in the jar), a total deadline per lookup and
 * a cache of answers for their TTL. Every answer says whether it is DNSSEC secure or insecure; a
 * bogus one is never handed out as data ({@link io.mailseal.dns.DnsAnswer}). Record parsing for
 * SMIMEA and TLSA stays with their consumers ({@code certs}, {@code delivery}). Layer 1: may import
 * only config.
 */
package io.mailseal.dns;

/**
 * {@code mailseal tls-check}: audits a server's TLS the way a careful client must — host name (RFC
 * 6125), chain, revocation, expiry, protocols and cipher suites (probed with hand-made ClientHello
 * records, so suites the JDK refuses to offer are seen too), pins (SPKI and DNS). Every network
 * operation has a total deadline. Layer 3: may import config, policy, crypto, spool, net, certs,
 * tsa, delivery, smtp (uses certs for trust anchors and revocation, net through certs).
 */
package io.mailseal.tlscheck;

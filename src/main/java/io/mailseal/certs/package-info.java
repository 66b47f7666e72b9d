/**
 * Recipient certificates: sources (directory, LDAP, HTTP, harvest), PKIX validation, revocation
 * (OCSP, CRL), the cache decorator; also the signing identities from PKCS#12. Layer 2: may import
 * config, text, policy, crypto, spool, net (uses config, crypto, net: deadlines and circuit
 * breakers for OCSP, CRL and the HTTP key service, and text: an LDAP server's error escaped).
 */
package io.mailseal.certs;

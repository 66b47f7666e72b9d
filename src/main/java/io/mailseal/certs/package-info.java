/**
 * Recipient certificates: sources (directory, LDAP, HTTP, harvest), PKIX validation, revocation
 * (OCSP, CRL), the cache decorator; also the signing identities from PKCS#12. Layer 2: may import
 * config, policy, crypto, spool (uses config and crypto).
 */
package io.mailseal.certs;

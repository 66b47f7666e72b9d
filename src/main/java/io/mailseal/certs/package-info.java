/**
 * Recipient certificates: sources (directory, LDAP, HTTP, harvest), PKIX validation,
 * revocation (OCSP, CRL), the cache decorator; also the signing identities from PKCS#12.
 * May import {@code config} and {@code crypto}.
 */
package io.mailseal.certs;

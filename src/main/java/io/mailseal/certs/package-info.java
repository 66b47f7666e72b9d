/**
 * Recipient certificates: sources (directory, LDAP, HTTP, harvest), PKIX validation, revocation
 * (OCSP, CRL), the cache decorator; also the signing identities, from PKCS#12 files or PKCS#11
 * tokens (SunPKCS11, one provider per token). Layer 2: may import config, policy, crypto, spool,
 * net (uses config, crypto and net: deadlines and circuit breakers for OCSP, CRL and the HTTP key
 * service).
 */
package io.mailseal.certs;

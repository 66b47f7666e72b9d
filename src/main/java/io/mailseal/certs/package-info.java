/**
 * Recipient certificates: sources (directory, LDAP, HTTP, harvest, SMIMEA), PKIX validation,
 * revocation (OCSP, CRL), the cache decorator; also the signing identities, from PKCS#12 files or
 * PKCS#11 tokens (SunPKCS11, one provider per token). Layer 2: may import config, text, policy,
 * crypto, spool, net, dns (uses config, crypto, net: deadlines and circuit breakers for OCSP, CRL
 * and the HTTP key service, text: an LDAP server's error escaped, and dns: SMIMEA through the
 * validating resolver).
 */
package io.mailseal.certs;

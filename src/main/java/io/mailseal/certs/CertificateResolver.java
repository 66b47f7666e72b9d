package io.mailseal.certs;

/** The certificate to encrypt to for an address, or why there is none. */
public interface CertificateResolver {
    Resolution resolve(String address);
}

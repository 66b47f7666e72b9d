package io.mailseal.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** The bank's key and certificate for one sender, with the intermediates to include. */
public record SigningIdentity(
        PrivateKey privateKey, X509Certificate certificate, List<X509Certificate> chain) {

    public SigningIdentity {
        chain = List.copyOf(chain);
    }

    @Override
    public String toString() {
        // never print the key
        return "SigningIdentity[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}

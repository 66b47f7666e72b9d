package io.mailseal.crypto;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The bank's key and certificate for one sender, with the intermediates to include. {@code
 * provider} is the token's provider for a key that lives in a PKCS#11 token (the signature is made
 * there; the key never leaves it), empty for a key in memory.
 */
public record SigningIdentity(
        PrivateKey privateKey,
        X509Certificate certificate,
        List<X509Certificate> chain,
        Optional<Provider> provider,
        SignatureScheme scheme) {

    public SigningIdentity {
        chain = List.copyOf(chain);
    }

    /** A key in memory that signs with the default scheme for its type. */
    public SigningIdentity(
            PrivateKey privateKey, X509Certificate certificate, List<X509Certificate> chain) {
        this(
                privateKey,
                certificate,
                chain,
                Optional.empty(),
                SignatureScheme.forKey(privateKey, false));
    }

    @Override
    public String toString() {
        // never print the key
        return "SigningIdentity[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}

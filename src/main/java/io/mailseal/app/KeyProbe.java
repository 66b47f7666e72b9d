package io.mailseal.app;

import io.mailseal.certs.SigningKey;
import io.mailseal.crypto.IdentitySigner;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.SigningIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * A test signature with a signing key (in its token, for a token key), verified with its
 * certificate: a keystore or token can pair a key with another key's certificate (a botched
 * renewal), and every signature would then fail at the customer. Used by check-config, start,
 * reload and {@code keys list}.
 */
final class KeyProbe {
    private static final byte[] PROBE =
            "mailseal signing key check".getBytes(StandardCharsets.US_ASCII);

    private KeyProbe() {}

    /** Empty when the key signs and its certificate verifies the signature; else why not. */
    static Optional<String> problem(SigningKey key) {
        SigningIdentity identity;
        byte[] signature;
        IdentitySigner signer;
        try {
            identity = key.identity();
            signer = IdentitySigner.of(identity);
            signature = signer.sign(PROBE);
        } catch (KeyUnavailableException e) {
            return Optional.of("cannot make a test signature: " + e.getMessage());
        }
        try {
            ContentVerifier verifier =
                    new JcaContentVerifierProviderBuilder()
                            .build(new JcaX509CertificateHolder(identity.certificate()))
                            .get(signer.getAlgorithmIdentifier());
            try (OutputStream out = verifier.getOutputStream()) {
                out.write(PROBE);
            }
            if (verifier.verify(signature)) {
                return Optional.empty();
            }
        } catch (OperatorCreationException
                | java.security.GeneralSecurityException
                | IOException
                | RuntimeException e) {
            // a signature the certificate cannot check is a mismatch all the same
        }
        return Optional.of(
                "holds a private key that is not the key of its certificate "
                        + identity.certificate().getSubjectX500Principal().getName());
    }
}

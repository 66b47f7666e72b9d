package io.mailseal.crypto;

import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.security.Signature;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.RuntimeOperatorException;

/**
 * A BouncyCastle {@link ContentSigner} over one identity's key. The JCA signature comes from the
 * identity's own provider when it has one: the token's SunPKCS11 instance is never registered
 * globally, and the first provider in the list (ACCP) cannot use a key it cannot read. A failure of
 * the key is a {@link KeyUnavailableException} (wrapped, where BouncyCastle calls us, in a {@link
 * RuntimeOperatorException}).
 */
public final class IdentitySigner implements ContentSigner {
    private final SigningIdentity identity;
    private final Signature signature;
    private final AlgorithmIdentifier algorithm;

    private IdentitySigner(SigningIdentity identity, Signature signature) {
        this.identity = identity;
        this.signature = signature;
        this.algorithm =
                new DefaultSignatureAlgorithmIdentifierFinder().find(identity.scheme().cmsName);
    }

    public static IdentitySigner of(SigningIdentity identity) throws KeyUnavailableException {
        String name = identity.scheme().jcaName;
        try {
            Signature s =
                    identity.provider().isPresent()
                            ? Signature.getInstance(name, identity.provider().get())
                            : Signature.getInstance(name);
            identity.scheme().configure(s);
            s.initSign(identity.privateKey());
            return new IdentitySigner(identity, s);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(identity, e);
        }
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public OutputStream getOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    signature.update(b, off, len);
                } catch (GeneralSecurityException | ProviderException e) {
                    throw new RuntimeOperatorException(
                            "signing key failed", unavailable(identity, e));
                }
            }
        };
    }

    @Override
    public byte[] getSignature() {
        try {
            return signature.sign();
        } catch (GeneralSecurityException | ProviderException e) {
            throw new RuntimeOperatorException("signing key failed", unavailable(identity, e));
        }
    }

    /** Signs {@code data} at once (checks and {@code keys list}). */
    public byte[] sign(byte[] data) throws KeyUnavailableException {
        try {
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable(identity, e);
        }
    }

    private static KeyUnavailableException unavailable(SigningIdentity identity, Exception e) {
        // the provider's text names the PKCS#11 return code (CKR_...), never the PIN
        return new KeyUnavailableException(
                "the key of "
                        + identity.certificate().getSubjectX500Principal().getName()
                        + " cannot sign: "
                        + e,
                e);
    }
}

package io.mailseal.crypto;

import java.security.InvalidAlgorithmParameterException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * How a signing key signs, always over SHA-256: RSA PKCS#1 v1.5 (RFC 8017 §8.2, what every client
 * verifies), RSASSA-PSS (RFC 4056 in CMS: MGF1 with SHA-256, 32-byte salt) or ECDSA.
 */
public enum SignatureScheme {
    RSA_PKCS1("SHA256withRSA", "SHA256withRSA"),
    RSA_PSS("SHA256withRSAandMGF1", "RSASSA-PSS"),
    ECDSA("SHA256withECDSA", "SHA256withECDSA");

    /** The name BouncyCastle maps to the CMS AlgorithmIdentifier. */
    final String cmsName;

    /** The JCA Signature name (SunPKCS11, the JDK and ACCP all know these). */
    final String jcaName;

    SignatureScheme(String cmsName, String jcaName) {
        this.cmsName = cmsName;
        this.jcaName = jcaName;
    }

    /** ECDSA for an EC key; for RSA PKCS#1 v1.5, or PSS when {@code pss}. */
    public static SignatureScheme forKey(PrivateKey key, boolean pss) {
        if ("EC".equals(key.getAlgorithm()) || "ECDSA".equals(key.getAlgorithm())) {
            return ECDSA;
        }
        return pss ? RSA_PSS : RSA_PKCS1;
    }

    /** PSS takes its parameters before use; the others need none. */
    void configure(Signature signature) throws InvalidAlgorithmParameterException {
        if (this == RSA_PSS) {
            signature.setParameter(
                    new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        }
    }
}

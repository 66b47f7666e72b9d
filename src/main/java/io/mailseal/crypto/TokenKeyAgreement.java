package io.mailseal.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.ecc.ECCCMSSharedInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.generators.KDF2BytesGenerator;
import org.bouncycastle.crypto.params.KDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Pack;

/**
 * ECDH key agreement for a private key in a PKCS#11 token ({@link TokenRecipients}): the shared
 * secret in the token (CKM_ECDH1_DERIVE), the X9.63 KDF and the AES key unwrap (RFC 3394) here,
 * since SunPKCS11 offers neither.
 */
final class TokenKeyAgreement {
    /** The key-encryption key's length for each AES key wrap. */
    private static final Map<ASN1ObjectIdentifier, Integer> KEK_BYTES =
            Map.of(
                    NISTObjectIdentifiers.id_aes128_wrap, 16,
                    NISTObjectIdentifiers.id_aes192_wrap, 24,
                    NISTObjectIdentifiers.id_aes256_wrap, 32);

    /** The KDF's hash for each ECDH scheme (RFC 5753 §7.1.4, SHA-1 as in RFC 3278). */
    private static final Map<ASN1ObjectIdentifier, ASN1ObjectIdentifier> KDF_HASH =
            Map.of(
                    X9ObjectIdentifiers.dhSinglePass_stdDH_sha1kdf_scheme,
                    OIWObjectIdentifiers.idSHA1,
                    SECObjectIdentifiers.dhSinglePass_stdDH_sha256kdf_scheme,
                    NISTObjectIdentifiers.id_sha256,
                    SECObjectIdentifiers.dhSinglePass_stdDH_sha384kdf_scheme,
                    NISTObjectIdentifiers.id_sha384,
                    SECObjectIdentifiers.dhSinglePass_stdDH_sha512kdf_scheme,
                    NISTObjectIdentifiers.id_sha512);

    private TokenKeyAgreement() {}

    /** ECDH (RFC 5753 §3.1): Z in the token, ECC-CMS-SharedInfo and the X9.63 KDF, AES unwrap. */
    static Key agreed(
            PrivateKey key,
            Provider token,
            AlgorithmIdentifier keyEncryption,
            SubjectPublicKeyInfo sender,
            ASN1OctetString ukm,
            byte[] encryptedKey)
            throws CMSException {
        KeyAgreement ecdh;
        try {
            ecdh = KeyAgreement.getInstance("ECDH", token);
            ecdh.init(key);
        } catch (GeneralSecurityException | ProviderException e) {
            throw TokenRecipients.tokenFailed(e);
        }
        try {
            ecdh.doPhase(
                    KeyFactory.getInstance("EC")
                            .generatePublic(new X509EncodedKeySpec(sender.getEncoded())),
                    true);
            byte[] z = ecdh.generateSecret();
            AlgorithmIdentifier wrap =
                    AlgorithmIdentifier.getInstance(keyEncryption.getParameters());
            int kekBytes = kekBytes(wrap.getAlgorithm());
            byte[] sharedInfo =
                    new ECCCMSSharedInfo(
                                    wrap,
                                    ukm == null ? null : ukm.getOctets(),
                                    Pack.intToBigEndian(kekBytes * 8))
                            .getEncoded();
            KDF2BytesGenerator kdf =
                    new KDF2BytesGenerator(kdfDigest(keyEncryption.getAlgorithm()));
            kdf.init(new KDFParameters(z, sharedInfo));
            byte[] kek = new byte[kekBytes];
            kdf.generateBytes(kek, 0, kek.length);
            RFC3394WrapEngine unwrap = new RFC3394WrapEngine(AESEngine.newInstance());
            unwrap.init(false, new KeyParameter(kek));
            return new SecretKeySpec(unwrap.unwrap(encryptedKey, 0, encryptedKey.length), "AES");
        } catch (ProviderException e) {
            throw TokenRecipients.tokenFailed(e);
        } catch (GeneralSecurityException | InvalidCipherTextException | IOException e) {
            // the sender's key or the wrapped key is bad: the message's fault
            throw new CMSException("the content-encryption key cannot be agreed: " + e, e);
        }
    }

    private static int kekBytes(ASN1ObjectIdentifier wrap) throws CMSException {
        Integer bytes = KEK_BYTES.get(wrap);
        if (bytes == null) {
            throw new CMSException("key wrap " + wrap + " is not AES key wrap");
        }
        return bytes;
    }

    private static Digest kdfDigest(ASN1ObjectIdentifier scheme) throws CMSException {
        ASN1ObjectIdentifier hash = KDF_HASH.get(scheme);
        if (hash == null) {
            throw new CMSException("key agreement " + scheme + " is not ECDH with the X9.63 KDF");
        }
        try {
            return TokenRecipients.digest(new AlgorithmIdentifier(hash));
        } catch (OperatorCreationException e) {
            throw new CMSException(e.getMessage(), e);
        }
    }
}

package io.mailseal.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.ecc.ECCCMSSharedInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.generators.KDF2BytesGenerator;
import org.bouncycastle.crypto.params.KDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.Pack;

/**
 * CMS recipients for a private key in a PKCS#11 token: only the private-key step runs in the token
 * (its provider, never the first in the list), the rest in BouncyCastle, because SunPKCS11 offers
 * neither OAEP decryption nor ECDH with the X9.63 KDF of RFC 5753. RSA PKCS#1 v1.5: decryption in
 * the token. RSAES-OAEP (RFC 8017 §7.1.2): raw RSA (CKM_RSA_X_509) in the token, OAEP decoding
 * here. ECDH: the shared secret in the token (CKM_ECDH1_DERIVE), KDF and AES key unwrap (RFC 3394)
 * here.
 */
public final class TokenRecipients {
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

    private TokenRecipients() {}

    /**
     * The recipient that opens {@code ri} with {@code key}, a handle into {@code token}, whose
     * certificate is {@code certificate}.
     */
    public static Recipient of(
            RecipientInformation ri,
            PrivateKey key,
            X509Certificate certificate,
            Provider token,
            boolean auth) {
        if (ri instanceof KeyAgreeRecipientInformation) {
            // BouncyCastle reads the curve from the private key's encoding, which a token key lacks
            AlgorithmIdentifier curve =
                    SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded())
                            .getAlgorithm();
            return auth
                    ? new JceKeyAgreeAuthEnvelopedRecipient(key) {
                        @Override
                        protected Key extractSecretKey(
                                AlgorithmIdentifier keyEncryption,
                                AlgorithmIdentifier content,
                                SubjectPublicKeyInfo sender,
                                ASN1OctetString ukm,
                                byte[] encryptedKey)
                                throws CMSException {
                            return agreed(key, token, keyEncryption, sender, ukm, encryptedKey);
                        }
                    }.setPrivateKeyAlgorithmIdentifier(curve)
                    : new JceKeyAgreeEnvelopedRecipient(key) {
                        @Override
                        protected Key extractSecretKey(
                                AlgorithmIdentifier keyEncryption,
                                AlgorithmIdentifier content,
                                SubjectPublicKeyInfo sender,
                                ASN1OctetString ukm,
                                byte[] encryptedKey)
                                throws CMSException {
                            return agreed(key, token, keyEncryption, sender, ukm, encryptedKey);
                        }
                    }.setPrivateKeyAlgorithmIdentifier(curve);
        }
        return auth
                ? new JceKeyTransAuthEnvelopedRecipient(key) {
                    @Override
                    protected Key extractSecretKey(
                            AlgorithmIdentifier keyEncryption,
                            AlgorithmIdentifier content,
                            byte[] encryptedKey)
                            throws CMSException {
                        return transported(
                                key, certificate, token, keyEncryption, content, encryptedKey);
                    }
                }
                : new JceKeyTransEnvelopedRecipient(key) {
                    @Override
                    protected Key extractSecretKey(
                            AlgorithmIdentifier keyEncryption,
                            AlgorithmIdentifier content,
                            byte[] encryptedKey)
                            throws CMSException {
                        return transported(
                                key, certificate, token, keyEncryption, content, encryptedKey);
                    }
                };
    }

    /** RSA key transport: the content-encryption key, decrypted in the token. */
    static Key transported(
            PrivateKey key,
            X509Certificate certificate,
            Provider token,
            AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier content,
            byte[] encryptedKey)
            throws CMSException {
        try {
            byte[] cek;
            if (PKCSObjectIdentifiers.id_RSAES_OAEP.equals(keyEncryption.getAlgorithm())) {
                RSAESOAEPparams p = RSAESOAEPparams.getInstance(keyEncryption.getParameters());
                Digest mgf =
                        digest(
                                AlgorithmIdentifier.getInstance(
                                        p.getMaskGenAlgorithm().getParameters()));
                byte[] label =
                        ASN1OctetString.getInstance(p.getPSourceAlgorithm().getParameters())
                                .getOctets();
                OAEPEncoding oaep =
                        new OAEPEncoding(
                                new TokenRsa(key, certificate, token),
                                digest(p.getHashAlgorithm()),
                                mgf,
                                label);
                oaep.init(false, null);
                cek = oaep.processBlock(encryptedKey, 0, encryptedKey.length);
            } else {
                cek = decrypting("RSA/ECB/PKCS1Padding", key, token).doFinal(encryptedKey);
            }
            return new SecretKeySpec(cek, content.getAlgorithm().getId());
        } catch (ProviderException e) {
            throw tokenFailed(e);
        } catch (GeneralSecurityException
                | InvalidCipherTextException
                | OperatorCreationException e) {
            // bad padding or a bad OAEP block: the message's fault, a verdict, not the token's
            throw new CMSException("the content-encryption key cannot be decrypted: " + e, e);
        }
    }

    /** A cipher of the token set up to decrypt with {@code key}; failing here is the token's. */
    private static Cipher decrypting(String transformation, PrivateKey key, Provider token) {
        try {
            Cipher cipher = Cipher.getInstance(transformation, token);
            cipher.init(Cipher.DECRYPT_MODE, key);
            return cipher;
        } catch (GeneralSecurityException | ProviderException e) {
            throw tokenFailed(e);
        }
    }

    /**
     * The token itself failed (sessions lost, device away): the caller marks it for re-opening and
     * answers 451. What the message got wrong (padding, an unwrap that fails, a point not on the
     * curve) is a {@link CMSException} instead, so a customer cannot put the bank's token out of
     * service with a tampered message.
     */
    private static KeyUnavailableException.Unchecked tokenFailed(Exception e) {
        return new KeyUnavailableException.Unchecked(
                new KeyUnavailableException("the token failed: " + e, e));
    }

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
            throw tokenFailed(e);
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
            throw tokenFailed(e);
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
            return digest(new AlgorithmIdentifier(hash));
        } catch (OperatorCreationException e) {
            throw new CMSException(e.getMessage(), e);
        }
    }

    private static Digest digest(AlgorithmIdentifier id) throws OperatorCreationException {
        return BcDefaultDigestProvider.INSTANCE.get(id);
    }

    /** Raw RSA (CKM_RSA_X_509) in the token, as the engine under BouncyCastle's OAEP decoding. */
    private static final class TokenRsa implements AsymmetricBlockCipher {
        private final PrivateKey key;
        private final int modulusBytes;
        private final Provider token;

        TokenRsa(PrivateKey key, X509Certificate certificate, Provider token) {
            this.key = key;
            this.modulusBytes =
                    (((RSAKey) certificate.getPublicKey()).getModulus().bitLength() + 7) / 8;
            this.token = token;
        }

        @Override
        public void init(boolean forEncryption, CipherParameters param) {
            // the key is in the token; nothing to set up here
        }

        @Override
        public int getInputBlockSize() {
            return modulusBytes;
        }

        @Override
        public int getOutputBlockSize() {
            return getInputBlockSize() - 1;
        }

        @Override
        public byte[] processBlock(byte[] in, int inOff, int len)
                throws InvalidCipherTextException {
            try {
                // the encoded message starts with 0x00: as an integer, without it
                return BigIntegers.asUnsignedByteArray(
                        new BigInteger(
                                1,
                                decrypting("RSA/ECB/NoPadding", key, token)
                                        .doFinal(in, inOff, len)));
            } catch (GeneralSecurityException | ProviderException e) {
                throw tokenFailed(
                        e); // raw RSA has no padding to be wrong: any failure is the token's
            }
        }
    }
}

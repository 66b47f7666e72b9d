package io.mailseal.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.bouncycastle.util.BigIntegers;

/**
 * CMS recipients for a private key in a PKCS#11 token: only the private-key step runs in the token
 * (its provider, never the first in the list), the rest in BouncyCastle, because SunPKCS11 offers
 * neither OAEP decryption nor ECDH with the X9.63 KDF of RFC 5753. RSA PKCS#1 v1.5: decryption in
 * the token. RSAES-OAEP (RFC 8017 §7.1.2): raw RSA (CKM_RSA_X_509) in the token, OAEP decoding
 * here. ECDH: the shared secret in the token (CKM_ECDH1_DERIVE), KDF and AES key unwrap (RFC 3394)
 * here ({@link TokenKeyAgreement}).
 */
public final class TokenRecipients {
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
                            return TokenKeyAgreement.agreed(
                                    key, token, keyEncryption, sender, ukm, encryptedKey);
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
                            return TokenKeyAgreement.agreed(
                                    key, token, keyEncryption, sender, ukm, encryptedKey);
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
    static KeyUnavailableException.Unchecked tokenFailed(Exception e) {
        return new KeyUnavailableException.Unchecked(
                new KeyUnavailableException("the token failed: " + e, e));
    }

    static Digest digest(AlgorithmIdentifier id) throws OperatorCreationException {
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

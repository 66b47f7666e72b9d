package io.mailseal.crypto;

import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import java.io.ByteArrayInputStream;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.mail.smime.SMIMEAuthEnveloped;
import org.bouncycastle.mail.smime.SMIMEEnveloped;

/**
 * Opens one EnvelopedData or AuthEnvelopedData entity (RFC 8551 §3.3, RFC 5083) with whichever of
 * the given keys it was encrypted to: RSA PKCS#1 v1.5 or RSAES-OAEP key transport, ECDH key
 * agreement; AES-CBC or AES-GCM content.
 */
final class EnvelopeOpener {
    private static final Map<String, String> KEY_MANAGEMENT =
            Map.of(
                    "1.2.840.113549.1.1.1", "RSA PKCS#1 v1.5",
                    "1.2.840.113549.1.1.7", "RSAES-OAEP",
                    "1.3.132.1.11.1", "ECDH (SHA-256 KDF)",
                    "1.3.132.1.11.2", "ECDH (SHA-384 KDF)",
                    "1.3.133.16.840.63.0.2", "ECDH (SHA-1 KDF)");

    /** The content inside, with the algorithms that protected it. */
    record Opened(MimeBodyPart content, String contentEncryption, String keyManagement) {}

    private EnvelopeOpener() {}

    static boolean isEnveloped(MimePart part) throws MessagingException {
        String type = part.getContentType().toLowerCase(Locale.ROOT);
        return (type.startsWith("application/pkcs7-mime")
                        || type.startsWith("application/x-pkcs7-mime"))
                && (type.contains("enveloped-data") || type.contains("authenveloped-data"));
    }

    /**
     * The decrypted entity, or empty when none of {@code keys} is among the envelope's recipients.
     * A key that matches but does not open it (a wrong key, tampered ciphertext or tag) throws.
     */
    static Optional<Opened> open(MimePart part, List<DecryptionKey> keys)
            throws MessagingException, CMSException {
        boolean auth = part.getContentType().toLowerCase(Locale.ROOT).contains("authenveloped");
        RecipientInformationStore store;
        String cipher;
        if (auth) {
            SMIMEAuthEnveloped env =
                    part instanceof MimeMessage m
                            ? new SMIMEAuthEnveloped(m)
                            : new SMIMEAuthEnveloped((MimeBodyPart) part);
            store = env.getRecipientInfos();
            cipher = ContentEncryption.nameOf(env.getEncryptionAlgOID());
        } else {
            SMIMEEnveloped env =
                    part instanceof MimeMessage m
                            ? new SMIMEEnveloped(m)
                            : new SMIMEEnveloped((MimeBodyPart) part);
            store = env.getRecipientInfos();
            cipher = ContentEncryption.nameOf(env.getEncryptionAlgOID());
        }
        for (DecryptionKey key : keys) {
            JcaX509CertificateHolder holder;
            try {
                holder = new JcaX509CertificateHolder(key.certificate());
            } catch (CertificateEncodingException e) {
                throw new CMSException("bad recipient certificate", e);
            }
            for (RecipientInformation ri : store.getRecipients()) {
                // BouncyCastle's RecipientId implements the raw Selector; its match takes any
                // Object
                @SuppressWarnings("unchecked")
                boolean toKey = ri.getRID().match(holder);
                if (toKey) {
                    byte[] plain =
                            key.provider().isPresent()
                                    ? inToken(ri, key, auth)
                                    : ri.getContent(recipient(ri, key.privateKey(), auth));
                    return Optional.of(
                            new Opened(
                                    new MimeBodyPart(new ByteArrayInputStream(plain)),
                                    cipher,
                                    KEY_MANAGEMENT.getOrDefault(
                                            ri.getKeyEncryptionAlgOID(),
                                            ri.getKeyEncryptionAlgOID())));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Opens with a key in a PKCS#11 token. A failure of the token itself (away, sessions lost) is
     * not the message's: the key is told (its token is re-opened later) and {@link
     * KeyUnavailableException.Unchecked} stops the message with 451 instead of a verdict. What the
     * message got wrong is a {@link CMSException}, as with a key in a file.
     */
    private static byte[] inToken(RecipientInformation ri, DecryptionKey key, boolean auth)
            throws CMSException {
        try {
            return ri.getContent(
                    TokenRecipients.of(
                            ri, key.privateKey(), key.certificate(), key.provider().get(), auth));
        } catch (KeyUnavailableException.Unchecked e) {
            key.failed().run();
            throw e;
        }
    }

    private static Recipient recipient(RecipientInformation ri, PrivateKey key, boolean auth) {
        if (ri instanceof KeyAgreeRecipientInformation) {
            return auth
                    ? new JceKeyAgreeAuthEnvelopedRecipient(key)
                    : new JceKeyAgreeEnvelopedRecipient(key);
        }
        return auth
                ? new JceKeyTransAuthEnvelopedRecipient(key)
                : new JceKeyTransEnvelopedRecipient(key);
    }
}

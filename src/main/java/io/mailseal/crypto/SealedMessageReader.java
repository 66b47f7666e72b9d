package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.bouncycastle.mail.smime.SMIMESigned;

/**
 * Opens a message the way a recipient's client does: decrypt with the given key, then verify the
 * signature and the signer's chain. Never throws for a bad message: every failure becomes a problem
 * in the {@link Inspection}.
 */
public final class SealedMessageReader {
    private static final Map<String, String> KEY_MANAGEMENT =
            Map.of(
                    "1.2.840.113549.1.1.1", "RSA PKCS#1 v1.5",
                    "1.2.840.113549.1.1.7", "RSAES-OAEP",
                    "1.3.132.1.11.1", "ECDH (SHA-256 KDF)",
                    "1.3.133.16.840.63.0.2", "ECDH (SHA-1 KDF)");

    /** The recipient's private key and certificate. */
    public record DecryptionKey(PrivateKey privateKey, X509Certificate certificate) {
        @Override
        public String toString() {
            return "DecryptionKey[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }

    public Inspection inspect(
            MimeMessage message, Optional<DecryptionKey> key, Set<TrustAnchor> anchors, Date when) {
        List<String> problems = new ArrayList<>();
        InspectionBuilder b = new InspectionBuilder();
        try {
            MimePart entity = message;
            if (isEnveloped(message)) {
                b.encrypted = true;
                if (key.isEmpty()) {
                    problems.add("message is encrypted and no key was given");
                    return b.build(problems);
                }
                entity = decrypt(message, key.get(), b, problems);
                if (entity == null) {
                    return b.build(problems);
                }
            }
            new SignatureCheck(anchors, when).check(entity, b, problems);
        } catch (MessagingException | IOException | CMSException | RuntimeException e) {
            problems.add("cannot be read: " + e.getMessage());
        }
        return b.build(problems);
    }

    private static boolean isEnveloped(MimePart part) throws MessagingException {
        String type = part.getContentType().toLowerCase(java.util.Locale.ROOT);
        return (type.startsWith("application/pkcs7-mime")
                        || type.startsWith("application/x-pkcs7-mime"))
                && (type.contains("enveloped-data") || type.contains("authenveloped-data"));
    }

    private static MimeBodyPart decrypt(
            MimeMessage message, DecryptionKey key, InspectionBuilder b, List<String> problems)
            throws MessagingException, CMSException, IOException {
        boolean auth =
                message.getContentType()
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains("authenveloped-data");
        RecipientInformationStore store;
        if (auth) {
            SMIMEAuthEnveloped env = new SMIMEAuthEnveloped(message);
            store = env.getRecipientInfos();
            b.contentEncryption = ContentEncryption.nameOf(env.getEncryptionAlgOID());
        } else {
            SMIMEEnveloped env = new SMIMEEnveloped(message);
            store = env.getRecipientInfos();
            b.contentEncryption = ContentEncryption.nameOf(env.getEncryptionAlgOID());
        }
        JcaX509CertificateHolder holder;
        try {
            holder = new JcaX509CertificateHolder(key.certificate());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new CMSException("bad recipient certificate", e);
        }
        for (RecipientInformation ri : store.getRecipients()) {
            // BouncyCastle's RecipientId implements the raw Selector; its match takes any Object
            @SuppressWarnings("unchecked")
            boolean toKey = ri.getRID().match(holder);
            if (toKey) {
                b.keyManagement =
                        KEY_MANAGEMENT.getOrDefault(
                                ri.getKeyEncryptionAlgOID(), ri.getKeyEncryptionAlgOID());
                byte[] plain = ri.getContent(recipient(ri, key.privateKey(), auth));
                return new MimeBodyPart(new ByteArrayInputStream(plain));
            }
        }
        problems.add("encrypted, but not to the given key's certificate");
        return null;
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

    static SMIMESigned signedOf(MimePart entity)
            throws MessagingException, CMSException, IOException {
        if (entity.isMimeType("multipart/signed")) {
            return new SMIMESigned((MimeMultipart) entity.getContent());
        }
        String type = entity.getContentType().toLowerCase(java.util.Locale.ROOT);
        if (type.contains("pkcs7-mime") && type.contains("signed-data")) {
            try {
                return entity instanceof MimeMessage m
                        ? new SMIMESigned(m)
                        : new SMIMESigned((MimeBodyPart) entity);
            } catch (org.bouncycastle.mail.smime.SMIMEException e) {
                throw new CMSException("signed-data unreadable: " + e.getMessage(), e);
            }
        }
        return null;
    }
}

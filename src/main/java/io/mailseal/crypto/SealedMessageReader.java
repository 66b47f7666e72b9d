package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.mail.smime.SMIMESigned;

/**
 * Opens a message the way a recipient's client does: decrypt with the given key, then verify the
 * signature and the signer's chain. Never throws for a bad message: every failure becomes a problem
 * in the {@link Inspection}.
 */
public final class SealedMessageReader {
    /**
     * The recipient's private key and certificate; {@code provider} the token's for a key in a
     * PKCS#11 token (decryption then runs there, {@link TokenRecipients}), {@code failed} told when
     * it failed there.
     */
    public record DecryptionKey(
            PrivateKey privateKey,
            X509Certificate certificate,
            Optional<java.security.Provider> provider,
            Runnable failed) {

        public DecryptionKey(PrivateKey privateKey, X509Certificate certificate) {
            this(privateKey, certificate, Optional.empty(), () -> {});
        }

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
            if (EnvelopeOpener.isEnveloped(message)) {
                b.encrypted = true;
                if (key.isEmpty()) {
                    problems.add("message is encrypted and no key was given");
                    return b.build(problems);
                }
                Optional<EnvelopeOpener.Opened> opened =
                        EnvelopeOpener.open(message, List.of(key.get()));
                if (opened.isEmpty()) {
                    problems.add("encrypted, but not to the given key's certificate");
                    return b.build(problems);
                }
                b.contentEncryption = opened.get().contentEncryption();
                b.keyManagement = opened.get().keyManagement();
                entity = opened.get().content();
            }
            new SignatureCheck(anchors, when).check(entity, b, problems);
        } catch (MessagingException | IOException | CMSException | RuntimeException e) {
            problems.add("cannot be read: " + e.getMessage());
        }
        return b.build(problems);
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

package io.mailseal.crypto;

import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.mail.smime.SMIMESigned;

/**
 * Opens mail a customer sent the bank, in memory: every envelope (decrypted with whichever of the
 * bank's keys it was encrypted to) and every signature layer, in whatever order the client nested
 * them (signed then encrypted, the common case, or encrypted then signed), up to {@value
 * #MAX_LAYERS} layers. Never throws for a bad message: what cannot be opened is a {@code problem}.
 */
public final class MessageOpener {
    static final int MAX_LAYERS = 4;

    public OpenedMessage open(byte[] raw, List<DecryptionKey> keys) {
        Layers l = new Layers(raw);
        try {
            MimeMessage message =
                    new MimeMessage(MimeEntities.SESSION, new ByteArrayInputStream(raw));
            l.outer = MimeEntities.messageHeaderLines(message);
            l.walk(message, keys);
        } catch (KeyUnavailableException.Unchecked e) {
            // our key, not the message: the caller answers 451
            throw e;
        } catch (CMSException e) {
            l.problem = Optional.of("cannot be opened: " + e.getMessage()); // our texts, no content
            l.readable = raw;
        } catch (MessagingException | IOException | RuntimeException e) {
            // a parser's text may quote what it read, which can be decrypted content: it goes into
            // Authentication-Results, a 550 and the logs, so only what kind of failure it was
            l.problem =
                    Optional.of(
                            "cannot be opened: malformed MIME ("
                                    + e.getClass().getSimpleName()
                                    + ")");
            l.readable = raw;
        }
        return new OpenedMessage(
                l.encrypted,
                l.contentEncryption,
                l.keyManagement,
                l.signatures,
                l.problem,
                l.readable,
                l.signedMessage);
    }

    /** The findings while walking one message; used by one thread. */
    private static final class Layers {
        List<String> outer = List.of();
        boolean encrypted;
        String contentEncryption = "";
        String keyManagement = "";
        final List<SignatureFinding> signatures = new ArrayList<>();
        Optional<String> problem = Optional.empty();
        byte[] readable;
        Optional<byte[]> signedMessage = Optional.empty();

        Layers(byte[] raw) {
            this.readable = raw;
        }

        void walk(MimeMessage message, List<DecryptionKey> keys)
                throws MessagingException, IOException, CMSException {
            MimePart entity = message;
            for (int layer = 0; layer < MAX_LAYERS; layer++) {
                if (EnvelopeOpener.isEnveloped(entity)) {
                    encrypted = true;
                    Optional<EnvelopeOpener.Opened> opened = EnvelopeOpener.open(entity, keys);
                    if (opened.isEmpty()) {
                        problem =
                                Optional.of("encrypted to no certificate the bank holds a key for");
                        return;
                    }
                    contentEncryption = opened.get().contentEncryption();
                    keyManagement = opened.get().keyManagement();
                    entity = opened.get().content();
                    readable = wrapped(entity);
                    continue;
                }
                SMIMESigned signed = SealedMessageReader.signedOf(entity);
                if (signed == null) {
                    return;
                }
                MimeBodyPart content = signed.getContent();
                boolean keep =
                        entity.isMimeType("multipart/signed")
                                && !EnvelopeOpener.isEnveloped(content)
                                && SealedMessageReader.signedOf(content) == null;
                // readable is already this layer with the original header fields around it
                signedMessage = Optional.of(readable);
                signatures.addAll(findings(signed, keep ? "1" : "TEXT"));
                if (keep) {
                    return;
                }
                entity = content;
                readable = wrapped(entity);
            }
        }

        private byte[] wrapped(MimePart entity) throws MessagingException, IOException {
            return MimeEntities.bytes(MimeEntities.wrap(outer, (MimeBodyPart) entity));
        }
    }

    private static List<SignatureFinding> findings(SMIMESigned signed, String part)
            throws CMSException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (X509CertificateHolder h : signed.getCertificates().getMatches(null)) {
            try {
                certificates.add(converter.getCertificate(h));
            } catch (CertificateException e) {
                throw new CMSException("certificate in the signature unreadable", e);
            }
        }
        List<SignatureFinding> out = new ArrayList<>();
        for (SignerInformation si : signed.getSignerInfos().getSigners()) {
            List<String> problems = new ArrayList<>();
            X509Certificate cert = SignatureCheck.signerCertificate(signed, si, problems);
            boolean verified = cert != null && SignatureCheck.verifies(si, cert, problems);
            out.add(
                    new SignatureFinding(
                            Optional.ofNullable(cert),
                            certificates,
                            verified,
                            String.join("; ", problems),
                            part));
        }
        if (out.isEmpty()) {
            out.add(
                    new SignatureFinding(
                            Optional.empty(),
                            certificates,
                            false,
                            "signed-data has no signer",
                            part));
        }
        return out;
    }
}

package io.mailseal.crypto;

import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.demo.DemoPki;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The bank's one-time-code mail and the small steps every crypto test repeats. */
final class MailFixtures {
    static final String BODY = "Grüße, Ihr Code: 482913";

    /**
     * {@link #BODY} as the signed part carries it: 8-bit text made quoted-printable before signing.
     */
    static final String BODY_QP = "Gr=C3=BC=C3=9Fe, Ihr Code: 482913";

    static final String MESSAGE_ID = "<fixed-1@bank.example>";

    private MailFixtures() {}

    /** An 8-bit UTF-8 code mail with a Bcc (must never leave) and a bank template header. */
    static MimeMessage otpMail(String to) throws Exception {
        return parse(
                ("From: otp@bank.example\r\n"
                                + "To: "
                                + to
                                + "\r\n"
                                + "Bcc: audit@bank.example\r\n"
                                + "Subject: Ihr Code\r\n"
                                + "Date: Tue, 25 Nov 2025 05:00:00 +0000\r\n"
                                + "Message-ID: "
                                + MESSAGE_ID
                                + "\r\n"
                                + "X-Mail-Class: otp\r\n"
                                + "MIME-Version: 1.0\r\n"
                                + "Content-Type: text/plain; charset=utf-8\r\n"
                                + "Content-Transfer-Encoding: 8bit\r\n"
                                + "\r\n"
                                + BODY
                                + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(MimeEntities.SESSION, new ByteArrayInputStream(raw));
    }

    static byte[] bytes(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    static String wire(MimeMessage message) throws Exception {
        return new String(bytes(message), StandardCharsets.ISO_8859_1);
    }

    static SigningIdentity identity(DemoPki.Issued signer, X509Certificate... chain) {
        return new SigningIdentity(signer.key(), signer.certificate(), List.of(chain));
    }

    static Optional<DecryptionKey> key(DemoPki.Issued customer) {
        return Optional.of(new DecryptionKey(customer.key(), customer.certificate()));
    }

    static Set<TrustAnchor> anchors(DemoPki pki) {
        return Set.of(new TrustAnchor(pki.ca().certificate(), null));
    }

    static Inspection open(MimeMessage message, DemoPki.Issued customer, DemoPki pki) {
        return new SealedMessageReader().inspect(message, key(customer), anchors(pki), new Date());
    }

    static String text(Inspection inspection) throws IOException, jakarta.mail.MessagingException {
        return (String) inspection.content().orElseThrow().getContent();
    }
}

package io.mailseal.seal;

import io.mailseal.policy.MessageFacts;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.util.Properties;

/** Turns received bytes into a MIME message and the facts policies match on. */
final class MimeParsing {
    private static final Session SESSION = Session.getInstance(new Properties());

    private MimeParsing() {}

    /**
     * The message over {@code content} itself: from a shared stream Jakarta Mail keeps the body as
     * a view of the array (and every part of it as a view too) instead of copying it.
     */
    static MimeMessage parse(byte[] content) throws MessagingException {
        MimeMessage m = new MimeMessage(SESSION, new SharedByteArrayInputStream(content));
        m.getAllHeaders(); // force header parsing now, so bad input is refused at DATA
        return m;
    }

    static MessageFacts facts(String envelopeFrom, MimeMessage m) throws MessagingException {
        return MessageFacts.of(envelopeFrom, m);
    }
}

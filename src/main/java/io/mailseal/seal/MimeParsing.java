package io.mailseal.seal;

import io.mailseal.policy.MessageFacts;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        Map<String, List<String>> headers = new HashMap<>();
        for (Header h : Collections.list(m.getAllHeaders())) {
            headers.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(decode(h.getValue()));
        }
        List<String> fromAddresses = new ArrayList<>();
        String[] from = m.getHeader("From");
        if (from != null) {
            for (String f : from) {
                try {
                    for (InternetAddress a : InternetAddress.parseHeader(f, false)) {
                        fromAddresses.add(a.getAddress());
                    }
                } catch (AddressException e) {
                    // an unparseable From matches no header-from rule; policy decides the rest
                }
            }
        }
        return new MessageFacts(envelopeFrom, fromAddresses, headers);
    }

    private static String decode(String raw) {
        String unfolded = MimeUtility.unfold(raw == null ? "" : raw).strip();
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (UnsupportedEncodingException e) {
            return unfolded;
        }
    }
}

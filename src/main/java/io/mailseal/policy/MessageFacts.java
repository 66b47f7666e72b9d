package io.mailseal.policy;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What policies may look at: the envelope sender, the addresses in the From header, and the
 * headers. Header names are kept lower-case (RFC 5322 §1.2.2: case-insensitive); values are
 * unfolded and RFC 2047-decoded by whoever builds this.
 */
public record MessageFacts(
        String envelopeFrom, List<String> headerFromAddresses, Map<String, List<String>> headers) {

    public MessageFacts {
        headerFromAddresses = List.copyOf(headerFromAddresses);
        headers = Map.copyOf(headers);
    }

    /**
     * The facts of a parsed message: header names lower-cased, values unfolded and RFC
     * 2047-decoded; the From addresses that parse (an unparseable From matches no header-from
     * rule).
     */
    public static MessageFacts of(String envelopeFrom, MimeMessage m) throws MessagingException {
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

    public List<String> header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    public Optional<String> subject() {
        return header("subject").stream().findFirst();
    }
}

package io.mailseal.delivery;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One recipient the sender must hear about: RFC 3463 status and the reason, with its RFC 3464
 * diagnostic type — {@code smtp} only for a next hop's reply, with the host that replied as {@code
 * remoteMta} (RFC 3464 §2.3.5); {@code X-mailseal} for what this relay found itself (expiry, DNS,
 * address syntax).
 */
record Bounce(
        String recipient,
        String status,
        String diagnosticType,
        String diagnostic,
        Optional<String> remoteMta) {
    /**
     * RFC 3463 status right after the reply code (RFC 2034 §4), not any x.y.z in the text (an IP
     * address).
     */
    private static final Pattern ENHANCED =
            Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    /** The next hop's own RFC 3463 code when its reply carries one, else the class of its reply. */
    static Bounce of(String recipient, DeliveryResult.Failed f) {
        String diagnostic =
                f.reason().startsWith(Integer.toString(f.code()))
                        ? f.reason()
                        : f.code() + " " + f.reason();
        Matcher m = ENHANCED.matcher(diagnostic);
        boolean sameClass =
                m.find() && m.group(1).charAt(0) == Integer.toString(f.code()).charAt(0);
        return new Bounce(
                recipient,
                sameClass ? m.group(1) : f.code() / 100 + ".0.0",
                f.source() == DeliveryResult.Source.NEXT_HOP ? "smtp" : "X-mailseal",
                diagnostic,
                f.remoteMta());
    }

    /** RFC 3463 §3.5: 4.4.7, delivery time expired. */
    static Bounce expired(String recipient, String policy) {
        return new Bounce(
                recipient,
                "4.4.7",
                "X-mailseal",
                "not delivered within max-age (policy " + policy + ")",
                Optional.empty());
    }
}

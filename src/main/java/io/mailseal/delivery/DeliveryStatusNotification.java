package io.mailseal.delivery;

import io.mailseal.spool.SpooledMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * RFC 3464 bounce for failed or expired recipients. It carries the sealed message's outer headers
 * only (text/rfc822-headers): already obscured by header protection, and never the body — a bounce
 * must not undo the encryption.
 */
final class DeliveryStatusNotification {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).withZone(ZoneOffset.UTC);

    /** RFC 5322 §3.2.3 atext, with UTF-8 as RFC 6532 §3.2 allows. */
    private static final String ATEXT = "[\\w!#$%&'*+/=?^`{|}~\\P{ASCII}-]";

    /**
     * A local part that needs no quoting: a dot-atom, or a quoted string already (RFC 5322 §3.4.1).
     */
    private static final Pattern LOCAL_PART =
            Pattern.compile(ATEXT + "+(\\." + ATEXT + "+)*" + "|\"([^\"\\\\\\r\\n]|\\\\.)*\"");

    private DeliveryStatusNotification() {}

    /**
     * Each bounce carries its RFC 3463 status, e.g. 5.1.1 (refused) or 4.4.7 (expired, RFC 3463
     * §3.5).
     */
    static byte[] build(SpooledMessage m, String hostname, List<Bounce> bounces, Instant now) {
        String boundary = "dsn-" + UUID.randomUUID();
        boolean expired = bounces.stream().allMatch(b -> b.status().equals("4.4.7"));
        StringBuilder b = new StringBuilder();
        b.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n");
        b.append("To: <").append(m.envelopeFrom()).append(">\r\n");
        b.append("Subject: ")
                .append(
                        expired
                                ? "Undelivered Mail: expired"
                                : "Undelivered Mail Returned to Sender")
                .append("\r\n");
        b.append("Date: ").append(DATE.format(now)).append("\r\n");
        b.append("Message-ID: <")
                .append(UUID.randomUUID())
                .append('@')
                .append(hostname)
                .append(">\r\n");
        b.append("Auto-Submitted: auto-replied\r\n");
        b.append("MIME-Version: 1.0\r\n");
        b.append("Content-Type: multipart/report; report-type=delivery-status; boundary=\"")
                .append(boundary)
                .append("\"\r\n\r\n");
        b.append("--")
                .append(boundary)
                .append("\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        b.append(
                expired
                        ? "The message could not be delivered before its policy's max-age ("
                                + m.policy()
                                + ") and was removed. It will not be delivered late.\r\n"
                        : "The message could not be delivered to the recipients below and will not be tried again.\r\n");
        b.append("Queue id: ").append(m.id()).append("\r\n\r\n");
        b.append("--").append(boundary).append("\r\nContent-Type: message/delivery-status\r\n\r\n");
        b.append("Reporting-MTA: dns; ").append(hostname).append("\r\n");
        b.append("Arrival-Date: ").append(DATE.format(m.created())).append("\r\n");
        for (Bounce bounce : bounces) {
            b.append("\r\nFinal-Recipient: rfc822; ")
                    .append(addrSpec(bounce.recipient()))
                    .append("\r\n");
            b.append("Action: failed\r\nStatus: ").append(bounce.status()).append("\r\n");
            bounce.remoteMta()
                    .ifPresent(host -> b.append("Remote-MTA: dns; ").append(host).append("\r\n"));
            b.append("Diagnostic-Code: ")
                    .append(bounce.diagnosticType())
                    .append("; ")
                    .append(bounce.diagnostic().replaceAll("[\\r\\n]+", " "))
                    .append("\r\n");
        }
        b.append("\r\n--").append(boundary).append("\r\nContent-Type: text/rfc822-headers\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(headersOf(m.content()));
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The original's header section byte for byte: 8-bit headers are copied, not re-encoded. */
    private static byte[] headersOf(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0
                ? new byte[0]
                : text.substring(0, end + 2).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * {@code address} as an RFC 5322 addr-spec: a local part that is no dot-atom is quoted (§3.4.1,
     * §3.2.4).
     */
    private static String addrSpec(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        if (LOCAL_PART.matcher(local).matches()) {
            return address;
        }
        return '"'
                + local.replaceAll("[\"\\\\]", "\\\\$0")
                + '"'
                + address.substring(local.length());
    }
}

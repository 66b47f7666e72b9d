package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Makes an entity safe to sign: after this, no hop can change a byte of it. Hops convert 8-bit
 * text, strip trailing blanks, quote "From " at the start of a line, turn CRLF into LF and back and
 * break long lines (RFC 8551 §3.1.3, RFC 3156 §3), so every leaf that has any of these is
 * re-encoded — text as quoted-printable with "From " escaped, anything else as base64 — and header
 * lines are folded to at most 78 characters without trailing blanks. multipart/signed is never
 * touched: that would break its signature (RFC 1847 §2.1).
 */
final class SevenBitEntity {
    /**
     * RFC 2045 §6.7: encoded lines of at most 76 characters; RFC 5322 §2.1.1 asks 78 of headers.
     */
    private static final int MAX_BODY_LINE = 76;

    private static final int MAX_HEADER_LINE = 78;
    private static final Pattern FROM_LINE = Pattern.compile("(?m)^From ");

    private SevenBitEntity() {}

    /**
     * {@code part} (body {@code rawBody}) as a hop-proof entity; unchanged when it already is one.
     */
    static MimeBodyPart of(MimeBodyPart part, byte[] rawBody)
            throws MessagingException, IOException {
        return fragile(part, rawBody) ? encode(part) : part;
    }

    /**
     * Header lines (possibly folded) refolded at blanks to at most 78 characters, no trailing
     * blanks.
     */
    static String foldHeader(String line) {
        StringBuilder out = new StringBuilder();
        for (String physical : line.split("\r\n")) {
            String rest = physical.stripTrailing();
            while (rest.length() > MAX_HEADER_LINE) {
                int blank =
                        Math.max(
                                rest.lastIndexOf(' ', MAX_HEADER_LINE),
                                rest.lastIndexOf('\t', MAX_HEADER_LINE));
                if (blank <= 0 || rest.substring(0, blank).isBlank()) {
                    break; // one word longer than a line: nothing to fold at (RFC 5322 §2.2.3
                    // allows 998)
                }
                appendLine(out, rest.substring(0, blank).stripTrailing());
                rest = rest.substring(blank);
            }
            appendLine(out, rest);
        }
        return out.toString();
    }

    private static void appendLine(StringBuilder out, String line) {
        if (!out.isEmpty()) {
            out.append("\r\n");
        }
        out.append(line);
    }

    private static boolean fragile(MimeBodyPart part, byte[] rawBody)
            throws MessagingException, IOException {
        if (part.isMimeType("multipart/signed")) {
            return false;
        }
        for (String line : Collections.list(part.getAllHeaderLines())) {
            if (!foldHeader(line).equals(line)) {
                return true;
            }
        }
        if (part.isMimeType("multipart/*")) {
            MimeMultipart children = (MimeMultipart) part.getContent();
            for (int i = 0; i < children.getCount(); i++) {
                MimeBodyPart child = (MimeBodyPart) children.getBodyPart(i);
                if (fragile(child, raw(child))) {
                    return true;
                }
            }
            return !"7bit".equals(encoding(part));
        }
        return List.of("8bit", "binary").contains(encoding(part)) || fragileLines(rawBody);
    }

    /** 8-bit bytes, bare CR or LF, a line too long, ending in a blank or starting with "From ". */
    private static boolean fragileLines(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        for (String line : text.split("\r\n", -1)) {
            if (line.length() > MAX_BODY_LINE
                    || line.endsWith(" ")
                    || line.endsWith("\t")
                    || line.startsWith("From ")
                    || line.indexOf('\r') >= 0
                    || line.indexOf('\n') >= 0
                    || line.chars().anyMatch(c -> c > 127)) {
                return true;
            }
        }
        return false;
    }

    private static MimeBodyPart encode(MimeBodyPart part) throws MessagingException, IOException {
        byte[] body;
        String encoding;
        if (part.isMimeType("multipart/*")) {
            MimeMultipart children = (MimeMultipart) part.getContent();
            for (int i = 0; i < children.getCount(); i++) {
                MimeBodyPart child = (MimeBodyPart) children.getBodyPart(i);
                MimeBodyPart safe = of(child, raw(child));
                if (safe != child) {
                    children.removeBodyPart(i);
                    children.addBodyPart(safe, i);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            children.writeTo(out);
            body = out.toByteArray();
            encoding = "7bit";
        } else {
            encoding = part.isMimeType("text/*") ? "quoted-printable" : "base64";
            body = encoded(decoded(part), encoding);
        }
        List<String> headers = new ArrayList<>();
        for (String line : Collections.list(part.getAllHeaderLines())) {
            if (!line.regionMatches(true, 0, "content-transfer-encoding:", 0, 26)) {
                headers.add(line);
            }
        }
        headers.add("Content-Transfer-Encoding: " + encoding);
        return MimeEntities.part(headers, body);
    }

    private static byte[] encoded(byte[] decoded, String encoding)
            throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(decoded.length * 4 / 3 + 64);
        try (OutputStream enc = MimeUtility.encode(out, encoding)) {
            enc.write(decoded);
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        // quoted-printable leaves "From " alone; =46 is the same letter to every decoder (RFC 3156
        // §3)
        return FROM_LINE.matcher(text).replaceAll("=46rom ").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] decoded(MimeBodyPart part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] raw(MimeBodyPart part) throws MessagingException, IOException {
        try (InputStream in = part.getRawInputStream()) {
            return in.readAllBytes();
        }
    }

    private static String encoding(MimeBodyPart part) throws MessagingException {
        return part.getEncoding() == null ? "7bit" : part.getEncoding().toLowerCase(Locale.ROOT);
    }
}

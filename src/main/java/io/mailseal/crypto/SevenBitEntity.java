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
import java.util.Arrays;
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
        return of(part, rawBody, 0, rawBody.length);
    }

    /**
     * As {@link #of(MimeBodyPart, byte[])}, the raw body {@code length} bytes from {@code from}.
     */
    static MimeBodyPart of(MimeBodyPart part, byte[] data, int from, int length)
            throws MessagingException, IOException {
        return fragile(part, data, from, from + length) ? encode(part) : part;
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

    private static boolean fragile(MimeBodyPart part, byte[] data, int from, int to)
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
            if (!"7bit".equals(encoding(part))) {
                return true;
            }
            if (!fragileLines(data, from, to) && walkCanBeSkipped(data, from, to)) {
                // every line of every part inside is hop-proof (header lines too: at most 76
                // characters, no trailing blank), and no part is labelled 8bit or binary
                return false;
            }
            MimeMultipart children = (MimeMultipart) part.getContent();
            for (int i = 0; i < children.getCount(); i++) {
                MimeBodyPart child = (MimeBodyPart) children.getBodyPart(i);
                byte[] raw = raw(child);
                if (fragile(child, raw, 0, raw.length)) {
                    return true;
                }
            }
            return false;
        }
        return List.of("8bit", "binary").contains(encoding(part)) || fragileLines(data, from, to);
    }

    /**
     * 8-bit bytes, bare CR or LF, a line too long, ending in a blank or starting with "From ";
     * scanned in place, lines between CRLFs.
     */
    private static boolean fragileLines(byte[] b, int from, int to) {
        int line = from;
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                return true;
            }
            if (b[i] == '\r' && i + 1 < to && b[i + 1] == '\n') {
                if (fragileLine(b, line, i)) {
                    return true;
                }
                line = ++i + 1;
            } else if (b[i] == '\r' || b[i] == '\n') {
                return true;
            }
        }
        return fragileLine(b, line, to);
    }

    /**
     * Whether the exact walk of the parts can be skipped for b[from, to), a multipart body whose
     * lines {@link #fragileLines} passed: no control character but tab (folding takes them off a
     * header line's end), no nested multipart (the walk re-encodes one labelled anything but 7bit),
     * and every "Content-Transfer-Encoding", in any case, starts a line and labels 7bit,
     * quoted-printable or base64. Anything else — a body line that only mentions one, a field
     * written oddly — sends the caller to the walk. Saves parsing a multipart a second time: for a
     * 10 MB statement that parse cost as much as the signature and the encryption together.
     */
    private static boolean walkCanBeSkipped(byte[] b, int from, int to) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c == '\n') {
                lineStart = i + 1;
            } else if (c < ' ' && c != '\t' && c != '\r') {
                return false;
            } else if ((c | 0x20) == 'm' && startsWithIgnoringCase(b, i, to, MULTIPART)) {
                return false;
            } else if ((c | 0x20) == 'c'
                    && startsWithIgnoringCase(b, i, to, CTE)
                    && (i != lineStart || !labelsHopProof(b, i + CTE.length, to))) {
                return false;
            }
        }
        return true;
    }

    /** ASCII letters in either case; may take a control character for a sign (then: the walk). */
    private static boolean startsWithIgnoringCase(byte[] b, int at, int to, byte[] lowerCase) {
        if (to - at < lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            if ((b[at + i] | 0x20) != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    /** After a field name at {@code at}: blanks, a colon, and one of the hop-proof labels. */
    private static boolean labelsHopProof(byte[] b, int at, int to) {
        int colon = at;
        while (colon < to && (b[colon] == ' ' || b[colon] == '\t')) {
            colon++;
        }
        int end = colon;
        while (end < to && b[end] != '\r') {
            end++;
        }
        if (colon == end || b[colon] != ':') {
            return false;
        }
        String value =
                new String(b, colon + 1, end - colon - 1, StandardCharsets.US_ASCII)
                        .strip()
                        .toLowerCase(Locale.ROOT);
        return HOP_PROOF_LABELS.contains(value);
    }

    private static final byte[] CTE =
            "content-transfer-encoding".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MULTIPART = "multipart".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> HOP_PROOF_LABELS =
            List.of("7bit", "quoted-printable", "base64");

    private static boolean fragileLine(byte[] b, int from, int to) {
        return to - from > MAX_BODY_LINE
                || (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t'))
                || (to - from >= FROM.length
                        && Arrays.equals(b, from, from + FROM.length, FROM, 0, FROM.length));
    }

    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

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
            int colon = line.indexOf(':');
            if (colon < 0
                    || !line.substring(0, colon)
                            .trim() // Jakarta Mail takes the name without controls or blanks
                            .equalsIgnoreCase("content-transfer-encoding")) {
                headers.add(line);
            }
        }
        headers.add("Content-Transfer-Encoding: " + encoding);
        return MimeEntities.part(headers, body);
    }

    private static byte[] encoded(byte[] decoded, String encoding)
            throws MessagingException, IOException {
        OpenBuffer out = new OpenBuffer(decoded.length * 4L / 3 + decoded.length / 30 + 64);
        try (OutputStream enc = MimeUtility.encode(out, encoding)) {
            enc.write(decoded);
        }
        if (!hasFromLine(out.array(), out.size())) {
            return out.bytes();
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        // quoted-printable leaves "From " alone; =46 is the same letter to every decoder (RFC 3156
        // §3)
        return FROM_LINE.matcher(text).replaceAll("=46rom ").getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean hasFromLine(byte[] b, int length) {
        for (int i = 0; i + FROM.length <= length; i++) {
            if ((i == 0 || b[i - 1] == '\n')
                    && Arrays.equals(b, i, i + FROM.length, FROM, 0, FROM.length)) {
                return true;
            }
        }
        return false;
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

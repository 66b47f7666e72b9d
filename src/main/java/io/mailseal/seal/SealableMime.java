package io.mailseal.seal;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a message can be signed and sealed as it came, or why not. Malformed MIME under a
 * protecting policy is refused ({@code 554 5.6.0}) before any sealing starts: never forwarded in
 * plaintext, never a 451 that the sender would retry forever. The reasons are fixed texts; nothing
 * of the message is quoted in a reply or a log.
 *
 * <p>What is checked: the header section is RFC 5322 fields and is ended by an empty line (§2.1,
 * §2.2) — without one, body lines would be taken for header fields, and those travel outside the
 * envelope; every Content-Type parses; multiparts have a boundary, their parts and a closing
 * delimiter (RFC 2046 §5.1.1) and nest no deeper than {@code smtp.max-mime-depth}; every leaf
 * decodes by its Content-Transfer-Encoding (RFC 2045 §6) and names a known charset; and the
 * Subject, shown inside the envelope (RFC 9788 legacy display), decodes (RFC 2047).
 */
final class SealableMime {
    private static final Set<String> ENCODINGS =
            Set.of("7bit", "8bit", "binary", "quoted-printable", "base64");
    private static final String UNDECODABLE = "content does not decode as its headers say";
    private final int maxDepth;

    SealableMime(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    Optional<String> problem(byte[] content, MimeMessage message) {
        Optional<String> header = headerSection(content);
        if (header.isPresent()) {
            return header;
        }
        try {
            String subject = message.getHeader("Subject", null);
            if (subject != null) {
                MimeUtility.decodeText(MimeUtility.unfold(subject));
            }
        } catch (UnsupportedEncodingException e) {
            return Optional.of("Subject has an encoded-word in an unknown charset (RFC 2047)");
        } catch (MessagingException e) {
            return Optional.of("unreadable header section");
        }
        return entity(message, 0);
    }

    /** Every line up to the first empty one is a field or the continuation of one. */
    private static Optional<String> headerSection(byte[] m) {
        int line = 0;
        while (line < m.length) {
            int end = line;
            while (end < m.length && m[end] != '\n') {
                end++;
            }
            int length = end - line - (end > line && m[end - 1] == '\r' ? 1 : 0);
            if (length == 0) {
                return Optional.empty();
            }
            boolean continuation = m[line] == ' ' || m[line] == '\t';
            if (continuation ? line == 0 : !isField(m, line, length)) {
                return Optional.of("a header line is not a header field (RFC 5322 2.2)");
            }
            line = end + 1;
        }
        return Optional.of("no empty line between header section and body (RFC 5322 2.1)");
    }

    /** field-name ":" where field-name is printable US-ASCII but colon (RFC 5322 §3.6.8). */
    private static boolean isField(byte[] m, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (m[i] == ':') {
                return i > from;
            }
            if (m[i] < 33 || m[i] > 126) {
                return false;
            }
        }
        return false;
    }

    private Optional<String> entity(MimePart part, int depth) {
        try {
            ContentType type;
            try {
                type = new ContentType(part.getContentType());
            } catch (ParseException e) {
                return Optional.of("a Content-Type cannot be parsed (RFC 2045 5.1)");
            }
            String encoding = part.getEncoding();
            if (encoding != null && !ENCODINGS.contains(encoding.toLowerCase(Locale.ROOT))) {
                return Optional.of("unknown Content-Transfer-Encoding (RFC 2045 6)");
            }
            if (type.match("multipart/*")) {
                return multipart(part, type, depth + 1);
            }
            String charset = type.getParameter("charset");
            if (type.match("text/*") && charset != null && !isKnown(charset)) {
                return Optional.of("unknown charset");
            }
            if ("base64".equalsIgnoreCase(encoding)) {
                return Base64Content.decodes(raw(part))
                        ? Optional.empty()
                        : Optional.of(UNDECODABLE);
            }
            try (InputStream decoded = part.getInputStream()) {
                decoded.transferTo(OutputStream.nullOutputStream());
            }
            return Optional.empty();
        } catch (MessagingException | IOException | RuntimeException e) {
            // jakarta.mail reports broken content as any of these: all mean the same here
            return Optional.of(UNDECODABLE);
        }
    }

    private static InputStream raw(MimePart part) throws MessagingException {
        return part instanceof MimeMessage m
                ? m.getRawInputStream()
                : ((MimeBodyPart) part).getRawInputStream();
    }

    private Optional<String> multipart(Part part, ContentType type, int depth)
            throws MessagingException, IOException {
        if (depth > maxDepth) {
            return Optional.of("MIME nesting deeper than " + maxDepth);
        }
        if (type.getParameter("boundary") == null || type.getParameter("boundary").isEmpty()) {
            return Optional.of("multipart without boundary (RFC 2046 5.1.1)");
        }
        if (!(part.getContent() instanceof MimeMultipart multipart)
                || multipart.getCount() == 0
                || !multipart.isComplete()) {
            return Optional.of("multipart without its parts or closing delimiter (RFC 2046 5.1.1)");
        }
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart child = multipart.getBodyPart(i);
            Optional<String> problem = entity((MimePart) child, depth);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static boolean isKnown(String charset) {
        try {
            return Charset.isSupported(MimeUtility.javaCharset(charset));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

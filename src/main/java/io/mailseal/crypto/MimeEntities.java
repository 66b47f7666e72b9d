package io.mailseal.crypto;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Locale;
import java.util.Properties;

/**
 * Splitting a message into the headers that stay outside and the MIME entity that gets
 * signed or encrypted, and putting them back together. Every result is serialised and
 * re-parsed, so what is signed is byte for byte what the next stage and the recipient see.
 */
final class MimeEntities {
    static final Session SESSION = Session.getInstance(new Properties());

    private MimeEntities() {
    }

    /** Content-* headers describe the entity; they go inside with the body. */
    static boolean isContentHeader(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        return l.startsWith("content-") || l.startsWith("mime-version:");
    }

    /** Bcc never leaves the relay (RFC 5322 §3.6.3: it is for the sender's copy only). */
    private static boolean isBcc(String line) {
        return line.regionMatches(true, 0, "bcc:", 0, 4);
    }

    /** The message's body with its Content-* headers, as one entity, 7-bit safe for signing. */
    static MimeBodyPart contentEntity(MimeMessage message) throws MessagingException, IOException {
        java.util.List<String> headers = new java.util.ArrayList<>();
        for (String line : Collections.list(message.getAllHeaderLines())) {
            if (isContentHeader(line) && !line.regionMatches(true, 0, "mime-version:", 0, 13)) {
                headers.add(line);
            }
        }
        if (message.getHeader("Content-Type") == null) {
            headers.add("Content-Type: text/plain; charset=us-ascii"); // RFC 2045 §5.2 default
        }
        byte[] body;
        try (InputStream raw = message.getRawInputStream()) {
            body = raw.readAllBytes();
        }
        MimeBodyPart part = part(headers, body);
        if (isEightBit(part, body)) {
            return sevenBit(part);
        }
        if (part.getHeader("Content-Transfer-Encoding") == null) {
            part.setHeader("Content-Transfer-Encoding", "7bit");
        }
        return reparse(part);
    }

    /** multipart/signed is never re-encoded: that would break its signature (RFC 1847 §2.1). */
    private static boolean isEightBit(MimeBodyPart part, byte[] rawBody) throws MessagingException {
        if (part.isMimeType("multipart/signed")) {
            return false;
        }
        String cte = part.getEncoding() == null ? "7bit" : part.getEncoding().toLowerCase(Locale.ROOT);
        return cte.equals("8bit") || cte.equals("binary") || has8bit(rawBody);
    }

    /**
     * Re-encodes every 8-bit leaf, at any depth of a multipart, as quoted-printable (text) or
     * base64 (anything else): a signature over 8-bit content breaks at the first hop that
     * converts it (RFC 8551 §3.1.2). 7-bit children are kept byte for byte.
     */
    private static MimeBodyPart sevenBit(MimeBodyPart part) throws MessagingException, IOException {
        MimeBodyPart out = new MimeBodyPart();
        String encoding;
        if (part.isMimeType("multipart/*")) {
            MimeMultipart children = (MimeMultipart) part.getContent();
            for (int i = 0; i < children.getCount(); i++) {
                MimeBodyPart child = (MimeBodyPart) children.getBodyPart(i);
                byte[] rawChild;
                try (InputStream raw = child.getRawInputStream()) {
                    rawChild = raw.readAllBytes();
                }
                if (isEightBit(child, rawChild)) {
                    children.removeBodyPart(i);
                    children.addBodyPart(sevenBit(child), i);
                }
            }
            out.setContent(children);
            encoding = "7bit";
        } else {
            byte[] decoded;
            try (InputStream in = part.getInputStream()) {
                decoded = in.readAllBytes();
            }
            out.setDataHandler(new DataHandler(new ByteArrayDataSource(decoded, part.getContentType())));
            encoding = part.isMimeType("text/*") ? "quoted-printable" : "base64";
        }
        for (String line : Collections.list(part.getAllHeaderLines())) {
            if (!line.regionMatches(true, 0, "content-transfer-encoding:", 0, 26)) {
                out.addHeaderLine(line);
            }
        }
        out.setHeader("Content-Type", part.getContentType());
        out.setHeader("Content-Transfer-Encoding", encoding);
        return reparse(out);
    }

    /** A new message: the source's non-content headers (minus Bcc) around {@code entity}. */
    static MimeMessage wrap(MimeMessage source, MimeBodyPart entity) throws MessagingException, IOException {
        return wrap(messageHeaderLines(source), entity);
    }

    /** The source's header lines that are about the message, not its content; Bcc dropped. */
    static java.util.List<String> messageHeaderLines(MimeMessage source) throws MessagingException {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (String line : Collections.list(source.getAllHeaderLines())) {
            if (!isContentHeader(line) && !isBcc(line)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** A new message: {@code headerLines} (as written, folded) around {@code entity}. */
    static MimeMessage wrap(java.util.List<String> headerLines, MimeBodyPart entity)
            throws MessagingException, IOException {
        MimeMessage outer = new KeepMessageId();
        for (String line : headerLines) {
            outer.addHeaderLine(line);
        }
        outer.setDataHandler(entity.getDataHandler());
        for (String line : Collections.list(entity.getAllHeaderLines())) {
            if (isContentHeader(line)) {
                outer.addHeaderLine(line);
            }
        }
        outer.setHeader("MIME-Version", "1.0");
        outer.saveChanges();
        return reparse(outer);
    }

    /** A body part from header lines (as written, possibly folded) and the raw body. */
    static MimeBodyPart part(java.util.List<String> headerLines, byte[] rawBody) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rawBody.length + 512);
        for (String line : headerLines) {
            out.writeBytes(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        out.writeBytes(rawBody);
        return new MimeBodyPart(new ByteArrayInputStream(out.toByteArray()));
    }

    private static final byte[] CRLF = {'\r', '\n'};

    static boolean has8bit(byte[] data) {
        for (byte b : data) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    static byte[] bytes(jakarta.mail.Part part) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        part.writeTo(out);
        return out.toByteArray();
    }

    static MimeMessage reparse(MimeMessage m) throws MessagingException, IOException {
        return new MimeMessage(SESSION, new ByteArrayInputStream(bytes(m)));
    }

    static MimeBodyPart reparse(MimeBodyPart p) throws MessagingException, IOException {
        return new MimeBodyPart(new ByteArrayInputStream(bytes(p)));
    }

    /** jakarta.mail replaces Message-ID on saveChanges(); a relay must keep the sender's. */
    private static final class KeepMessageId extends MimeMessage {
        KeepMessageId() {
            super(SESSION);
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) {
                super.updateMessageID();
            }
        }
    }
}

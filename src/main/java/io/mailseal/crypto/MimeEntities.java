package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Splitting a message into the headers that stay outside and the MIME entity that gets signed or
 * encrypted, and putting them back together. Every result is parsed from bytes (a generated part is
 * serialised once and re-parsed), so what is signed is byte for byte what the next stage and the
 * recipient see.
 */
final class MimeEntities {
    static final Session SESSION = Session.getInstance(new Properties());

    private MimeEntities() {}

    /** Content-* headers describe the entity; they go inside with the body. */
    static boolean isContentHeader(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        return l.startsWith("content-") || l.startsWith("mime-version:");
    }

    /** The Content-* fields of an entity; MIME-Version belongs to the message around it only. */
    private static boolean isEntityHeader(String line) {
        return isContentHeader(line) && !line.regionMatches(true, 0, "mime-version:", 0, 13);
    }

    /**
     * Fields that are never copied, outside or inside the envelope: Bcc and Resent-Bcc are for the
     * sender's copy only (RFC 5322 §3.6.3, §3.6.6); HP-Outer says what the outside showed (RFC 9788
     * §2.2), which only the relay may say, so a caller's would forge it. The name as Jakarta Mail
     * reads it: up to the colon, white space trimmed ({@code "Bcc :"} too).
     */
    private static final Set<String> DROPPED = Set.of("bcc", "resent-bcc", "hp-outer");

    private static boolean isDropped(String line) {
        int colon = line.indexOf(':');
        return colon > 0
                && DROPPED.contains(line.substring(0, colon).strip().toLowerCase(Locale.ROOT));
    }

    /**
     * The message's body with its Content-* headers, as one entity, hop-proof for signing ({@link
     * SevenBitEntity}).
     */
    static MimeBodyPart contentEntity(MimeMessage message) throws MessagingException, IOException {
        java.util.List<String> headers = new java.util.ArrayList<>();
        for (String line : Collections.list(message.getAllHeaderLines())) {
            if (isEntityHeader(line)) {
                headers.add(HeaderProtector.withoutCallersProtection(line));
            }
        }
        if (message.getHeader("Content-Type") == null) {
            headers.add("Content-Type: text/plain; charset=us-ascii"); // RFC 2045 §5.2 default
        }
        OpenBuffer out = new OpenBuffer(Math.max(message.getSize(), 0) + 4096L);
        writeHeaders(out, headers);
        int bodyStart = out.size();
        try (InputStream raw = message.getRawInputStream()) {
            raw.transferTo(out);
        }
        MimeBodyPart original = new MimeBodyPart(out.stream());
        MimeBodyPart part =
                SevenBitEntity.of(original, out.array(), bodyStart, out.size() - bodyStart);
        if (part.getHeader("Content-Transfer-Encoding") == null) {
            part.setHeader("Content-Transfer-Encoding", "7bit");
            return reparse(part); // serialised with the new field, parsed again
        }
        return part;
    }

    /** A new message: the source's non-content headers (less the dropped) around {@code entity}. */
    static MimeMessage wrap(MimeMessage source, MimeBodyPart entity)
            throws MessagingException, IOException {
        return wrap(messageHeaderLines(source), entity);
    }

    /** The source's header lines that are about the message, not its content; Bcc etc. dropped. */
    static java.util.List<String> messageHeaderLines(MimeMessage source) throws MessagingException {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (String line : Collections.list(source.getAllHeaderLines())) {
            if (!isContentHeader(line) && !isDropped(line)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * A new message: {@code headerLines} (as written, folded) around {@code entity}, whose content
     * headers and raw body are copied byte for byte — nothing is re-encoded, so a signature inside
     * stays valid. A Message-ID is added when the source had none.
     */
    static MimeMessage wrap(java.util.List<String> headerLines, MimeBodyPart entity)
            throws MessagingException, IOException {
        java.util.List<String> entityLines = new java.util.ArrayList<>();
        for (String line : Collections.list(entity.getAllHeaderLines())) {
            if (isEntityHeader(line)) {
                entityLines.add(line);
            }
        }
        try (InputStream raw = entity.getRawInputStream()) {
            // the size is exact for a parsed entity
            return wrap(headerLines, entityLines, Math.max(entity.getSize(), 0), raw::transferTo);
        }
    }

    /**
     * As {@link #wrap(java.util.List, MimeBodyPart)}, the entity given as its header lines and its
     * raw body (already encoded for transfer), which is copied once, into the message.
     */
    static MimeMessage wrap(
            java.util.List<String> headerLines, java.util.List<String> entityLines, OpenBuffer body)
            throws MessagingException, IOException {
        return wrap(
                headerLines,
                entityLines,
                body.size(),
                out -> out.write(body.array(), 0, body.size()));
    }

    private interface Body {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    private static MimeMessage wrap(
            java.util.List<String> headerLines,
            java.util.List<String> entityLines,
            long bodySize,
            Body body)
            throws MessagingException, IOException {
        java.util.List<String> lines = new java.util.ArrayList<>(headerLines);
        if (lines.stream().noneMatch(l -> l.regionMatches(true, 0, "message-id:", 0, 11))) {
            lines.add("Message-ID: " + new MessageIds().next());
        }
        lines.add("MIME-Version: 1.0");
        lines.addAll(entityLines);
        long size = bodySize + CRLF.length;
        for (String line : lines) {
            size += line.length() + CRLF.length;
        }
        OpenBuffer out = new OpenBuffer(size);
        for (String line : lines) {
            writeLine(out, line);
        }
        out.writeBytes(CRLF);
        body.writeTo(out);
        return new Written(out.bytes());
    }

    /** A body part from header lines (folded to at most 78 characters) and the raw body. */
    static MimeBodyPart part(java.util.List<String> headerLines, byte[] rawBody)
            throws MessagingException, IOException {
        return part(headerLines, new java.io.ByteArrayInputStream(rawBody), rawBody.length);
    }

    /** As {@link #part(java.util.List, byte[])}, the raw body read from {@code rawBody}. */
    static MimeBodyPart part(java.util.List<String> headerLines, InputStream rawBody, long size)
            throws MessagingException, IOException {
        OpenBuffer out = new OpenBuffer(size + 1024L);
        writeHeaders(out, headerLines);
        rawBody.transferTo(out);
        return new MimeBodyPart(out.stream());
    }

    /** Header lines folded to at most 78 characters, then the empty line. */
    private static void writeHeaders(
            ByteArrayOutputStream out, java.util.List<String> headerLines) {
        for (String line : headerLines) {
            writeLine(out, SevenBitEntity.foldHeader(line));
        }
        out.writeBytes(CRLF);
    }

    /**
     * A header line as jakarta.mail read it: one char per byte (mail.mime.allowutf8 is off), so
     * ISO-8859-1 gives back the bytes that came, 8-bit ones included.
     */
    private static void writeLine(ByteArrayOutputStream out, String line) {
        out.writeBytes(line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(CRLF);
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

    /**
     * {@code part} as it is written: for a message {@link #wrap} made, the very array it was parsed
     * from (it is not changed after sealing); otherwise written into one array sized from its
     * header lines and content size, exactly for a part read from bytes.
     */
    static byte[] bytes(jakarta.mail.internet.MimePart part)
            throws MessagingException, IOException {
        if (part instanceof Written written) {
            return written.bytes;
        }
        long size = Math.max(part.getSize(), 0) + CRLF.length;
        for (String line : Collections.list(part.getAllHeaderLines())) {
            size += line.length() + CRLF.length;
        }
        OpenBuffer out = new OpenBuffer(size);
        part.writeTo(out);
        return out.bytes();
    }

    /**
     * {@code p} serialised and parsed again, in one buffer (room for its content and some header
     * fields, grown if they are more) that the result reads as a view.
     */
    static MimeBodyPart reparse(MimeBodyPart p) throws MessagingException, IOException {
        OpenBuffer out = new OpenBuffer(Math.max(p.getSize(), 0) + 4096L);
        p.writeTo(out);
        return new MimeBodyPart(out.stream());
    }

    /** A message parsed from {@code bytes}, which it reads as a view and hands out as they are. */
    private static final class Written extends MimeMessage {
        private final byte[] bytes;

        Written(byte[] bytes) throws MessagingException {
            super(SESSION, new jakarta.mail.util.SharedByteArrayInputStream(bytes));
            this.bytes = bytes;
        }
    }

    /**
     * jakarta.mail's Message-ID (unique value @ this host), for a message that came without one.
     */
    private static final class MessageIds extends MimeMessage {
        MessageIds() {
            super(SESSION);
        }

        String next() throws MessagingException {
            updateMessageID();
            return getHeader("Message-ID", null);
        }
    }
}

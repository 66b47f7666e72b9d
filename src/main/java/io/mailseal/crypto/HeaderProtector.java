package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * RFC 9788 header protection. The cryptographic payload carries the message's real header fields;
 * with hp="cipher" the outer message gets an obscured Subject, loses the hidden headers, and the
 * payload records what the outside showed in HP-Outer fields (§2.2). A text/plain payload also gets
 * the Legacy Display block (§4.5) so clients that do not understand header protection still show
 * the real Subject.
 */
final class HeaderProtector {
    private HeaderProtector() {}

    /** Header lines for the outside of the message. */
    static List<String> outerHeaderLines(MimeMessage original, HeaderProtection hp)
            throws MessagingException {
        List<String> lines = MimeEntities.messageHeaderLines(original);
        if (hp.mode() != HeaderProtection.Mode.CIPHER) {
            return lines;
        }
        List<String> outer = new ArrayList<>();
        for (String line : lines) {
            String name = name(line);
            if (name.equalsIgnoreCase("Subject")) {
                outer.add("Subject: " + hp.outerSubject());
            } else if (!hp.hides(name)) {
                outer.add(line);
            }
        }
        if (original.getHeader("Subject") == null) {
            outer.add("Subject: " + hp.outerSubject());
        }
        return outer;
    }

    /** The entity to sign: the original content with the real headers inside (and HP-Outer). */
    static MimeBodyPart protectedEntity(
            MimeMessage original, HeaderProtection hp, List<String> outerLines)
            throws MessagingException, IOException {
        MimeBodyPart content = MimeEntities.contentEntity(original);
        if (hp.mode() == HeaderProtection.Mode.NONE) {
            return content;
        }
        boolean cipher = hp.mode() == HeaderProtection.Mode.CIPHER;
        if (cipher && content.isMimeType("text/plain")) {
            content = withLegacyDisplay(content, original.getHeader("Subject", null));
        }
        List<String> headers = new ArrayList<>();
        for (String line : MimeEntities.messageHeaderLines(original)) {
            if (!isTrace(name(line))) {
                headers.add(line);
            }
        }
        if (cipher) {
            for (String line : outerLines) {
                if (!isTrace(name(line))) {
                    headers.add("HP-Outer: " + line);
                }
            }
        }
        ContentType type = new ContentType(content.getContentType());
        type.setParameter("hp", cipher ? "cipher" : "clear");
        for (String line : Collections.list(content.getAllHeaderLines())) {
            if (!line.regionMatches(true, 0, "content-type:", 0, 13)) {
                headers.add(line);
            }
        }
        headers.add("Content-Type: " + MimeUtility.fold(14, type.toString()));
        try (var raw = content.getRawInputStream()) {
            return MimeEntities.part(headers, raw, Math.max(content.getSize(), 0));
        }
    }

    /**
     * A Content-Type field of the caller's without the {@code hp} and {@code hp-legacy-display}
     * parameters (RFC 9788 §2.1, §4.5.3): whether and how headers are protected is the relay's to
     * say, so a sender cannot make a client show its own fields as protected. Unchanged when it has
     * neither.
     */
    static String withoutCallersProtection(String line) {
        if (!line.regionMatches(true, 0, "content-type:", 0, 13)) {
            return line;
        }
        ContentType type;
        try {
            type = new ContentType(line.substring(13));
        } catch (ParseException e) {
            return line; // a second, broken Content-Type: no parser reads parameters from it
        }
        ParameterList parameters = type.getParameterList();
        if (parameters == null
                || (parameters.get("hp") == null && parameters.get("hp-legacy-display") == null)) {
            return line;
        }
        parameters.remove("hp");
        parameters.remove("hp-legacy-display");
        type.setParameterList(parameters);
        return "Content-Type: " + MimeUtility.fold(14, type.toString());
    }

    /** §4.5.3: the obscured fields, as text, at the top of the main body part. */
    private static MimeBodyPart withLegacyDisplay(MimeBodyPart part, String subject)
            throws MessagingException, IOException {
        if (subject == null) {
            return part;
        }
        ContentType type = new ContentType(part.getContentType());
        String charset =
                type.getParameter("charset") == null ? "us-ascii" : type.getParameter("charset");
        String text =
                "Subject: "
                        + MimeUtility.decodeText(MimeUtility.unfold(subject))
                        + "\r\n\r\n"
                        + part.getContent();
        boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(text);
        String outCharset = ascii ? charset : "utf-8";
        MimeBodyPart out = new MimeBodyPart();
        out.setText(text, outCharset, "plain");
        type.setParameter("charset", outCharset);
        type.setParameter("hp-legacy-display", "1");
        out.setHeader("Content-Type", type.toString());
        out.setHeader("Content-Transfer-Encoding", ascii ? "7bit" : "quoted-printable");
        return MimeEntities.reparse(out);
    }

    private static boolean isTrace(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("received") || n.equals("return-path");
    }

    private static String name(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? line.strip() : line.substring(0, colon).strip();
    }
}

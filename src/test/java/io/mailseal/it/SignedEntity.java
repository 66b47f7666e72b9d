package io.mailseal.it;

import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A multipart/signed entity split the way a verifier must (RFC 1847 §2.1): the first part's bytes
 * exactly as they stand between the boundaries, and the signature part decoded. No MIME library
 * rewrites the content on the way, so what is checked is what travelled.
 */
record SignedEntity(byte[] content, byte[] signature) {

    static SignedEntity split(byte[] entity) throws Exception {
        MimeBodyPart whole = new MimeBodyPart(new ByteArrayInputStream(entity));
        ContentType type = new ContentType(whole.getContentType());
        if (!type.match("multipart/signed")) {
            throw new IllegalArgumentException("not multipart/signed: " + type);
        }
        String text = new String(entity, StandardCharsets.ISO_8859_1);
        String delimiter = "\r\n--" + type.getParameter("boundary");
        int first = text.indexOf(delimiter, text.indexOf("\r\n\r\n"));
        int contentStart = text.indexOf("\r\n", first + delimiter.length()) + 2;
        int second = text.indexOf(delimiter, contentStart - 2);
        int signatureStart = text.indexOf("\r\n", second + delimiter.length()) + 2;
        int end = text.indexOf(delimiter, signatureStart - 2);
        if (first < 0 || second < 0 || end < 0) {
            throw new IllegalArgumentException("multipart/signed without two parts");
        }
        MimeBodyPart sig =
                new MimeBodyPart(
                        new ByteArrayInputStream(
                                Arrays.copyOfRange(entity, signatureStart, end + 2)));
        try (InputStream der = sig.getInputStream()) {
            return new SignedEntity(
                    Arrays.copyOfRange(entity, contentStart, second), der.readAllBytes());
        }
    }
}

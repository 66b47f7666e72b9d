package io.mailseal.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The MIME a customer's client wraps around its engine's CMS objects (RFC 8551 §3.5.3
 * multipart/signed, §3.3 application/pkcs7-mime), and the outer header fields of the message.
 */
final class CustomerMime {
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'});

    private CustomerMime() {}

    /** {@code content} (an entity ending in CRLF) clear-signed with {@code signature}. */
    static byte[] multipartSigned(byte[] content, byte[] signature) {
        String boundary = "----=_signed_" + Integer.toHexString(content.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                ("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
                                + " micalg=sha-256;\r\n boundary=\""
                                + boundary
                                + "\"\r\n\r\nThis is an S/MIME signed message\r\n--"
                                + boundary
                                + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        out.writeBytes(
                ("\r\n--"
                                + boundary
                                + "\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
                                + "Content-Transfer-Encoding: base64\r\n"
                                + "Content-Disposition: attachment; filename=smime.p7s\r\n\r\n"
                                + BASE64.encodeToString(signature)
                                + "\r\n--"
                                + boundary
                                + "--\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** An application/pkcs7-mime entity around a CMS envelope. */
    static byte[] enveloped(byte[] der, boolean auth) {
        return ("Content-Type: application/pkcs7-mime; smime-type="
                        + (auth ? "authEnveloped-data" : "enveloped-data")
                        + "; name=smime.p7m\r\n"
                        + "Content-Transfer-Encoding: base64\r\n"
                        + "Content-Disposition: attachment; filename=smime.p7m\r\n\r\n"
                        + BASE64.encodeToString(der)
                        + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The message: From, To, Subject and MIME-Version around {@code entity}. */
    static String message(String from, String to, String subject, byte[] entity) {
        return "From: "
                + from
                + "\r\nTo: "
                + to
                + "\r\nSubject: "
                + subject
                + "\r\nMIME-Version: 1.0\r\n"
                + new String(entity, StandardCharsets.ISO_8859_1);
    }
}

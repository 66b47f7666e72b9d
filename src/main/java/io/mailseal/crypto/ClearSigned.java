package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A clear-signed message (RFC 8551 §3.5.3, RFC 1847 §2.1) assembled from bytes: multipart/signed
 * with the signed entity copied verbatim as its first part — so what the recipient hashes is by
 * construction what was signed — and the detached signature as the second. The layout is the one
 * Jakarta Mail writes (RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter).
 */
final class ClearSigned {
    private static final byte[] CRLF = {'\r', '\n'};

    /** The fields BouncyCastle's S/MIME generator gives the signature part, in the same order. */
    private static final List<String> SIGNATURE_FIELDS =
            List.of(
                    "Content-Type: application/pkcs7-signature; name=smime.p7s;"
                            + " smime-type=signed-data",
                    "Content-Transfer-Encoding: base64",
                    "Content-Disposition: attachment; filename=\"smime.p7s\"",
                    "Content-Description: S/MIME Cryptographic Signature");

    private ClearSigned() {}

    /**
     * {@code outerHeaders} around multipart/signed of {@code signed} (an entity's bytes: header
     * fields, empty line, body) and {@code signature} (DER SignedData, detached, already base64).
     * The digest is SHA-256 for every scheme mailseal signs with ({@link SignatureScheme}).
     */
    static MimeMessage message(List<String> outerHeaders, byte[] signed, OpenBuffer signature)
            throws MessagingException, IOException {
        String boundary = boundaryNotIn(signed);
        OpenBuffer body = new OpenBuffer(signed.length + signature.size() + 512L);
        line(body, "--" + boundary);
        body.write(signed, 0, signed.length);
        body.writeBytes(CRLF);
        line(body, "--" + boundary);
        for (String field : SIGNATURE_FIELDS) {
            line(body, field);
        }
        body.writeBytes(CRLF);
        body.write(signature.array(), 0, signature.size());
        body.writeBytes(CRLF);
        line(body, "--" + boundary + "--");
        String type =
                "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
                        + " micalg=sha-256; boundary=\""
                        + boundary
                        + "\"";
        return MimeEntities.wrap(outerHeaders, List.of(SevenBitEntity.foldHeader(type)), body);
    }

    /**
     * A boundary (RFC 2046 §5.1.1, at most 70 characters) that starts no line of the signed entity,
     * so no part of it is taken for a delimiter.
     */
    private static String boundaryNotIn(byte[] signed) {
        while (true) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String b =
                    "----=_mailseal_"
                            + Long.toHexString(r.nextLong())
                            + Long.toHexString(r.nextLong());
            if (!startsALine(signed, ("--" + b).getBytes(StandardCharsets.US_ASCII))) {
                return b;
            }
        }
    }

    private static boolean startsALine(byte[] data, byte[] prefix) {
        for (int i = 0; i + prefix.length <= data.length; i++) {
            if ((i == 0 || data[i - 1] == '\n')
                    && Arrays.equals(data, i, i + prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }

    private static void line(OpenBuffer out, String line) {
        out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CRLF);
    }
}

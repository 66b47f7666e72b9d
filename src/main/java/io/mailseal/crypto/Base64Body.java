package io.mailseal.crypto;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;

/**
 * The body of an entity with Content-Transfer-Encoding base64, written as a stream: lines of 76
 * characters ending in CRLF (RFC 2045 §6.8). BouncyCastle's CMS generators write their structure a
 * few bytes at a time, so a buffer sits in front of the encoder.
 */
final class Base64Body {
    private static final byte[] CRLF = {'\r', '\n'};

    private final OpenBuffer body;
    private final OutputStream encoder;

    /** Room for about {@code binary} bytes before encoding (grown if they are more). */
    Base64Body(long binary) {
        this.body = new OpenBuffer(binary * 4 / 3 * 78 / 76 + 1024);
        this.encoder =
                new BufferedOutputStream(Base64.getMimeEncoder(76, CRLF).wrap(body), 8 * 1024);
    }

    /** Where the binary content is written. */
    OutputStream stream() {
        return encoder;
    }

    /** The encoded body, ended by CRLF; nothing may be written after this. */
    OpenBuffer finish() throws IOException {
        encoder.close();
        body.writeBytes(CRLF);
        return body;
    }
}

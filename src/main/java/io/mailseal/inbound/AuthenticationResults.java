package io.mailseal.inbound;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The header fields mailseal adds to an inbound message, and the removal of any that claim to be
 * ours: {@code Authentication-Results} with the {@code smime} method (RFC 8601, RFC 7281), one
 * result per signature with body.smime-identifier, -part, -serial (hex) and -issuer, and {@code
 * X-Mailseal-Encrypted}. A customer's own Authentication-Results under our authserv-id is removed
 * (RFC 8601 §5), so no one can forge a verdict.
 */
final class AuthenticationResults {
    static final String ENCRYPTED_FIELD = "X-Mailseal-Encrypted";
    private static final String FIELD = "Authentication-Results";

    private AuthenticationResults() {}

    /** Both fields, each folded and ending in CRLF. */
    static String fields(String authservId, InboundVerdict verdict) {
        StringBuilder b = new StringBuilder(FIELD).append(": ").append(authservId);
        for (SignatureVerdict v : verdict.results()) {
            b.append(";\r\n\tsmime=").append(v.result().token());
            if (!v.reason().isEmpty()) {
                b.append(" reason=").append(quoted(v.reason()));
            }
            v.identifier().ifPresent(i -> b.append("\r\n\tbody.smime-identifier=").append(i));
            if (!v.part().isEmpty()) {
                b.append(" body.smime-part=").append(v.part());
            }
            v.serial().ifPresent(s -> b.append(" body.smime-serial=").append(s.toString(16)));
            v.issuer().ifPresent(i -> b.append("\r\n\tbody.smime-issuer=").append(quoted(i)));
        }
        b.append("\r\n").append(ENCRYPTED_FIELD).append(": ");
        if (!verdict.encrypted()) {
            b.append("no");
        } else if (verdict.decrypted()) {
            b.append("yes; cipher=").append(cipherToken(verdict.cipher()));
        } else {
            b.append("yes; decrypted=no");
        }
        return b.append("\r\n").toString();
    }

    /** e.g. AES-256-GCM → aes256-gcm. */
    static String cipherToken(String name) {
        return name.toLowerCase(Locale.ROOT).replaceFirst("^aes-(\\d+)", "aes$1");
    }

    /** An RFC 5322 quoted-string of printable ASCII (anything else becomes '?'). */
    private static String quoted(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
        }
        return b.append('"').toString();
    }

    /**
     * {@code message} without the Authentication-Results and X-Mailseal-Encrypted fields of its
     * header section that claim {@code authservId}; every other byte as it was.
     */
    static byte[] withoutForged(byte[] message, String authservId) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return message;
        }
        List<String> fields = HeaderFields.split(text.substring(0, end + 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        for (String field : fields) {
            if (!claimsOurs(field, authservId)) {
                out.writeBytes(field.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        out.write(message, end + 2, message.length - end - 2);
        return out.toByteArray();
    }

    private static boolean claimsOurs(String field, String authservId) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String name = field.substring(0, colon).strip();
        if (name.equalsIgnoreCase(ENCRYPTED_FIELD)) {
            return true; // only mailseal says whether mail came encrypted
        }
        if (!name.equalsIgnoreCase(FIELD)) {
            return false;
        }
        String value =
                field.substring(colon + 1).replaceAll("\\([^)]*\\)", " ").replaceAll("\\s+", " ");
        String id = value.strip().split("[ ;]", 2)[0];
        return id.equalsIgnoreCase(authservId);
    }
}

package io.mailseal.seal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Drops Bcc and Resent-Bcc header fields (and their folded continuation lines) from a message
 * passed through unchanged otherwise: they are for the sender's copy only (RFC 5322 §3.6.3, §3.6.6)
 * and never leave the relay, in any mode. Other Resent-* fields stay: they address a resending as
 * From, To and Cc address the message, and are no more private than those. The body is not touched.
 */
final class BccRemoval {
    private BccRemoval() {}

    static byte[] apply(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        int pos = 0;
        boolean dropping = false;
        while (pos < message.length) {
            int end = lineEnd(message, pos);
            int len = end - pos;
            boolean blank =
                    len == 0
                            || (len == 1 && message[pos] == '\r')
                            || (len == 2 && message[pos] == '\r' && message[pos + 1] == '\n')
                            || message[pos] == '\n';
            if (blank) {
                out.write(message, pos, message.length - pos); // end of headers: the rest as is
                return out.toByteArray();
            }
            boolean continuation = message[pos] == ' ' || message[pos] == '\t';
            if (!continuation) {
                dropping = isBlindCopy(message, pos, len);
            }
            if (!dropping) {
                out.write(message, pos, len);
            }
            pos = end;
        }
        return out.toByteArray();
    }

    /** Bcc or Resent-Bcc, named as Jakarta Mail reads a name: up to the colon, trimmed. */
    private static boolean isBlindCopy(byte[] m, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (m[i] == ':') {
                String name =
                        new String(m, from, i - from, StandardCharsets.ISO_8859_1)
                                .strip()
                                .toLowerCase(Locale.ROOT);
                return name.equals("bcc") || name.equals("resent-bcc");
            }
        }
        return false;
    }

    /** Index just past the next LF (or the end). */
    private static int lineEnd(byte[] m, int from) {
        for (int i = from; i < m.length; i++) {
            if (m[i] == '\n') {
                return i + 1;
            }
        }
        return m.length;
    }
}

package io.mailseal.seal;

import java.io.ByteArrayOutputStream;

/**
 * Drops Bcc header fields (and their folded continuation lines) from a message passed through
 * unchanged otherwise: Bcc is for the sender's copy only (RFC 5322 §3.6.3) and never leaves the
 * relay, in any mode. The body is not touched.
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
                dropping =
                        len >= 4
                                && (message[pos] | 0x20) == 'b'
                                && (message[pos + 1] | 0x20) == 'c'
                                && (message[pos + 2] | 0x20) == 'c'
                                && message[pos + 3] == ':';
            }
            if (!dropping) {
                out.write(message, pos, len);
            }
            pos = end;
        }
        return out.toByteArray();
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

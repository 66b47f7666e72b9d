package io.mailseal.seal;

import io.mailseal.spool.MessageBytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Drops Bcc and Resent-Bcc header fields (and their folded continuation lines) from a message
 * passed through unchanged otherwise: they are for the sender's copy only (RFC 5322 §3.6.3, §3.6.6)
 * and never leave the relay, in any mode. Other Resent-* fields stay: they address a resending as
 * From, To and Cc address the message, and are no more private than those. The body is not touched.
 *
 * <p>Only the header section is read. A message without such a field is returned as it is, the same
 * array (no copy); one with them is copied once into an array of exactly its new size.
 */
final class BccRemoval {
    private BccRemoval() {}

    static MessageBytes apply(byte[] message) {
        List<int[]> dropped = new ArrayList<>(); // [from, to) of each dropped field
        int pos = 0;
        while (pos < message.length && !isBlank(message, pos)) {
            int end = lineEnd(message, pos);
            boolean continuation = message[pos] == ' ' || message[pos] == '\t';
            if (continuation && !dropped.isEmpty() && dropped.get(dropped.size() - 1)[1] == pos) {
                dropped.get(dropped.size() - 1)[1] = end;
            } else if (!continuation && isBlindCopy(message, pos, end - pos)) {
                dropped.add(new int[] {pos, end});
            }
            pos = end;
        }
        if (dropped.isEmpty()) {
            return MessageBytes.of(message);
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream(pos);
        int from = 0;
        for (int[] d : dropped) {
            head.write(message, from, d[0] - from);
            from = d[1];
        }
        head.write(message, from, pos - from);
        return new MessageBytes(head.toByteArray(), message, pos);
    }

    /** An empty line (LF, CRLF or a lone CR at the end): the end of the header section. */
    private static boolean isBlank(byte[] m, int pos) {
        return m[pos] == '\n' || (m[pos] == '\r' && (pos + 1 == m.length || m[pos + 1] == '\n'));
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

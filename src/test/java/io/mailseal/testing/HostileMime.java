package io.mailseal.testing;

import java.nio.charset.StandardCharsets;

/** Generated hostile MIME (issue 17): small in bytes, huge as a tree. CRLF line ends throughout. */
public final class HostileMime {
    private HostileMime() {}

    /** {@code head} (header fields with CRLF) then {@code count} empty parts: 7 bytes a part. */
    public static byte[] emptyParts(String head, int count) {
        StringBuilder m = new StringBuilder(head);
        m.append("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        m.append("--b\r\n\r\n".repeat(count));
        return m.append("--b--\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code head} then multipart/mixed (or message/rfc822 when {@code rfc822}) nested {@code
     * depth} deep around one text/plain leaf.
     */
    public static byte[] nested(String head, int depth, boolean rfc822) {
        StringBuilder m = new StringBuilder(head);
        for (int d = 0; d < depth; d++) {
            m.append(
                    rfc822
                            ? "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n"
                            : "Content-Type: multipart/mixed; boundary=b"
                                    + d
                                    + "\r\n\r\n--b"
                                    + d
                                    + "\r\n");
        }
        m.append("Content-Type: text/plain\r\n\r\ntext\r\n");
        for (int d = depth - 1; d >= 0 && !rfc822; d--) {
            m.append("--b").append(d).append("--\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code head}, then {@code fields} header fields {@code X-Flood-n: } and {@code filler}: at
     * the top level, or ({@code inPart}) in the one part of a multipart/mixed.
     */
    public static byte[] headerFlood(String head, int fields, String filler, boolean inPart) {
        StringBuilder m = new StringBuilder(head);
        if (inPart) {
            m.append("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n");
        }
        for (int i = 0; i < fields; i++) {
            m.append("X-Flood-").append(i).append(": ").append(filler).append("\r\n");
        }
        m.append("Content-Type: text/plain\r\n\r\ntext\r\n");
        if (inPart) {
            m.append("--b--\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

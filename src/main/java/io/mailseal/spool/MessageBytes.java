package io.mailseal.spool;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A message's bytes as the spool takes them: a header section of its own ({@code head}, empty when
 * the message is {@code source} whole) followed by {@code source} from {@code from} on, so that a
 * rewritten header section (Bcc removed) does not copy the body it comes with.
 */
public record MessageBytes(byte[] head, byte[] source, int from) {
    private static final byte[] NONE = {};

    public MessageBytes {
        if (from < 0 || from > source.length) {
            throw new IllegalArgumentException("from " + from + " outside " + source.length);
        }
    }

    /** {@code all} as it is. */
    public static MessageBytes of(byte[] all) {
        return new MessageBytes(NONE, all, 0);
    }

    public int length() {
        return head.length + source.length - from;
    }

    /**
     * SHA-256 of the bytes as the next hop receives them, without joining them: SMTP ends the mail
     * data with CRLF before the final "." (RFC 5321 §4.1.1.4), so a message that does not end in
     * CRLF arrives with one — the copy a customer or court holds.
     */
    public byte[] sha256AsSent() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(head);
            d.update(source, from, source.length - from);
            if (!endsWithCrlf()) {
                d.update(new byte[] {'\r', '\n'});
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }

    private boolean endsWithCrlf() {
        int n = length();
        return n >= 2 && byteAt(n - 2) == '\r' && byteAt(n - 1) == '\n';
    }

    private byte byteAt(int i) {
        return i < head.length ? head[i] : source[from + i - head.length];
    }

    /** The bytes as one array: {@code source} itself when it is the whole message, else a copy. */
    public byte[] toArray() {
        if (head.length == 0 && from == 0) {
            return source;
        }
        byte[] all = Arrays.copyOf(head, length());
        System.arraycopy(source, from, all, head.length, source.length - from);
        return all;
    }
}

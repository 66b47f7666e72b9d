package io.mailseal.evidence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What the chain reads from a record's exact text: its position, and the SHA-256 that links it. */
final class ChainText {
    private ChainText() {}

    /** A line's {@code seq}, or -1 when the line does not say it. */
    static long position(String line) {
        try {
            return Long.parseLong(FlatJson.read(line).get("seq"));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    static String sha256Hex(String line) {
        return sha256Hex(line.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}

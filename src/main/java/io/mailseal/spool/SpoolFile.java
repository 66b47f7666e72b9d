package io.mailseal.spool;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The format of one spool file, after Postfix's queue file: a header (envelope, policy, times and —
 * for an SMTP transaction spooled as several files, one per recipient group — the ids of all of
 * them), the message, and an end record holding a SHA-256 of everything before it, so that a torn
 * or altered file is recognised and never half-delivered.
 */
record SpoolFile(SpooledMessage message, List<String> group) {
    private static final String MAGIC = "MAILSEAL-SPOOL 1";
    private static final String END = "\nEND ";
    private static final int TRAILER = END.length() + 64 + 1;

    /**
     * @param group the ids of every file of the message's transaction; empty when it is the only
     *     one
     */
    SpoolFile {
        group = List.copyOf(group);
    }

    byte[] encode() {
        SpooledMessage m = message;
        StringBuilder h = new StringBuilder(MAGIC).append('\n');
        h.append("from ").append(m.envelopeFrom()).append('\n');
        m.recipients().forEach(r -> h.append("rcpt ").append(r).append('\n'));
        h.append("policy ").append(m.policy()).append('\n');
        if (!m.minimumTls().isEmpty()) {
            h.append("tls ").append(m.minimumTls()).append('\n');
        }
        h.append("created ").append(m.created().toEpochMilli()).append('\n');
        h.append("expires ").append(m.expires().toEpochMilli()).append('\n');
        if (!group.isEmpty()) {
            h.append("group ").append(String.join(" ", group)).append('\n');
        }
        h.append("length ").append(m.content().length).append("\n\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.content().length + h.length() + 80);
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(m.content());
        byte[] body = out.toByteArray();
        out.writeBytes(
                (END + HexFormat.of().formatHex(sha256(body)) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /**
     * The file's message, or an IOException saying what is wrong with it in words of our own (a
     * reason fit for a log line: never a piece of the content).
     */
    static SpoolFile decode(String id, byte[] data) throws IOException {
        try {
            return parse(id, data);
        } catch (RuntimeException e) {
            throw new IOException("malformed header (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static SpoolFile parse(String id, byte[] data) throws IOException {
        if (data.length < TRAILER) {
            throw new IOException("too short");
        }
        byte[] body = Arrays.copyOf(data, data.length - TRAILER);
        String end = new String(data, data.length - TRAILER, TRAILER, StandardCharsets.US_ASCII);
        if (!end.equals(END + HexFormat.of().formatHex(sha256(body)) + "\n")) {
            throw new IOException("end marker or checksum mismatch (torn write?)");
        }
        int headerEnd = headerEnd(body);
        if (headerEnd < 0) {
            throw new IOException("no end of header");
        }
        String[] lines = new String(body, 0, headerEnd, StandardCharsets.UTF_8).split("\n");
        if (!lines[0].equals(MAGIC)) {
            throw new IOException("not a spool file");
        }
        String from = "";
        String policy = "";
        String tls = "";
        long created = 0;
        long expires = 0;
        int length = -1;
        List<String> rcpts = new ArrayList<>();
        List<String> group = List.of();
        for (int i = 1; i < lines.length; i++) {
            String[] kv = lines[i].split(" ", 2);
            String v = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "from" -> from = v;
                case "rcpt" -> rcpts.add(v);
                case "policy" -> policy = v;
                case "tls" -> tls = v;
                case "created" -> created = Long.parseLong(v);
                case "expires" -> expires = Long.parseLong(v);
                case "group" -> group = List.of(v.split(" "));
                case "length" -> length = Integer.parseInt(v);
                default -> throw new IOException("unknown header field");
            }
        }
        byte[] content = Arrays.copyOfRange(body, headerEnd + 2, body.length);
        if (content.length != length || rcpts.isEmpty()) {
            throw new IOException("length or recipients do not add up");
        }
        return new SpoolFile(
                new SpooledMessage(
                        id,
                        from,
                        rcpts,
                        policy,
                        Instant.ofEpochMilli(created),
                        Instant.ofEpochMilli(expires),
                        content,
                        tls),
                group);
    }

    /**
     * The transaction's files named in the header of {@code file}, read without the message (which
     * may be megabytes) and without the checksum: for bookkeeping, not for delivery.
     */
    static List<String> group(Path file) throws IOException {
        try (BufferedReader header =
                new BufferedReader(
                        new InputStreamReader(
                                Files.newInputStream(file), StandardCharsets.ISO_8859_1))) {
            for (String line = header.readLine();
                    line != null && !line.isEmpty();
                    line = header.readLine()) {
                if (line.startsWith("group ")) {
                    return List.of(line.substring("group ".length()).split(" "));
                }
            }
        }
        return List.of();
    }

    /** Where the blank line after the header starts, or -1. */
    private static int headerEnd(byte[] data) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == '\n' && data[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

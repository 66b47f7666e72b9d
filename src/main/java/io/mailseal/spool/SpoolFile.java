package io.mailseal.spool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
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
    private static final int SLICE = 64 * 1024;

    /**
     * @param group the ids of every file of the message's transaction; empty when it is the only
     *     one
     */
    SpoolFile {
        group = List.copyOf(group);
    }

    /**
     * Writes the file to {@code out}: header, message, end record. The message goes out from its
     * own array in slices, the checksum taken over the same slices as they are written, so no
     * second copy of it is made (a heap buffer of the whole message would also make the channel
     * allocate a direct buffer of its size).
     */
    void writeTo(WritableByteChannel out) throws IOException {
        MessageDigest sha = sha256();
        MessageBytes content = message.bytes();
        byte[] header = header();
        digested(out, sha, header, 0, header.length);
        digested(out, sha, content.head(), 0, content.head().length);
        digested(out, sha, content.source(), content.from(), content.source().length);
        byte[] end =
                (END + HexFormat.of().formatHex(sha.digest()) + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
        write(out, ByteBuffer.wrap(end));
    }

    private byte[] header() {
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
        h.append("length ").append(m.bytes().length()).append("\n\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code b} from {@code from} to {@code to}, digested and written slice by slice. */
    private static void digested(
            WritableByteChannel out, MessageDigest sha, byte[] b, int from, int to)
            throws IOException {
        for (int at = from; at < to; at += SLICE) {
            int n = Math.min(SLICE, to - at);
            sha.update(b, at, n);
            write(out, ByteBuffer.wrap(b, at, n));
        }
    }

    private static void write(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
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
        int bodyLength = data.length - TRAILER; // checked and read in place: no copy of it
        MessageDigest sha = sha256();
        sha.update(data, 0, bodyLength);
        String end = new String(data, bodyLength, TRAILER, StandardCharsets.US_ASCII);
        if (!end.equals(END + HexFormat.of().formatHex(sha.digest()) + "\n")) {
            throw new IOException("end marker or checksum mismatch (torn write?)");
        }
        int headerEnd = headerEnd(data, bodyLength);
        if (headerEnd < 0) {
            throw new IOException("no end of header");
        }
        String[] lines = new String(data, 0, headerEnd, StandardCharsets.UTF_8).split("\n");
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
        byte[] content = Arrays.copyOfRange(data, headerEnd + 2, bodyLength);
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
                        MessageBytes.of(content),
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

    /** Where the blank line after the header starts, before {@code limit}, or -1. */
    private static int headerEnd(byte[] data, int limit) {
        for (int i = 0; i + 1 < limit; i++) {
            if (data[i] == '\n' && data[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

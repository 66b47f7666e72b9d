package io.mailseal.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue, after Postfix: a message is written under {@code tmp/} (created
 * exclusively, mode 0600), fsync'd, renamed into {@code queue/}, and the directory fsync'd
 * — only then may the relay say 250. Each file ends with a SHA-256 of everything before
 * it, so a torn or altered file is recognised on recovery and moved to {@code corrupt/},
 * never half-delivered.
 */
public final class Spool {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final String MAGIC = "MAILSEAL-SPOOL 1";
    private static final String END = "\nEND ";
    private final Path tmp;
    private final Path queue;
    private final Path corrupt;
    private final GroupSync directory;
    private final java.util.concurrent.atomic.AtomicLong tempSequence = new java.util.concurrent.atomic.AtomicLong();

    public Spool(Path directory) throws IOException {
        this.tmp = privateDirectory(directory.resolve("tmp"));
        this.queue = privateDirectory(directory.resolve("queue"));
        this.corrupt = privateDirectory(directory.resolve("corrupt"));
        this.directory = new GroupSync(() -> syncDirectory(queue));
    }

    private static Path privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    /**
     * Returns once every message is on stable storage — all of them or none: after a
     * failure the ones already renamed are removed again, so the client's retry cannot
     * duplicate mail.
     */
    public void write(List<SpooledMessage> messages) throws IOException {
        List<String> written = new ArrayList<>();
        try {
            for (SpooledMessage m : messages) {
                commitFile(m, false);
                written.add(m.id());
            }
            directory.awaitDurable();
        } catch (IOException e) {
            for (String id : written) {
                remove(id);
            }
            throw e;
        }
    }

    /**
     * Atomically replaces a queued message (fewer recipients after a partial delivery);
     * false, and nothing written, when it is no longer queued (an operator deleted it).
     */
    public boolean replace(SpooledMessage m) throws IOException {
        if (!Files.exists(queue.resolve(m.id()))) {
            return false;
        }
        commitFile(m, true);
        directory.awaitDurable();
        return true;
    }

    private void commitFile(SpooledMessage m, boolean replace) throws IOException {
        byte[] data = encode(m);
        Path temp = tmp.resolve(m.id() + "." + tempSequence.incrementAndGet());
        try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Path target = queue.resolve(m.id());
        try {
            if (!replace && Files.exists(target)) {
                throw new java.nio.file.FileAlreadyExistsException(target.toString());
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** The queued message, or empty when it is no longer queued (delivered, deleted). */
    public Optional<SpooledMessage> read(String id) throws IOException {
        try {
            return Optional.of(decode(id, Files.readAllBytes(queue.resolve(id))));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Ids of what is queued now, oldest file first; reads nothing else and changes nothing. */
    public List<String> ids() throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.sorted(java.util.Comparator.comparing(Spool::modified)).map(p -> p.getFileName().toString())
                    .toList();
        }
    }

    /** How many messages are queued and when the oldest file was written (for the metrics). */
    public record Depth(int messages, Optional<java.time.Instant> oldest) {
    }

    public Depth depth() throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            int[] n = {0};
            Optional<java.time.Instant> oldest = s.peek(p -> n[0]++).map(Spool::modified)
                    .min(java.util.Comparator.naturalOrder()).map(java.nio.file.attribute.FileTime::toInstant);
            return new Depth(n[0], oldest);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0); // gone meanwhile: sorts first, read() says so
        }
    }

    public void remove(String id) throws IOException {
        Files.deleteIfExists(queue.resolve(id));
    }

    /** Directory fsyncs so far; with concurrent writers fewer than messages written. */
    public long directorySyncs() {
        return directory.flushes();
    }

    /**
     * Everything that was durably queued. Leftovers in tmp/ were never acknowledged and
     * are deleted; files that fail their checksum go to corrupt/ with an ERROR.
     */
    public List<SpooledMessage> recover() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : s.toList()) {
                log.warn("spool: removing unacknowledged partial write {}", p.getFileName());
                Files.deleteIfExists(p);
            }
        }
        List<SpooledMessage> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(queue)) {
            for (Path p : s.sorted().toList()) {
                try {
                    out.add(decode(p.getFileName().toString(), Files.readAllBytes(p)));
                } catch (IOException | RuntimeException e) {
                    log.error("spool: {} is corrupt ({}); moved to corrupt/", p.getFileName(), e.getMessage());
                    Files.move(p, corrupt.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return out;
    }

    static byte[] encode(SpooledMessage m) {
        StringBuilder h = new StringBuilder(MAGIC).append('\n');
        h.append("from ").append(m.envelopeFrom()).append('\n');
        m.recipients().forEach(r -> h.append("rcpt ").append(r).append('\n'));
        h.append("policy ").append(m.policy()).append('\n');
        h.append("created ").append(m.created().toEpochMilli()).append('\n');
        h.append("expires ").append(m.expires().toEpochMilli()).append('\n');
        h.append("length ").append(m.content().length).append("\n\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.content().length + h.length() + 80);
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(m.content());
        byte[] body = out.toByteArray();
        out.writeBytes((END + HexFormat.of().formatHex(sha256(body)) + "\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static SpooledMessage decode(String id, byte[] data) throws IOException {
        int trailer = 5 + 64 + 1;
        if (data.length < trailer) {
            throw new IOException("too short");
        }
        byte[] body = java.util.Arrays.copyOf(data, data.length - trailer);
        String end = new String(data, data.length - trailer, trailer, StandardCharsets.US_ASCII);
        if (!end.equals(END + HexFormat.of().formatHex(sha256(body)) + "\n")) {
            throw new IOException("end marker or checksum mismatch (torn write?)");
        }
        int headerEnd = indexOf(body, "\n\n".getBytes(StandardCharsets.US_ASCII));
        String[] lines = new String(body, 0, headerEnd, StandardCharsets.UTF_8).split("\n");
        if (!lines[0].equals(MAGIC)) {
            throw new IOException("not a spool file");
        }
        String from = "";
        String policy = "";
        long created = 0;
        long expires = 0;
        int length = -1;
        List<String> rcpts = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] kv = lines[i].split(" ", 2);
            String v = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "from" -> from = v;
                case "rcpt" -> rcpts.add(v);
                case "policy" -> policy = v;
                case "created" -> created = Long.parseLong(v);
                case "expires" -> expires = Long.parseLong(v);
                case "length" -> length = Integer.parseInt(v);
                default -> throw new IOException("unknown field " + kv[0]);
            }
        }
        byte[] content = java.util.Arrays.copyOfRange(body, headerEnd + 2, body.length);
        if (content.length != length || rcpts.isEmpty()) {
            throw new IOException("length or recipients do not add up");
        }
        return new SpooledMessage(id, from, rcpts, policy, java.time.Instant.ofEpochMilli(created),
                java.time.Instant.ofEpochMilli(expires), content);
    }

    private static int indexOf(byte[] data, byte[] needle) throws IOException {
        outer:
        for (int i = 0; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IOException("no end of header");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the rename itself durable (a directory entry is data too). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

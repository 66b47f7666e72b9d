package io.mailseal.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
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
    private final Path tmp;
    private final Path queue;
    private final Path corrupt;
    private final GroupSync directory;
    private final java.util.concurrent.atomic.AtomicLong tempSequence = new java.util.concurrent.atomic.AtomicLong();

    public Spool(Path directory) throws IOException {
        this(directory, () -> syncDirectory(directory.resolve("queue")));
    }

    /** @param flush makes the entries of {@code queue/} durable; a parameter so a test can make it fail */
    Spool(Path directory, GroupSync.Flush flush) throws IOException {
        this.tmp = privateDirectory(directory.resolve("tmp"));
        this.queue = privateDirectory(directory.resolve("queue"));
        this.corrupt = privateDirectory(directory.resolve("corrupt"));
        this.directory = new GroupSync(flush);
    }

    private static Path privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    /**
     * Returns once every message is on stable storage — all of them or none: after a
     * failure the ones already renamed are removed again, and that made durable, so the
     * client's retry cannot duplicate mail.
     */
    public void write(List<SpooledMessage> messages) throws IOException {
        long epoch = directory.epoch();
        List<String> written = new ArrayList<>();
        try {
            for (SpooledMessage m : messages) {
                commitFile(new SpoolFile(m, List.of()), false);
                written.add(m.id());
            }
            directory.awaitDurable(epoch);
        } catch (IOException | RuntimeException e) {
            rollBack(written, e);
            throw e;
        }
    }

    /** Unlinks every file a failed write renamed into the queue, whichever unlink fails, and fsyncs that. */
    private void rollBack(List<String> written, Exception failure) {
        if (written.isEmpty()) {
            return;
        }
        long epoch = directory.epoch();
        for (String id : written) {
            try {
                Files.deleteIfExists(queue.resolve(id));
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        try {
            directory.awaitDurable(epoch);
        } catch (IOException e) {
            failure.addSuppressed(e);
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
        long epoch = directory.epoch();
        commitFile(new SpoolFile(m, List.of()), true);
        directory.awaitDurable(epoch);
        return true;
    }

    private void commitFile(SpoolFile file, boolean replace) throws IOException {
        SpooledMessage m = file.message();
        byte[] data = file.encode();
        Path temp = tmp.resolve(m.id() + "." + tempSequence.incrementAndGet());
        try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            // the file's time is the message's: ids() and depth() order by it, and a replace keeps it
            Files.setLastModifiedTime(temp, FileTime.from(m.created()));
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
        Optional<byte[]> data = bytes(id);
        return data.isEmpty() ? Optional.empty() : Optional.of(SpoolFile.decode(id, data.get()).message());
    }

    /**
     * The queued message for a delivery attempt. A file that does not decode is moved to
     * {@code corrupt/} with an ERROR and reads as gone, since every later attempt would fail
     * alike; a file that cannot be read (an I/O error) stays for the next attempt.
     */
    public Optional<SpooledMessage> readForDelivery(String id) throws IOException {
        Optional<byte[]> data = bytes(id);
        if (data.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SpoolFile.decode(id, data.get()).message());
        } catch (IOException e) {
            setAside(queue.resolve(id), e);
            return Optional.empty();
        }
    }

    private Optional<byte[]> bytes(String id) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(queue.resolve(id)));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Logs the file id and our own reason, never the content. */
    private void setAside(Path file, IOException why) throws IOException {
        log.error("spool: {} is corrupt ({}); moved to corrupt/", file.getFileName(), why.getMessage());
        Files.move(file, corrupt.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Ids of what is queued now, oldest message first; reads nothing else and changes nothing. */
    public List<String> ids() throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.sorted(java.util.Comparator.comparing(Spool::modified)).map(p -> p.getFileName().toString())
                    .toList();
        }
    }

    /**
     * How many messages are queued, when the oldest was created, and how many files wait in
     * {@code corrupt/} for an operator (for the metrics).
     */
    public record Depth(int messages, Optional<java.time.Instant> oldest, int corrupt) {
    }

    public Depth depth() throws IOException {
        int corrupted;
        try (Stream<Path> s = Files.list(corrupt)) {
            corrupted = (int) s.count();
        }
        try (Stream<Path> s = Files.list(queue)) {
            int[] n = {0};
            Optional<java.time.Instant> oldest = s.peek(p -> n[0]++).map(Spool::modified)
                    .min(java.util.Comparator.naturalOrder()).map(FileTime::toInstant);
            return new Depth(n[0], oldest, corrupted);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0); // gone meanwhile: sorts first, read() says so
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
                    out.add(SpoolFile.decode(p.getFileName().toString(), Files.readAllBytes(p)).message());
                } catch (IOException e) {
                    setAside(p, e);
                }
            }
        }
        return out;
    }

    /** Makes the rename itself durable (a directory entry is data too). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

package io.mailseal.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue, after Postfix: a message is written under {@code tmp/} (created exclusively,
 * mode 0600), fsync'd, renamed into {@code queue/}, and the directory fsync'd — only then may the
 * relay say 250. Each file ends with a SHA-256 of everything before it, so a torn or altered file
 * is recognised and moved to {@code corrupt/}, never half-delivered.
 *
 * <p>One SMTP transaction may be several files (one per recipient group), renamed one by one: a
 * crash between the renames leaves part of a transaction the client never heard 250 for and will
 * send again. So each file names all files of its transaction, a file taken out while others of its
 * transaction are still queued goes to {@code done/} rather than away, and recovery keeps a
 * transaction only if every file of it is queued, done or corrupt — whole, hence acknowledged.
 */
public final class Spool {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private final SpoolLayout dirs;
    private final GroupSync directory;
    private final AtomicLong tempSequence = new AtomicLong();

    public Spool(Path directory) throws IOException {
        this(directory, () -> SpoolLayout.syncDirectory(directory.resolve("queue")));
    }

    /**
     * @param flush makes the entries of {@code queue/} durable; a parameter so a test can make it
     *     fail
     */
    Spool(Path directory, GroupSync.Flush flush) throws IOException {
        this.dirs = SpoolLayout.create(directory);
        this.directory = new GroupSync(flush, "spool directory");
    }

    /**
     * Returns once every message is on stable storage — all of them or none: after a failure the
     * ones already renamed are removed again, and that made durable, so the client's retry cannot
     * duplicate mail. An id already queued fails the write with {@link
     * java.nio.file.FileAlreadyExistsException}; the queued file is left as it is.
     */
    public void write(List<SpooledMessage> messages) throws IOException {
        List<String> group =
                messages.size() > 1
                        ? messages.stream().map(SpooledMessage::id).toList()
                        : List.of();
        long epoch = directory.epoch();
        List<String> written = new ArrayList<>();
        try {
            for (SpooledMessage m : messages) {
                commitFile(new SpoolFile(m, group), false);
                written.add(m.id());
            }
            directory.awaitDurable(epoch);
        } catch (IOException | RuntimeException e) {
            rollBack(written, e);
            throw e;
        }
    }

    /**
     * Unlinks every file a failed write renamed into the queue, whichever unlink fails, and fsyncs
     * that.
     */
    private void rollBack(List<String> written, Exception failure) {
        if (written.isEmpty()) {
            return;
        }
        long epoch = directory.epoch();
        for (String id : written) {
            try {
                Files.deleteIfExists(dirs.queue().resolve(id));
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
     * Atomically replaces a queued message (fewer recipients after a partial delivery); false, and
     * nothing written, when it is no longer queued (an operator deleted it).
     */
    public boolean replace(SpooledMessage m) throws IOException {
        List<String> group;
        try {
            group = SpoolFile.group(dirs.queue().resolve(m.id()));
        } catch (NoSuchFileException e) {
            return false;
        }
        long epoch = directory.epoch();
        commitFile(new SpoolFile(m, group), true);
        directory.awaitDurable(epoch);
        return true;
    }

    private void commitFile(SpoolFile file, boolean replace) throws IOException {
        SpooledMessage m = file.message();
        Path target = dirs.queue().resolve(m.id());
        if (!replace && Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString());
        }
        Path temp = dirs.tmp().resolve(m.id() + "." + tempSequence.incrementAndGet());
        FileChannel ch =
                FileChannel.open(
                        temp,
                        java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        try { // from here the temp file is ours: whatever fails, it does not stay in tmp/
            try (ch) {
                file.writeTo(ch);
                // the file's time is the message's: ids() and depth() order by it, and a replace
                // keeps it
                Files.setLastModifiedTime(temp, FileTime.from(m.created()));
                ch.force(true);
            }
            Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The queued message, or empty when it is no longer queued (delivered, deleted). */
    public Optional<SpooledMessage> read(String id) throws IOException {
        Optional<byte[]> data = bytes(id);
        return data.isEmpty()
                ? Optional.empty()
                : Optional.of(SpoolFile.decode(id, data.get()).message());
    }

    /**
     * The queued message for a delivery attempt. A file that does not decode is moved to {@code
     * corrupt/} with an ERROR and reads as gone, since every later attempt would fail alike; a file
     * that cannot be read (an I/O error) stays for the next attempt.
     */
    public Optional<SpooledMessage> readForDelivery(String id) throws IOException {
        Optional<byte[]> data = bytes(id);
        if (data.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SpoolFile.decode(id, data.get()).message());
        } catch (IOException e) {
            dirs.setAside(dirs.queue().resolve(id), e);
            return Optional.empty();
        }
    }

    private Optional<byte[]> bytes(String id) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(dirs.queue().resolve(id)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Ids of what is queued now, oldest message first; reads nothing else and changes nothing. */
    public List<String> ids() throws IOException {
        return SpoolLayout.list(dirs.queue()).stream()
                .sorted(Comparator.comparing(SpoolLayout::modified))
                .map(p -> p.getFileName().toString())
                .toList();
    }

    /**
     * How many messages are queued, when the oldest was created, and how many files wait in {@code
     * corrupt/} for an operator (for the metrics).
     */
    public record Depth(int messages, Optional<Instant> oldest, int corrupt) {}

    public Depth depth() throws IOException {
        List<Path> queued = SpoolLayout.list(dirs.queue());
        return new Depth(
                queued.size(),
                queued.stream()
                        .map(SpoolLayout::modified)
                        .min(Comparator.naturalOrder())
                        .map(FileTime::toInstant),
                SpoolLayout.list(dirs.corrupt()).size());
    }

    /**
     * Takes a message out of the queue (delivered, expired, deleted). While other files of its
     * transaction are queued it is kept in {@code done/}, one atomic rename away, as the proof for
     * recovery that the transaction was whole.
     */
    public void remove(String id) throws IOException {
        Path file = dirs.queue().resolve(id);
        List<String> group;
        try {
            group = SpoolFile.group(file);
        } catch (NoSuchFileException e) {
            return;
        }
        if (group.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        try {
            Files.move(file, dirs.done().resolve(id), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // taken out meanwhile
        }
        dirs.forgetIfFinished(group);
    }

    /** Directory fsyncs so far; with concurrent writers fewer than messages written. */
    public long directorySyncs() {
        return directory.flushes();
    }

    /**
     * Everything that was durably queued. Leftovers in tmp/ and files of a transaction that never
     * became whole were never acknowledged (the client sends them again) and are deleted; files
     * that fail their checksum go to corrupt/ with an ERROR.
     */
    public List<SpooledMessage> recover() throws IOException {
        for (Path p : SpoolLayout.list(dirs.tmp())) {
            log.warn("spool: removing unacknowledged partial write {}", p.getFileName());
            Files.deleteIfExists(p);
        }
        List<SpoolFile> intact = new ArrayList<>();
        for (Path p : SpoolLayout.list(dirs.queue())) {
            try {
                intact.add(SpoolFile.decode(p.getFileName().toString(), Files.readAllBytes(p)));
            } catch (IOException e) {
                dirs.setAside(p, e);
            }
        }
        List<SpooledMessage> out = new ArrayList<>();
        for (SpoolFile f : intact) {
            if (f.group().stream().allMatch(dirs::accountedFor)) {
                out.add(f.message());
            } else {
                log.warn(
                        "spool: removing {}: its transaction {} was cut short by a crash before 250",
                        f.message().id(),
                        f.group());
                Files.deleteIfExists(dirs.queue().resolve(f.message().id()));
            }
        }
        for (Path p : SpoolLayout.list(dirs.done())) {
            List<String> group = SpoolFile.group(p);
            dirs.forgetIfFinished(group.isEmpty() ? List.of(p.getFileName().toString()) : group);
        }
        return out;
    }
}

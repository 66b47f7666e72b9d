package io.mailseal.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's directories (each mode 0700): {@code tmp/} for writes under way, {@code queue/} for
 * what is acknowledged, {@code done/} for files of a transaction taken out while others of it are
 * still queued, {@code corrupt/} for files that failed their checksum.
 */
record SpoolLayout(Path tmp, Path queue, Path done, Path corrupt) {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);

    static SpoolLayout create(Path directory) throws IOException {
        return new SpoolLayout(
                privateDirectory(directory.resolve("tmp")),
                privateDirectory(directory.resolve("queue")),
                privateDirectory(directory.resolve("done")),
                privateDirectory(directory.resolve("corrupt")));
    }

    /** Logs the file id and our own reason, never the content. */
    void setAside(Path file, IOException why) throws IOException {
        log.error(
                "spool: {} is corrupt ({}); moved to corrupt/",
                file.getFileName(),
                why.getMessage());
        Files.move(file, corrupt.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Renamed into the queue once: still queued, taken out since, or set aside. */
    boolean accountedFor(String id) {
        return Files.exists(queue.resolve(id))
                || Files.exists(done.resolve(id))
                || Files.exists(corrupt.resolve(id));
    }

    /** Once no file of a transaction is queued, what {@code done/} holds of it has served. */
    void forgetIfFinished(List<String> group) throws IOException {
        if (group.stream().noneMatch(id -> Files.exists(queue.resolve(id)))) {
            for (String id : group) {
                Files.deleteIfExists(done.resolve(id));
            }
        }
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0); // gone meanwhile: sorts first, read() says so
        }
    }

    /** Makes the rename itself durable (a directory entry is data too). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static Path privateDirectory(Path dir) throws IOException {
        Files.createDirectories(
                dir,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }
}

package io.mailseal.certs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A small file replaced as a whole: written to a temporary name in the same directory, fsync'd and
 * renamed over the old one, so a reader sees the old or the new file, never half of one.
 */
public final class DurableFile {
    private DurableFile() {}

    /** Replaces {@code target} with {@code data}; call {@link #syncDirectory} after the renames. */
    public static void replace(Path target, byte[] data) throws IOException {
        Path temp = target.resolveSibling(".tmp-" + UUID.randomUUID());
        try {
            try (FileChannel ch =
                    FileChannel.open(
                            temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Makes renames and deletions in {@code directory} durable (a directory entry is data too). */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

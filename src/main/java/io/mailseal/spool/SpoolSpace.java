package io.mailseal.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the spool's file system has room for the next messages ({@code spool.min-free}): below it
 * the relay reports itself not ready, so a load balancer or the bank's MTA sends elsewhere before a
 * write fails with 451 — and the space left stays for the deliveries that free it.
 */
public final class SpoolSpace {
    private SpoolSpace() {}

    /** Why {@code directory} has too little usable space, or empty. */
    public static Optional<String> shortage(Path directory, long minFree) {
        try {
            long usable = Files.getFileStore(directory).getUsableSpace();
            return usable < minFree
                    ? Optional.of(
                            usable
                                    + " bytes free on the spool's file system, below spool.min-free ("
                                    + minFree
                                    + ")")
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.of("free space of the spool's file system unknown: " + e.getMessage());
        }
    }
}

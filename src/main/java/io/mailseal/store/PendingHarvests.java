package io.mailseal.store;

import io.mailseal.certs.DurableFile;
import io.mailseal.certs.Harvest;
import io.mailseal.certs.HarvestFiles;
import io.mailseal.certs.PemCertificates;
import io.mailseal.certs.SenderCapabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Harvests the database could not take when they came (it was away), kept on this node's disk until
 * it answers again: one file per address ({@code <address>.pending}, named as {@link HarvestFiles}
 * names its files), so a later harvest for the address replaces an earlier one. Each file says
 * which address it is for and when it was harvested (the database keeps the newest), then the
 * capabilities (base64) and the certificates (PEM); written whole ({@link DurableFile}).
 */
final class PendingHarvests {
    private static final String SUFFIX = ".pending";
    private static final String MAGIC = "mailseal pending harvest";
    private final Path directory;

    /** One harvest waiting, and the file it is in (removed once the database has it). */
    record Pending(Harvest harvest, Instant harvestedAt, Path file) {}

    PendingHarvests(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    void keep(Harvest h, Instant harvestedAt) throws IOException {
        Files.createDirectories(directory);
        String text =
                MAGIC
                        + "\naddress: "
                        + h.address()
                        + "\nharvested-at: "
                        + harvestedAt
                        + "\ncapabilities: "
                        + h.capabilities()
                                .map(c -> Base64.getEncoder().encodeToString(c.encoded()))
                                .orElse("none")
                        + "\n"
                        + PemCertificates.encode(h.certificates());
        DurableFile.replace(
                directory.resolve(HarvestFiles.fileName(h.address()) + SUFFIX),
                text.getBytes(StandardCharsets.UTF_8));
        DurableFile.syncDirectory(directory);
    }

    /** The one waiting for {@code address}, if any. */
    Optional<Pending> get(String address) throws IOException {
        Path file = directory.resolve(HarvestFiles.fileName(address) + SUFFIX);
        try {
            return Optional.of(read(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    int count() {
        try {
            return files().size();
        } catch (IOException e) {
            return 0;
        }
    }

    void remove(Pending p) throws IOException {
        Files.deleteIfExists(p.file());
        DurableFile.syncDirectory(directory);
    }

    /** The files of the harvests waiting, each read with {@link #read}. */
    List<Path> files() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    static Pending read(Path file) throws IOException {
        String[] parts = Files.readString(file, StandardCharsets.UTF_8).split("\n", 5);
        if (parts.length < 5
                || !parts[0].equals(MAGIC)
                || !parts[1].startsWith("address: ")
                || !parts[2].startsWith("harvested-at: ")
                || !parts[3].startsWith("capabilities: ")) {
            throw new IOException(file + " is not a pending harvest");
        }
        String caps = parts[3].substring("capabilities: ".length());
        try {
            return new Pending(
                    new Harvest(
                            parts[1].substring("address: ".length()),
                            PemCertificates.parse(
                                    parts[4].getBytes(StandardCharsets.US_ASCII), file.toString()),
                            caps.equals("none")
                                    ? Optional.empty()
                                    : Optional.of(
                                            SenderCapabilities.parse(
                                                    Base64.getDecoder().decode(caps)))),
                    Instant.parse(parts[2].substring("harvested-at: ".length())),
                    file);
        } catch (CertificateException | RuntimeException e) {
            throw new IOException(file + " is not a pending harvest: " + e.getMessage(), e);
        }
    }
}

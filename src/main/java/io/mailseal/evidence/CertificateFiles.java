package io.mailseal.evidence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificates records name by fingerprint, kept once each as {@code certificates/<sha256>.pem}
 * (the file name is the SHA-256 of the DER, so a record's fingerprint binds the file; nothing else
 * need protect it). Written temp + fsync + rename, as the spool does.
 */
final class CertificateFiles implements EvidenceCertificates {
    private final Path directory;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    CertificateFiles(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    @Override
    public void keep(X509Certificate certificate) throws IOException {
        String fingerprint = EvidenceCertificates.fingerprint(certificate);
        if (known.contains(fingerprint)) {
            return;
        }
        Path target = directory.resolve(fingerprint + ".pem");
        if (!Files.exists(target)) {
            Path temp = directory.resolve(fingerprint + ".tmp" + Thread.currentThread().getId());
            try (FileChannel ch =
                    FileChannel.open(
                            temp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.US_ASCII.encode(EvidenceCertificates.pem(certificate)));
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(temp); // another writer kept it meanwhile
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
        known.add(fingerprint);
    }

    @Override
    public Optional<String> pem(String fingerprint) throws IOException {
        Path p = directory.resolve(fingerprint + ".pem");
        return fingerprint.matches("[0-9a-f]{64}") && Files.exists(p)
                ? Optional.of(Files.readString(p, StandardCharsets.US_ASCII))
                : Optional.empty();
    }
}

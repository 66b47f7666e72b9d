package io.mailseal.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The embedded harvest store: one {@code <address>.pem} per address (lower-cased; characters unsafe
 * in a file name as %XX) and, beside it, {@code <address>.caps}: the client's SMIMECapabilities
 * (DER). A harvest replaces what was stored for the address; each file is replaced as a whole
 * ({@link DurableFile}), so a reader sees the old or the new file, never half of one.
 */
public final class HarvestFiles implements HarvestStore {
    private static final int MAX_NAME = 200;
    private final Path directory;

    public HarvestFiles(Path directory) {
        this.directory = directory;
    }

    @Override
    public String name() {
        return "harvest:" + directory;
    }

    /**
     * Nothing harvested yet (not even the directory) is "not found"; an unreadable file is
     * unavailable.
     */
    @Override
    public Lookup lookup(String address) {
        Path file = file(address, ".pem");
        try {
            return new Lookup.Found(PemCertificates.read(file));
        } catch (NoSuchFileException e) {
            return new Lookup.NotFound();
        } catch (IOException | CertificateException e) {
            return new Lookup.Unavailable(
                    file + " is not a readable certificate: " + e.getMessage());
        }
    }

    @Override
    public Optional<SenderCapabilities> capabilities(String address) {
        try {
            return Optional.of(
                    SenderCapabilities.parse(Files.readAllBytes(file(address, ".caps"))));
        } catch (IOException e) {
            // none stored, or unreadable: the crypto choice then falls back to what every client
            // reads
            return Optional.empty();
        }
    }

    @Override
    public void store(Harvest harvest) throws IOException {
        Files.createDirectories(directory);
        DurableFile.replace(
                file(harvest.address(), ".pem"),
                PemCertificates.encode(harvest.certificates()).getBytes(StandardCharsets.US_ASCII));
        Path caps = file(harvest.address(), ".caps");
        if (harvest.capabilities().isPresent()) {
            DurableFile.replace(caps, harvest.capabilities().get().encoded());
        } else {
            // the capabilities belong to the client that sent the replaced certificate
            Files.deleteIfExists(caps);
        }
        DurableFile.syncDirectory(directory);
    }

    private Path file(String address, String extension) {
        return directory.resolve(fileName(address) + extension);
    }

    /**
     * Lower-cased address with every byte outside {@code [a-z0-9@._+-]} (and a leading '.') as %XX,
     * so no address can name another directory or a hidden file; a very long one by its SHA-256.
     */
    public static String fileName(String address) {
        StringBuilder b = new StringBuilder();
        HexFormat hex = HexFormat.of().withUpperCase();
        for (byte x : address.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            boolean safe =
                    (c >= 'a' && c <= 'z')
                            || (c >= '0' && c <= '9')
                            || "@_+-".indexOf(c) >= 0
                            || (c == '.' && b.length() > 0);
            b.append(safe ? String.valueOf(c) : "%" + hex.toHexDigits(x));
        }
        if (b.length() <= MAX_NAME) {
            return b.toString();
        }
        try {
            return "sha256-"
                    + HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256")
                                            .digest(
                                                    address.toLowerCase(Locale.ROOT)
                                                            .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

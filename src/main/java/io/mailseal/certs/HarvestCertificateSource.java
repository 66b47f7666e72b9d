package io.mailseal.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The harvest store: certificates customers sent in signed mail (or an operator imported), one
 * {@code <address>.pem} per address (lower-cased; characters unsafe in a file name as %XX) and,
 * beside it, {@code <address>.caps}: the client's SMIMECapabilities (DER). A harvest replaces what
 * was stored for the address; files are written to a temporary name, fsync'd and renamed, so a
 * reader sees the old or the new file, never half of one. What is stored is validated on every
 * lookup, like a certificate from any other source.
 */
public final class HarvestCertificateSource implements CertificateSource {
    private static final int MAX_NAME = 200;
    private final Path directory;

    public HarvestCertificateSource(Path directory) {
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

    /** The client's announced algorithms, when its signed mail carried them. */
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

    /**
     * The same as DER, for the crypto {@code auto} choice (which reads it like a certificate's
     * extension).
     */
    public Optional<byte[]> announcedCapabilities(String address) {
        return capabilities(address).map(SenderCapabilities::encoded);
    }

    /** Replaces what is stored for the harvest's address; returns once it is on stable storage. */
    void store(Harvest harvest) throws IOException {
        Files.createDirectories(directory);
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            for (X509Certificate c : harvest.certificates()) {
                w.writeObject(c);
            }
        }
        writeAtomically(
                file(harvest.address(), ".pem"),
                pem.toString().getBytes(StandardCharsets.US_ASCII));
        Path caps = file(harvest.address(), ".caps");
        if (harvest.capabilities().isPresent()) {
            writeAtomically(caps, harvest.capabilities().get().encoded());
        } else {
            // the capabilities belong to the client that sent the replaced certificate
            Files.deleteIfExists(caps);
        }
        syncDirectory();
    }

    private Path file(String address, String extension) {
        return directory.resolve(fileName(address) + extension);
    }

    /**
     * Lower-cased address with every byte outside {@code [a-z0-9@._+-]} (and a leading '.') as %XX,
     * so no address can name another directory or a hidden file; a very long one by its SHA-256.
     */
    static String fileName(String address) {
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

    private void writeAtomically(Path target, byte[] data) throws IOException {
        Path temp = directory.resolve(".tmp-" + UUID.randomUUID());
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

    /** Makes the renames durable (a directory entry is data too). */
    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

package io.mailseal.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Locale;

/**
 * {@code <address>.pem|.crt|.cer} in one directory. A missing file is "not found"; an unreadable
 * directory or a garbage file is "unavailable", naming the file, so an operator's mistake is not
 * taken for a customer without a certificate.
 */
public final class DirectoryCertificateSource implements CertificateSource {
    private static final String[] EXTENSIONS = {".pem", ".crt", ".cer"};
    private final Path directory;

    public DirectoryCertificateSource(Path directory) {
        this.directory = directory;
    }

    @Override
    public String name() {
        return "directory:" + directory;
    }

    @Override
    public Lookup lookup(String address) {
        if (address.isEmpty()
                || address.contains("/")
                || address.contains("\\")
                || address.contains("\0")
                || address.startsWith(".")) {
            return new Lookup.NotFound();
        }
        if (!Files.isDirectory(directory) || !Files.isReadable(directory)) {
            return new Lookup.Unavailable(directory + " is not a readable directory");
        }
        int at = address.lastIndexOf('@');
        String canonical =
                address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT);
        for (String name : new String[] {canonical, address.toLowerCase(Locale.ROOT)}) {
            for (String ext : EXTENSIONS) {
                Path file = directory.resolve(name + ext);
                if (Files.isRegularFile(file)) {
                    try {
                        return new Lookup.Found(PemCertificates.read(file));
                    } catch (IOException | CertificateException e) {
                        return new Lookup.Unavailable(
                                file + " is not a readable certificate: " + e.getMessage());
                    }
                }
            }
        }
        return new Lookup.NotFound();
    }
}

package io.mailseal.certs;

import io.mailseal.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** CA certificates from a PEM file or a directory of {@code *.pem|*.crt|*.cer}. */
public final class TrustAnchors {
    private TrustAnchors() {}

    /**
     * @param key the relay.conf key (or command-line option) that named {@code path}; every failure
     *     names it, and the file at fault, so an operator knows what to mend
     */
    public static Set<TrustAnchor> load(String key, Path path) {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (Path file : files(key, path)) {
            try {
                for (X509Certificate c : PemCertificates.read(file)) {
                    anchors.add(new TrustAnchor(c, null));
                }
            } catch (NoSuchFileException e) {
                throw problem(key, file, "does not exist");
            } catch (IOException | CertificateException e) {
                throw problem(key, file, "cannot be read: " + e.getMessage());
            }
        }
        if (anchors.isEmpty()) {
            throw problem(key, path, "holds no CA certificate");
        }
        return anchors;
    }

    /** The files {@code path} names: itself, or the certificate files in it. */
    public static List<Path> files(String key, Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> s = Files.list(path)) {
            return s.filter(p -> p.getFileName().toString().matches(".*\\.(pem|crt|cer)"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw problem(key, path, "cannot be listed: " + e.getMessage());
        }
    }

    private static ConfigException problem(String key, Path path, String what) {
        return new ConfigException(List.of(key + ": \"" + path + "\" " + what));
    }
}

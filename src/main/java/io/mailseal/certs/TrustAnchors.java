package io.mailseal.certs;

import io.mailseal.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** CA certificates from a PEM file or a directory of {@code *.pem|*.crt|*.cer}. */
public final class TrustAnchors {
    private TrustAnchors() {
    }

    /** @param key the relay.conf key that named {@code path}, for error messages */
    public static Set<TrustAnchor> load(String key, Path path) {
        List<Path> files = new ArrayList<>();
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> s = Files.list(path)) {
                    s.filter(p -> p.getFileName().toString().matches(".*\\.(pem|crt|cer)")).sorted().forEach(files::add);
                }
            } else {
                files.add(path);
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            for (Path f : files) {
                for (X509Certificate c : PemCertificates.read(f)) {
                    anchors.add(new TrustAnchor(c, null));
                }
            }
            if (anchors.isEmpty()) {
                throw new ConfigException(List.of(key + ": \"" + path + "\" holds no CA certificate"));
            }
            return anchors;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(List.of(key + ": \"" + path + "\" does not exist"));
        } catch (IOException | CertificateException e) {
            throw new ConfigException(List.of(key + ": \"" + path + "\" cannot be read: " + e.getMessage()));
        }
    }
}

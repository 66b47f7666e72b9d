package io.mailseal.certs;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Certificates taken for one customer from what the customer sent: the candidates to encrypt to
 * first, then any CA certificates that came along (to build the path), and the client's
 * SMIMECapabilities when the source was signed mail. Not yet validated.
 */
public record Harvest(
        String address,
        List<X509Certificate> certificates,
        Optional<SenderCapabilities> capabilities) {
    public Harvest {
        address = address.toLowerCase(Locale.ROOT);
        certificates = List.copyOf(certificates);
    }
}

package io.mailseal.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Certificates as PEM (one or several) or DER, read and written. */
public final class PemCertificates {
    private PemCertificates() {}

    static List<X509Certificate> read(Path file) throws IOException, CertificateException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /**
     * {@code origin} names where the bytes came from, for the message when there is no certificate.
     */
    public static List<X509Certificate> parse(byte[] data, String origin)
            throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        // CertificateFactory reads concatenated PEM blocks and single DER certificates alike
        for (var c :
                CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(data))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new CertificateException("no certificate in " + origin);
        }
        return out;
    }

    /** Concatenated PEM blocks, in order. */
    public static String encode(List<X509Certificate> certificates) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            for (X509Certificate c : certificates) {
                w.writeObject(c);
            }
        }
        return pem.toString();
    }
}

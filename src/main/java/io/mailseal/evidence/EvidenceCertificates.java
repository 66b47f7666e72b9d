package io.mailseal.evidence;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

/**
 * Where the certificates records name by fingerprint are kept for export: files beside the embedded
 * journal, or the shared store's table. The fingerprint is the SHA-256 of the DER, so a record
 * binds what is kept under it.
 */
public interface EvidenceCertificates {

    /** Keeps {@code certificate} durably (once; a second keep of the same one is nothing). */
    void keep(X509Certificate certificate) throws IOException;

    /** The PEM kept under {@code fingerprint}, if any. */
    Optional<String> pem(String fingerprint) throws IOException;

    /** The files of {@code evidence.directory}/certificates. */
    static EvidenceCertificates inDirectory(Path evidenceDirectory) throws IOException {
        return new CertificateFiles(evidenceDirectory.resolve("certificates"));
    }

    /** The SHA-256 of the DER, lower-case hex: how records name a certificate. */
    static String fingerprint(X509Certificate certificate) {
        try {
            return ChainText.sha256Hex(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate has an encoding", e);
        }
    }

    static String pem(X509Certificate certificate) throws IOException {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'})
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IOException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }
}

package io.mailseal.certs;

import io.mailseal.crypto.AlgorithmChoice;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Can this customer receive encrypted mail? — the answer the bank's channel chooser gets from
 * {@code /v1/recipients/{address}} and an operator from {@code mailseal lookup}. {@code
 * encryptable} is null when a source was unavailable: unknown is not "no", and the bank must not
 * switch a customer to SMS because a directory is down. {@code caveat} warns of a certificate some
 * clients cannot use (EC: ECDH). Fields that do not apply are null.
 */
public record RecipientReport(
        String address,
        Boolean encryptable,
        String source,
        String subject,
        String issuer,
        Instant notAfter,
        String fingerprintSha256,
        String reason,
        String caveat) {

    public static RecipientReport of(String address, Resolution r) {
        if (r instanceof Resolution.Usable u) {
            X509Certificate c = u.certificate();
            return new RecipientReport(
                    address,
                    true,
                    u.source(),
                    c.getSubjectX500Principal().getName(),
                    c.getIssuerX500Principal().getName(),
                    c.getNotAfter().toInstant(),
                    fingerprint(c),
                    null,
                    // still encryptable: the caveat lets the bank decide whether this customer's
                    // client can read it
                    AlgorithmChoice.caveat(c).orElse(null));
        }
        if (r instanceof Resolution.Missing m) {
            return new RecipientReport(
                    address, false, null, null, null, null, null, m.reason(), null);
        }
        return new RecipientReport(
                address,
                null,
                null,
                null,
                null,
                null,
                null,
                "lookup unavailable: " + ((Resolution.Unavailable) r).reason(),
                null);
    }

    /**
     * SHA-256 of the certificate's DER, in hex: how the API, lookup and the logs name a
     * certificate.
     */
    public static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a parsed certificate", e);
        }
    }
}

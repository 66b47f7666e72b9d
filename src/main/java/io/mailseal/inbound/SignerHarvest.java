package io.mailseal.inbound;

/**
 * Where a customer's validly signed mail goes for its certificate and SMIMECapabilities: the
 * harvest store the outbound path reads ({@code certs.CertificateImport}, wired in {@code app},
 * which also drops the outbound cache's answer for the address).
 */
@FunctionalInterface
public interface SignerHarvest {
    SignerHarvest NONE = (message, origin) -> {};

    /** {@code message}: the signed layer as a client would have received it, in memory. */
    void signedMail(byte[] message, String origin);
}

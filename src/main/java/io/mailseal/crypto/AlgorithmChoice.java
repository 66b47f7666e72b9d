package io.mailseal.crypto;

import io.mailseal.config.CryptoConfig;
import io.mailseal.config.CryptoConfig.ContentEncryptionChoice;
import io.mailseal.config.CryptoConfig.KeyTransportChoice;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;

/**
 * Picks, per recipient, algorithms its mail client can open (DESIGN.md, docs/INTEROP.md), in this
 * order:
 *
 * <ol>
 *   <li>what the administrator wrote: the first matching {@code crypto.overrides} entry, else the
 *       global {@code content-encryption} / {@code key-transport}; an explicit choice wins over
 *       anything the certificate says, because the administrator may know better (a client that
 *       advertises GCM but breaks on it);
 *   <li>where that is {@code auto}: what the customer's client announced in signed mail it sent
 *       (SMIMECapabilities, harvested), else the S/MIME Capabilities extension of the recipient's
 *       certificate (RFC 4262): AES-GCM and RSAES-OAEP when listed;
 *   <li>else the safe default that every engine opens: AES-256-CBC EnvelopedData and RSA PKCS#1
 *       v1.5 — NSS, gpgsm 2.2 and Outlook cannot open AuthEnvelopedData or OAEP, and a code the
 *       customer cannot read is a failed code.
 * </ol>
 *
 * EC recipients always use ECDH (RFC 8551 §2.7); key transport applies to RSA only.
 */
public final class AlgorithmChoice {
    private final CryptoConfig config;

    public AlgorithmChoice(CryptoConfig config) {
        this.config = config;
    }

    public record Choice(ContentEncryption contentEncryption, KeyTransport keyTransport) {}

    public Choice forRecipient(String address, X509Certificate certificate) {
        return forRecipient(address, certificate, Optional.empty());
    }

    /**
     * @param announced the SMIMECapabilities (DER) the customer's own client put in signed mail it
     *     sent (harvested): where present it speaks for that client better than its certificate
     *     does, so it is read instead of the certificate's extension
     */
    public Choice forRecipient(
            String address, X509Certificate certificate, Optional<byte[]> announced) {
        ContentEncryptionChoice content = config.contentEncryption();
        KeyTransportChoice transport = config.keyTransport();
        for (CryptoConfig.Override o : config.overrides()) {
            if (o.pattern().matcher(address).matches()) {
                content = o.contentEncryption();
                transport = o.keyTransport();
                break;
            }
        }
        CertificateCapabilities caps =
                content == ContentEncryptionChoice.AUTO || transport == KeyTransportChoice.AUTO
                        ? announced
                                .map(CertificateCapabilities::parse)
                                .orElseGet(() -> CertificateCapabilities.of(certificate))
                        : CertificateCapabilities.NONE;
        return new Choice(content(content, caps), transport(transport, caps));
    }

    /**
     * Why mail to this certificate may not open in the customer's client, or empty. Measured
     * (docs/INTEROP.md): NSS (Thunderbird, Evolution) and gpgsm 2.2 (KMail, Kleopatra) cannot open
     * ECDH envelopes, so a customer with only an EC certificate may not read the mail.
     */
    public static Optional<String> caveat(X509Certificate certificate) {
        return certificate.getPublicKey() instanceof ECPublicKey
                ? Optional.of(
                        "EC certificate: mail is encrypted with ECDH, which NSS-based clients (Thunderbird, "
                                + "Evolution) and gpgsm 2.2 (KMail, Kleopatra) cannot open")
                : Optional.empty();
    }

    private static ContentEncryption content(
            ContentEncryptionChoice c, CertificateCapabilities caps) {
        return switch (c) {
            case AUTO -> caps.contentEncryption().orElse(ContentEncryption.AES_256_CBC);
            case AES_256_CBC -> ContentEncryption.AES_256_CBC;
            case AES_256_GCM -> ContentEncryption.AES_256_GCM;
            case AES_128_GCM -> ContentEncryption.AES_128_GCM;
        };
    }

    private static KeyTransport transport(KeyTransportChoice c, CertificateCapabilities caps) {
        return switch (c) {
            case AUTO -> caps.keyTransport().orElse(KeyTransport.RSA_PKCS1);
            case RSA_PKCS1 -> KeyTransport.RSA_PKCS1;
            case RSA_OAEP -> KeyTransport.RSA_OAEP;
            case RSA_OAEP_SHA1 -> KeyTransport.RSA_OAEP_SHA1;
        };
    }
}

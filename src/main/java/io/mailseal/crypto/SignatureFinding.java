package io.mailseal.crypto;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One SignerInfo of a customer's message as the mathematics sees it: whether the signature over the
 * content verifies with the included signer certificate. Whether that certificate is to be trusted
 * is not judged here (no network, no trust store): the caller asks its PKIX and revocation checks.
 *
 * @param signer the signer's certificate, when the message included it
 * @param certificates every certificate the signed-data carried (to build the path)
 * @param problem why it does not verify; empty when {@link #verified()}
 * @param part where the signed content is in the delivered message (IMAP section numbering, RFC
 *     7281 §3.2): {@code 1} for the first part of a multipart/signed body, {@code TEXT} when the
 *     signed content became the whole body
 */
public record SignatureFinding(
        Optional<X509Certificate> signer,
        List<X509Certificate> certificates,
        boolean verified,
        String problem,
        String part) {

    public SignatureFinding {
        certificates = List.copyOf(certificates);
    }
}

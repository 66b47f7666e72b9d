package io.mailseal.inbound;

import java.math.BigInteger;
import java.util.Optional;

/**
 * One result of the {@code smime} method: per signature, or one for the whole message when it has
 * no signature or cannot be opened. {@code identifier}: the signer's address (RFC 7281
 * body.smime-identifier); {@code serial} and {@code issuer} name its certificate.
 */
record SignatureVerdict(
        SmimeResult result,
        String reason,
        Optional<String> identifier,
        String part,
        Optional<BigInteger> serial,
        Optional<String> issuer) {

    static SignatureVerdict of(SmimeResult result, String reason) {
        return new SignatureVerdict(
                result, reason, Optional.empty(), "", Optional.empty(), Optional.empty());
    }
}

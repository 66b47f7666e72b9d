package io.mailseal.inbound;

import io.mailseal.config.InboundConfig.Requirement;
import java.util.List;
import java.util.Optional;

/**
 * What the bank knows of one customer message: whether it came encrypted and could be decrypted
 * (with which cipher), and one {@code smime} result per signature.
 */
record InboundVerdict(
        boolean encrypted, boolean decrypted, String cipher, List<SignatureVerdict> results) {

    InboundVerdict {
        results = List.copyOf(results);
    }

    SmimeResult overall() {
        return SmimeResult.overall(results.stream().map(SignatureVerdict::result).toList());
    }

    boolean signedAndTrusted() {
        return overall() == SmimeResult.PASS;
    }

    /** What the message lacks of {@code required}, in words for the customer; empty when none. */
    Optional<String> shortOf(Requirement required) {
        if (required.needsEncryption() && !decrypted) {
            return Optional.of(
                    encrypted
                            ? "was encrypted to no certificate the bank holds a key for"
                            : "was not encrypted");
        }
        if (required.needsSignature() && !signedAndTrusted()) {
            return Optional.of(
                    results.stream()
                            .filter(r -> r.result() != SmimeResult.NONE)
                            .findFirst()
                            .map(r -> "has no valid signature: " + r.reason())
                            .orElse("was not signed"));
        }
        return Optional.empty();
    }

    /** Whether a missing signature is only not known now (4xx rather than 5xx). */
    boolean undetermined() {
        return overall() == SmimeResult.TEMPERROR;
    }
}

package io.mailseal.crypto;

import jakarta.mail.internet.MimeBodyPart;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * What a customer's client would find in a message: envelope, signature, signer chain, timestamp,
 * and the content. {@link #valid()} holds only when every applicable check held.
 */
public record Inspection(
        boolean encrypted,
        String contentEncryption,
        String keyManagement,
        boolean signed,
        boolean signatureValid,
        boolean chainValid,
        String signer,
        String signerEmail,
        String digestAlgorithm,
        String signatureAlgorithm,
        Optional<Instant> signingTime,
        Optional<TimeStampToken> timestamp,
        byte[] signatureValue,
        Optional<MimeBodyPart> content,
        List<String> problems) {

    public Inspection {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty() && signed && signatureValid && chainValid;
    }
}

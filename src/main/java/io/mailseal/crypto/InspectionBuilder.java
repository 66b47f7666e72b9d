package io.mailseal.crypto;

import jakarta.mail.internet.MimeBodyPart;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.tsp.TimeStampToken;

/** Collects the findings of one inspection; mutable, used by one thread. */
final class InspectionBuilder {
    boolean encrypted;
    String contentEncryption = "";
    String keyManagement = "";
    boolean signed;
    boolean signatureValid;
    boolean chainValid;
    String signer = "";
    String signerEmail = "";
    String digestAlgorithm = "";
    String signatureAlgorithm = "";
    Instant signingTime;
    TimeStampToken timestamp;
    byte[] signatureValue = new byte[0];
    MimeBodyPart content;

    Inspection build(List<String> problems) {
        return new Inspection(
                encrypted,
                contentEncryption,
                keyManagement,
                signed,
                signatureValid,
                chainValid,
                signer,
                signerEmail,
                digestAlgorithm,
                signatureAlgorithm,
                Optional.ofNullable(signingTime),
                Optional.ofNullable(timestamp),
                signatureValue,
                Optional.ofNullable(content),
                problems);
    }
}

package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.EmbeddedTsa;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.junit.jupiter.api.Test;

/**
 * What is worked out once per TSA certificate must not let a later token through: each token's
 * imprint, signature and genTime are checked even when its TSA is already known.
 */
class TimestampVerifierTest {
    private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");
    private static final byte[] SIGNATURE = "signature value".getBytes(StandardCharsets.US_ASCII);

    private final DemoPki pki = new DemoPki(Clock.fixed(NOW, java.time.ZoneOffset.UTC), "TSA Root");
    private final DemoPki.Issued tsa = pki.timestampAuthority("Bank TSA");
    private final TimestampVerifier verifier =
            new TimestampVerifier(Set.of(new TrustAnchor(pki.ca().certificate(), null)));

    @Test
    void everyTokenOfAKnownTsaIsVerified() throws Exception {
        assertThat(verifier.verify(token(tsa.key(), tsa.certificate(), SIGNATURE, NOW), SIGNATURE))
                .isEqualTo(tsa.certificate());
        assertThat(
                        verifier.verify(
                                token(tsa.key(), tsa.certificate(), SIGNATURE, NOW.plusSeconds(1)),
                                SIGNATURE))
                .isEqualTo(tsa.certificate());
    }

    @Test
    void aTokenOverOtherDataIsRefused() throws Exception {
        verifier.verify(token(tsa.key(), tsa.certificate(), SIGNATURE, NOW), SIGNATURE);
        TimeStampToken other =
                token(
                        tsa.key(),
                        tsa.certificate(),
                        "other".getBytes(StandardCharsets.US_ASCII),
                        NOW);

        assertThatThrownBy(() -> verifier.verify(other, SIGNATURE))
                .isInstanceOf(TSPException.class)
                .hasMessageContaining("imprint");
    }

    @Test
    void aKnownCertificateDoesNotVouchForABadSignature() throws Exception {
        verifier.verify(token(tsa.key(), tsa.certificate(), SIGNATURE, NOW), SIGNATURE);
        PrivateKey impostor = pki.timestampAuthority("Impostor").key();
        TimeStampToken forged = token(impostor, tsa.certificate(), SIGNATURE, NOW);

        assertThatThrownBy(() -> verifier.verify(forged, SIGNATURE))
                .isInstanceOf(TSPException.class);
    }

    @Test
    void aKnownCertificateIsCheckedAtEachTokensGenTime() throws Exception {
        verifier.verify(token(tsa.key(), tsa.certificate(), SIGNATURE, NOW), SIGNATURE);
        Instant afterExpiry = tsa.certificate().getNotAfter().toInstant().plus(Duration.ofDays(1));
        TimeStampToken late = token(tsa.key(), tsa.certificate(), SIGNATURE, afterExpiry);

        assertThatThrownBy(() -> verifier.verify(late, SIGNATURE))
                .isInstanceOf(TSPException.class)
                .hasMessageContaining("not valid");
    }

    @Test
    void aTsaOutsideTheAnchorsIsRefusedAfterAKnownOne() throws Exception {
        verifier.verify(token(tsa.key(), tsa.certificate(), SIGNATURE, NOW), SIGNATURE);
        DemoPki.Issued foreign =
                new DemoPki(Clock.fixed(NOW, java.time.ZoneOffset.UTC), "Other Root")
                        .timestampAuthority("Bank TSA");

        assertThatThrownBy(
                        () ->
                                verifier.verify(
                                        token(foreign.key(), foreign.certificate(), SIGNATURE, NOW),
                                        SIGNATURE))
                .isInstanceOf(TSPException.class)
                .hasMessageContaining("does not chain");
    }

    private static TimeStampToken token(
            PrivateKey key, X509Certificate cert, byte[] stamped, Instant genTime)
            throws Exception {
        TimeStampTokenGenerator gen =
                new TimeStampTokenGenerator(
                        new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withRSA", key, cert),
                        new JcaDigestCalculatorProviderBuilder()
                                .build()
                                .get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                        EmbeddedTsa.DEMO_POLICY);
        gen.addCertificates(new JcaCertStore(List.of(cert)));
        TimeStampRequestGenerator req = new TimeStampRequestGenerator();
        req.setCertReq(true);
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest(stamped);
        return gen.generate(
                req.generate(TSPAlgorithms.SHA256, imprint), BigInteger.ONE, Date.from(genTime));
    }
}

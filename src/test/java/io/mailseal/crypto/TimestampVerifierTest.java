package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.EmbeddedTsa;
import io.mailseal.testing.LocalTsa;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
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

    @Test
    void aTokenFromTheFutureIsRefusedBeyondTheSkew() throws Exception {
        TimestampVerifier atNow =
                new TimestampVerifier(
                        Set.of(new TrustAnchor(pki.ca().certificate(), null)),
                        Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        Instant withinSkew = NOW.plus(TimestampVerifier.MAX_FUTURE_SKEW);
        assertThat(
                        atNow.verify(
                                token(tsa.key(), tsa.certificate(), SIGNATURE, withinSkew),
                                SIGNATURE))
                .isEqualTo(tsa.certificate());
        TimeStampToken ahead =
                token(tsa.key(), tsa.certificate(), SIGNATURE, withinSkew.plusSeconds(1));
        assertThatThrownBy(() -> atNow.verify(ahead, SIGNATURE))
                .isInstanceOf(TSPException.class)
                .hasMessageContaining("ahead of our clock");
    }

    /** The embedded TSA with a clock ten minutes fast, over HTTP as the relay asks it. */
    @Test
    void aTsaWhoseClockRunsAheadIsRefusedOnReceipt() throws Exception {
        Clock now = Clock.systemUTC();
        DemoPki live = new DemoPki(now, "Live TSA Root");
        DemoPki.Issued fast = live.timestampAuthority("Fast TSA");
        TimestampVerifier verifier =
                new TimestampVerifier(Set.of(new TrustAnchor(live.ca().certificate(), null)), now);
        for (Duration offset : List.of(Duration.ZERO, Duration.ofMinutes(10))) {
            try (EmbeddedTsa server =
                    new EmbeddedTsa(
                            fast.key(),
                            fast.certificate(),
                            List.of(live.ca().certificate()),
                            Clock.offset(now, offset))) {
                TimestampExchange exchange =
                        TimestampExchange.over(SIGNATURE, new java.security.SecureRandom());
                byte[] reply =
                        java.net.http.HttpClient.newHttpClient()
                                .send(
                                        java.net.http.HttpRequest.newBuilder(server.url())
                                                .header(
                                                        "Content-Type",
                                                        "application/timestamp-query")
                                                .POST(
                                                        java.net.http.HttpRequest.BodyPublishers
                                                                .ofByteArray(exchange.request()))
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                                .body();
                if (offset.isZero()) {
                    assertThat(exchange.token(reply, verifier)).isNotNull();
                } else {
                    assertThatThrownBy(() -> exchange.token(reply, verifier))
                            .isInstanceOf(TSPException.class)
                            .hasMessageContaining("ahead of our clock");
                }
            }
        }
    }

    private static TimeStampToken token(
            PrivateKey key, X509Certificate cert, byte[] stamped, Instant genTime)
            throws Exception {
        return LocalTsa.token(
                key,
                cert,
                MessageDigest.getInstance("SHA-256").digest(stamped),
                genTime,
                BigInteger.ONE);
    }
}

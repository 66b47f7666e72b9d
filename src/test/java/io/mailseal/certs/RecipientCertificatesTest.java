package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.crypto.CryptoProviders;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.PkiFiles;
import io.mailseal.testing.RevocationServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RecipientCertificatesTest {
    static final Instant NOW = Instant.parse("2025-06-02T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String ALICE = "alice@customer.example";

    static DemoPki pki;
    static DemoPki otherPki;
    static RecipientCertificateValidator validator;

    @TempDir Path dir;

    @BeforeAll
    static void setUp() {
        CryptoProviders.install();
        pki = new DemoPki(CLOCK, "Resolution Test CA");
        otherPki = new DemoPki(CLOCK, "Untrusted CA");
        validator =
                new RecipientCertificateValidator(
                        Set.of(new TrustAnchor(pki.ca().certificate(), null)), CLOCK);
    }

    private static X509Certificate validUntil(Instant notAfter) {
        return pki.certificate(ALICE, KeyKind.RSA)
                .validity(NOW.minus(Duration.ofDays(10)), notAfter)
                .build()
                .certificate();
    }

    private static CertificateSource fixed(String name, Lookup answer) {
        return new CertificateSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Lookup lookup(String address) {
                return answer;
            }
        };
    }

    private RecipientCertificates over(CertificateSource... sources) {
        return new RecipientCertificates(List.of(sources), validator);
    }

    @Test
    void picksTheValidCertificateThatExpiresLast() throws Exception {
        X509Certificate soon = validUntil(NOW.plus(Duration.ofDays(30)));
        X509Certificate last = validUntil(NOW.plus(Duration.ofDays(700)));
        X509Certificate middle = validUntil(NOW.plus(Duration.ofDays(300)));
        // expires even later, but is not valid (untrusted issuer)
        X509Certificate untrustedLater =
                pki.certificate(ALICE, KeyKind.RSA)
                        .issuedBy(otherPki)
                        .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3000)))
                        .build()
                        .certificate();
        X509Certificate expired = validUntil(NOW.minus(Duration.ofDays(1)));
        PkiFiles.writeCertificate(
                dir.resolve(ALICE + ".pem"), soon, untrustedLater, last, expired, middle);

        Resolution r = over(new DirectoryCertificateSource(dir)).resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(last, "directory:" + dir));
    }

    @Test
    void aLaterCertificateThatCannotEncryptIsPassedOver() {
        X509Certificate encrypts = validUntil(NOW.plus(Duration.ofDays(30)));
        X509Certificate signsOnly =
                pki.certificate(ALICE, KeyKind.RSA)
                        .keyUsage(KeyUsage.digitalSignature)
                        .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)))
                        .build()
                        .certificate();
        X509Certificate ecSignsOnly =
                pki.certificate(ALICE, KeyKind.EC)
                        .keyUsage(KeyUsage.digitalSignature)
                        .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(800)))
                        .build()
                        .certificate();
        Resolution r =
                over(fixed("dir", new Lookup.Found(List.of(signsOnly, encrypts, ecSignsOnly))))
                        .resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(encrypts, "dir"));
    }

    /** What lookup, explain and the recipient API show when only unfit certificates exist. */
    @Test
    void unfitCertificatesAreMissingWithTheirReasons() {
        X509Certificate ca =
                pki.certificate(ALICE, KeyKind.RSA).certificateAuthority().build().certificate();
        X509Certificate sha1 =
                pki.certificate(ALICE, KeyKind.RSA)
                        .signatureAlgorithm("SHA1withRSA")
                        .build()
                        .certificate();
        Resolution r = over(fixed("dir", new Lookup.Found(List.of(ca, sha1)))).resolve(ALICE);
        assertThat(r).isInstanceOf(Resolution.Missing.class);
        assertThat(((Resolution.Missing) r).reason())
                .contains("a CA certificate (basicConstraints CA:TRUE)")
                .contains("signed with SHA1withRSA");
    }

    @Test
    void revocationIsAskedForTheLatestCandidateFirstAndARevokedOneIsPassedOver() throws Exception {
        try (RevocationServer responder = new RevocationServer(CLOCK, pki.ca())) {
            X509Certificate earlier = validUntil(NOW.plus(Duration.ofDays(30)), responder);
            X509Certificate latest = validUntil(NOW.plus(Duration.ofDays(700)), responder);
            responder.revoke(latest);
            CertificateSource both = fixed("dir", new Lookup.Found(List.of(earlier, latest)));
            RecipientCertificates certs = revocationChecked(Revocation.HARD_FAIL, both, () -> {});
            assertThat(certs.resolve(ALICE)).isEqualTo(new Resolution.Usable(earlier, "dir"));
            assertThat(responder.ocspRequests()).isEqualTo(2);

            responder.revoke(earlier);
            assertThat(certs.resolve(ALICE))
                    .as("both answers kept")
                    .isEqualTo(new Resolution.Usable(earlier, "dir"));
            assertThat(responder.ocspRequests()).isEqualTo(2);
            Resolution none =
                    revocationChecked(Revocation.HARD_FAIL, both, () -> {}).resolve(ALICE);
            assertThat(none).isInstanceOf(Resolution.Missing.class);
            assertThat(((Resolution.Missing) none).reason())
                    .contains(
                            "certificate serial "
                                    + latest.getSerialNumber().toString(16)
                                    + " revoked on ")
                    .contains(
                            "certificate serial "
                                    + earlier.getSerialNumber().toString(16)
                                    + " revoked on ");
        }
    }

    @Test
    void noRevocationAnswerIsUnavailableUnderHardFailAndUsableWarnedAndCountedUnderSoftFail()
            throws Exception {
        try (RevocationServer responder = new RevocationServer(CLOCK, pki.ca())) {
            X509Certificate c = validUntil(NOW.plus(Duration.ofDays(30)), responder);
            CertificateSource source = fixed("dir", new Lookup.Found(List.of(c)));
            responder.ocspDown(true);
            Resolution r = revocationChecked(Revocation.HARD_FAIL, source, () -> {}).resolve(ALICE);
            assertThat(r).isInstanceOf(Resolution.Unavailable.class);
            assertThat(((Resolution.Unavailable) r).reason())
                    .startsWith(
                            "revocation status unknown for certificate "
                                    + "serial "
                                    + c.getSerialNumber().toString(16)
                                    + ": OCSP "
                                    + responder.ocspUrl());

            AtomicInteger unknown = new AtomicInteger();
            ListAppender<ILoggingEvent> logs = new ListAppender<>();
            logs.start();
            Logger log = (Logger) LoggerFactory.getLogger(RecipientCertificates.class);
            log.addAppender(logs);
            try {
                assertThat(
                                revocationChecked(
                                                Revocation.SOFT_FAIL,
                                                source,
                                                unknown::incrementAndGet)
                                        .resolve(ALICE))
                        .isEqualTo(new Resolution.Usable(c, "dir"));
            } finally {
                log.detachAppender(logs);
            }
            assertThat(unknown).hasValue(1);
            assertThat(logs.list)
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                                assertThat(e.getFormattedMessage())
                                        .contains("soft-fail")
                                        .contains("HTTP 503");
                            });
        }
    }

    @Test
    void revokedIsUnusableUnderSoftFailToo() throws Exception {
        try (RevocationServer responder = new RevocationServer(CLOCK, pki.ca())) {
            X509Certificate c = validUntil(NOW.plus(Duration.ofDays(30)), responder);
            responder.revoke(c);
            assertThat(
                            revocationChecked(
                                            Revocation.SOFT_FAIL,
                                            fixed("dir", new Lookup.Found(List.of(c))),
                                            () -> {})
                                    .resolve(ALICE))
                    .isInstanceOf(Resolution.Missing.class);
        }
    }

    private static X509Certificate validUntil(Instant notAfter, RevocationServer responder) {
        return pki.certificate(ALICE, KeyKind.RSA)
                .validity(NOW.minus(Duration.ofDays(10)), notAfter)
                .ocspUrl(responder.ocspUrl().toString())
                .build()
                .certificate();
    }

    private RecipientCertificates revocationChecked(
            Revocation mode, CertificateSource source, Runnable unknown) {
        return new RecipientCertificates(
                List.of(source),
                validator,
                new RevocationChecker(mode, Duration.ofSeconds(2), CLOCK),
                unknown);
    }

    @Test
    void missingWithEveryReasonWhenAllAreInvalid() throws Exception {
        X509Certificate expired = validUntil(NOW.minus(Duration.ofDays(1)));
        X509Certificate untrusted =
                pki.certificate(ALICE, KeyKind.EC).issuedBy(otherPki).build().certificate();
        X509Certificate otherAddress =
                pki.customer("bob@customer.example", KeyKind.RSA).certificate();
        PkiFiles.writeCertificate(dir.resolve(ALICE + ".pem"), expired, untrusted, otherAddress);

        Resolution r = over(new DirectoryCertificateSource(dir)).resolve(ALICE);
        assertThat(r).isInstanceOf(Resolution.Missing.class);
        String reason = ((Resolution.Missing) r).reason();
        assertThat(reason)
                .contains(
                        "certificate serial "
                                + expired.getSerialNumber().toString(16)
                                + " expired on ")
                .contains(
                        "certificate serial "
                                + untrusted.getSerialNumber().toString(16)
                                + " not issued by a trusted CA")
                .contains(
                        "certificate serial "
                                + otherAddress.getSerialNumber().toString(16)
                                + " no subjectAltName rfc822Name matching "
                                + ALICE);
    }

    @Test
    void missingWhenNoSourceHasACertificate() {
        assertThat(over(new DirectoryCertificateSource(dir)).resolve(ALICE))
                .isEqualTo(new Resolution.Missing("no certificate found"));
    }

    @Test
    void unavailableNotMissingWhenFirstSourceIsDownAndNoneHasAUsableCertificate() throws Exception {
        Path second = Files.createDirectory(dir.resolve("second"));
        PkiFiles.writeCertificate(
                second.resolve(ALICE + ".pem"), validUntil(NOW.minus(Duration.ofDays(1))));
        Path down = dir.resolve("not-mounted");

        Resolution r =
                over(new DirectoryCertificateSource(down), new DirectoryCertificateSource(second))
                        .resolve(ALICE);
        assertThat(r).isInstanceOf(Resolution.Unavailable.class);
        assertThat(((Resolution.Unavailable) r).reason()).startsWith("directory:" + down + ": ");
    }

    @Test
    void unavailableWhenFirstSourceIsDownAndSecondHasNothing() {
        Resolution r =
                over(
                                fixed("ldap", new Lookup.Unavailable("connection refused")),
                                fixed("dir", new Lookup.NotFound()))
                        .resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Unavailable("ldap: connection refused"));
    }

    @Test
    void laterSourceWithAUsableCertificateWinsOverAnOutage() {
        X509Certificate good = validUntil(NOW.plus(Duration.ofDays(100)));
        Resolution r =
                over(
                                fixed("ldap", new Lookup.Unavailable("timeout")),
                                fixed("dir", new Lookup.Found(List.of(good))))
                        .resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(good, "dir"));
    }

    @Test
    void firstSourceWithAUsableCertificateWins() {
        X509Certificate first = validUntil(NOW.plus(Duration.ofDays(10)));
        X509Certificate second = validUntil(NOW.plus(Duration.ofDays(900)));
        Resolution r =
                over(
                                fixed("a", new Lookup.Found(List.of(first))),
                                fixed("b", new Lookup.Found(List.of(second))))
                        .resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(first, "a"));
    }

    @Test
    void invalidCertificatesInFirstSourceFallThroughToTheNext() {
        X509Certificate expired = validUntil(NOW.minus(Duration.ofDays(1)));
        X509Certificate good = validUntil(NOW.plus(Duration.ofDays(10)));
        Resolution r =
                over(
                                fixed("a", new Lookup.Found(List.of(expired))),
                                fixed("b", new Lookup.Found(List.of(good))))
                        .resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(good, "b"));
    }

    @Test
    void garbageFileMakesTheResolutionUnavailable() throws Exception {
        Path garbage = Files.writeString(dir.resolve(ALICE + ".pem"), "garbage");
        Resolution r = over(new DirectoryCertificateSource(dir)).resolve(ALICE);
        assertThat(r).isInstanceOf(Resolution.Unavailable.class);
        assertThat(((Resolution.Unavailable) r).reason()).contains(garbage.toString());
    }
}

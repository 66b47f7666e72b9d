package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.crypto.CryptoProviders;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.PkiFiles;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipientCertificatesTest {
    static final Instant NOW = Instant.parse("2025-06-02T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String ALICE = "alice@customer.example";

    static DemoPki pki;
    static DemoPki otherPki;
    static RecipientCertificateValidator validator;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        CryptoProviders.install();
        pki = new DemoPki(CLOCK, "Resolution Test CA");
        otherPki = new DemoPki(CLOCK, "Untrusted CA");
        validator = new RecipientCertificateValidator(Set.of(new TrustAnchor(pki.ca().certificate(), null)), CLOCK);
    }

    private static X509Certificate validUntil(Instant notAfter) {
        return pki.certificate(ALICE, KeyKind.RSA).validity(NOW.minus(Duration.ofDays(10)), notAfter).build()
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
        X509Certificate untrustedLater = pki.certificate(ALICE, KeyKind.RSA).issuedBy(otherPki)
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3000))).build().certificate();
        X509Certificate expired = validUntil(NOW.minus(Duration.ofDays(1)));
        PkiFiles.writeCertificate(dir.resolve(ALICE + ".pem"), soon, untrustedLater, last, expired, middle);

        Resolution r = over(new DirectoryCertificateSource(dir)).resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(last, "directory:" + dir));
    }

    @Test
    void missingWithEveryReasonWhenAllAreInvalid() throws Exception {
        X509Certificate expired = validUntil(NOW.minus(Duration.ofDays(1)));
        X509Certificate untrusted = pki.certificate(ALICE, KeyKind.EC).issuedBy(otherPki).build().certificate();
        X509Certificate otherAddress = pki.customer("bob@customer.example", KeyKind.RSA).certificate();
        PkiFiles.writeCertificate(dir.resolve(ALICE + ".pem"), expired, untrusted, otherAddress);

        Resolution r = over(new DirectoryCertificateSource(dir)).resolve(ALICE);
        assertThat(r).isInstanceOf(Resolution.Missing.class);
        String reason = ((Resolution.Missing) r).reason();
        assertThat(reason)
                .contains("certificate serial " + expired.getSerialNumber().toString(16) + " expired on ")
                .contains("certificate serial " + untrusted.getSerialNumber().toString(16)
                        + " not issued by a trusted CA")
                .contains("certificate serial " + otherAddress.getSerialNumber().toString(16)
                        + " no subjectAltName rfc822Name matching " + ALICE);
    }

    @Test
    void missingWhenNoSourceHasACertificate() {
        assertThat(over(new DirectoryCertificateSource(dir)).resolve(ALICE))
                .isEqualTo(new Resolution.Missing("no certificate found"));
    }

    @Test
    void unavailableNotMissingWhenFirstSourceIsDownAndNoneHasAUsableCertificate() throws Exception {
        Path second = Files.createDirectory(dir.resolve("second"));
        PkiFiles.writeCertificate(second.resolve(ALICE + ".pem"), validUntil(NOW.minus(Duration.ofDays(1))));
        Path down = dir.resolve("not-mounted");

        Resolution r = over(new DirectoryCertificateSource(down), new DirectoryCertificateSource(second))
                .resolve(ALICE);
        assertThat(r).isInstanceOf(Resolution.Unavailable.class);
        assertThat(((Resolution.Unavailable) r).reason()).startsWith("directory:" + down + ": ");
    }

    @Test
    void unavailableWhenFirstSourceIsDownAndSecondHasNothing() {
        Resolution r = over(fixed("ldap", new Lookup.Unavailable("connection refused")),
                fixed("dir", new Lookup.NotFound())).resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Unavailable("ldap: connection refused"));
    }

    @Test
    void laterSourceWithAUsableCertificateWinsOverAnOutage() {
        X509Certificate good = validUntil(NOW.plus(Duration.ofDays(100)));
        Resolution r = over(fixed("ldap", new Lookup.Unavailable("timeout")),
                fixed("dir", new Lookup.Found(List.of(good)))).resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(good, "dir"));
    }

    @Test
    void firstSourceWithAUsableCertificateWins() {
        X509Certificate first = validUntil(NOW.plus(Duration.ofDays(10)));
        X509Certificate second = validUntil(NOW.plus(Duration.ofDays(900)));
        Resolution r = over(fixed("a", new Lookup.Found(List.of(first))), fixed("b", new Lookup.Found(List.of(second))))
                .resolve(ALICE);
        assertThat(r).isEqualTo(new Resolution.Usable(first, "a"));
    }

    @Test
    void invalidCertificatesInFirstSourceFallThroughToTheNext() {
        X509Certificate expired = validUntil(NOW.minus(Duration.ofDays(1)));
        X509Certificate good = validUntil(NOW.plus(Duration.ofDays(10)));
        Resolution r = over(fixed("a", new Lookup.Found(List.of(expired))), fixed("b", new Lookup.Found(List.of(good))))
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

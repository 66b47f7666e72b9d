package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.SignedDns;
import io.mailseal.testing.SignedDns.Zone;
import io.mailseal.testing.TestResolvers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMIMEA (RFC 8162) as a certificate source, against BIND 9 serving signed and unsigned zones on
 * loopback: a DANE-EE certificate in a secure zone is used without a CA, a PKIX-EE one only with
 * one, the same record in an unsigned zone is not, a record whose signature does not verify makes
 * the lookup unavailable (temporary), and a hash-only record is explained.
 */
class SmimeaCertificateSourceIT {
    @TempDir static Path dir;
    static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "Provider CA");
    static final DemoPki OTHER = new DemoPki(Clock.systemUTC(), "Unrelated CA");
    static final X509Certificate ALICE =
            PKI.customer("alice@secure.test", KeyKind.RSA).certificate();
    static final X509Certificate CAROL =
            PKI.customer("Carol@secure.test", KeyKind.EC).certificate();
    static final X509Certificate DAVE =
            OTHER.customer("dave@secure.test", KeyKind.RSA).certificate();
    static SignedDns named;
    static SmimeaCertificateSource source;

    /** {@code name}'s SMIMEA record relative to its zone: usage, selector, matching, data. */
    static String smimea(String local, int usage, int selector, int matching, byte[] data) {
        String owner = SmimeaCertificateSource.ownerName(local + "@x.test");
        return owner.substring(0, owner.indexOf(".x.test."))
                + " SMIMEA "
                + usage
                + " "
                + selector
                + " "
                + matching
                + " "
                + HexFormat.of().formatHex(data);
    }

    @BeforeAll
    static void start() throws Exception {
        byte[] alice = ALICE.getEncoded();
        byte[] bobHash = MessageDigest.getInstance("SHA-256").digest(alice);
        named =
                SignedDns.start(
                        dir.resolve("named"),
                        Zone.signed(
                                "secure.test",
                                smimea("alice", 3, 0, 0, alice),
                                smimea("bob", 3, 0, 1, bobHash),
                                smimea("Carol", 1, 0, 0, CAROL.getEncoded()),
                                smimea("dave", 1, 0, 0, DAVE.getEncoded()),
                                smimea("erin", 2, 0, 0, PKI.ca().certificate().getEncoded())),
                        Zone.unsigned("plain.test", smimea("alice", 3, 0, 0, alice)),
                        Zone.broken(
                                "broken.test",
                                HexFormat.of().formatHex(alice).substring(400, 440).toUpperCase(),
                                "00".repeat(20),
                                smimea("alice", 3, 0, 0, alice)));
        source =
                new SmimeaCertificateSource(TestResolvers.over(named.port(), named.trustAnchors()));
    }

    @AfterAll
    static void stop() {
        if (named != null) {
            named.close();
        }
    }

    private static RecipientCertificates resolver() {
        return new RecipientCertificates(
                List.of(source),
                new RecipientCertificateValidator(
                        Set.of(new TrustAnchor(PKI.ca().certificate(), null)), Clock.systemUTC()),
                new RevocationChecker(Revocation.OFF, Duration.ofSeconds(1), Clock.systemUTC()),
                () -> {});
    }

    @Test
    void theOwnerNameIsTheSha256OfTheLocalPartAsSha256sumComputesIt() throws Exception {
        String sum =
                ExternalTool.ok(dir, "sh", "-c", "printf %s 'Alice.Smith' | sha256sum")
                        .substring(0, 56);
        assertThat(SmimeaCertificateSource.ownerName("Alice.Smith@Bank.Test"))
                .isEqualTo(sum + "._smimecert.Bank.Test.");
        assertThat(SmimeaCertificateSource.ownerName("alice.smith@bank.test"))
                .as("the local part is hashed as sent, without case folding")
                .doesNotStartWith(sum);
    }

    @Test
    void aDaneEeCertificateInASecureZoneIsUsedWithoutACaAndSaysWhereItCameFrom() {
        Resolution r =
                new RecipientCertificates(
                                List.of(source),
                                new RecipientCertificateValidator(Set.of(), Clock.systemUTC()),
                                new RevocationChecker(
                                        Revocation.HARD_FAIL,
                                        Duration.ofSeconds(1),
                                        Clock.systemUTC()),
                                () -> {})
                        .resolve("alice@secure.test");
        assertThat(r)
                .isEqualTo(
                        new Resolution.Usable(
                                ALICE,
                                "SMIMEA, DNSSEC secure (DANE-EE)",
                                Optional.of(Duration.ofSeconds(300))));
    }

    @Test
    void aPkixEeCertificateMustChainToTheConfiguredCas() {
        assertThat(resolver().resolve("Carol@secure.test"))
                .isEqualTo(
                        new Resolution.Usable(
                                CAROL,
                                "SMIMEA, DNSSEC secure (PKIX-EE)",
                                Optional.of(Duration.ofSeconds(300))));
        assertThat(resolver().resolve("dave@secure.test"))
                .isInstanceOfSatisfying(
                        Resolution.Missing.class,
                        m -> assertThat(m.reason()).contains("not issued by a trusted CA"));
    }

    @Test
    void theSameRecordInAnUnsignedZoneIsNotUsed() {
        assertThat(resolver().resolve("alice@plain.test"))
                .isEqualTo(
                        new Resolution.Missing(
                                "SMIMEA "
                                        + SmimeaCertificateSource.ownerName("alice@plain.test")
                                        + " is DNSSEC insecure: not used (anyone on the path could"
                                        + " have written it)"));
    }

    @Test
    void aRecordWhoseSignatureDoesNotVerifyMakesTheLookupUnavailable() {
        assertThat(resolver().resolve("alice@broken.test"))
                .isInstanceOfSatisfying(
                        Resolution.Unavailable.class,
                        u ->
                                assertThat(u.reason())
                                        .startsWith(
                                                "smimea: SMIMEA "
                                                        + SmimeaCertificateSource.ownerName(
                                                                "alice@broken.test")
                                                        + ": DNSSEC validation failed ("));
    }

    @Test
    void recordsThatHoldNoCertificateAreExplained() {
        assertThat(resolver().resolve("bob@secure.test"))
                .isEqualTo(
                        new Resolution.Missing(
                                "SMIMEA "
                                        + SmimeaCertificateSource.ownerName("bob@secure.test")
                                        + ": record (DANE-EE 0 1) holds only a hash of the"
                                        + " certificate: it can check one, not supply one"));
        assertThat(resolver().resolve("erin@secure.test"))
                .isInstanceOfSatisfying(
                        Resolution.Missing.class,
                        m ->
                                assertThat(m.reason())
                                        .endsWith(
                                                "record (DANE-TA 0 0) names a CA, not the"
                                                        + " customer's own certificate"));
    }

    @Test
    void noRecordIsNotFound() {
        assertThat(source.lookup("nobody@secure.test")).isEqualTo(new Lookup.NotFound());
    }
}

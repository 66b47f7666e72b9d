package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.crypto.CryptoProviders;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.testing.MutableClock;
import io.mailseal.testing.RevocationServer;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whether a customer's signing certificate is believed: path, usage, From address, revocation. */
class SignerTrustTest {
    static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    static final String ALICE = "alice@customer.example";
    static final MutableClock clock = new MutableClock(NOW);
    static DemoPki pki;
    static DemoPki otherCa;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(clock, "signer CA");
        otherCa = new DemoPki(clock, "unknown CA");
    }

    private static SignerTrust trust(Revocation mode) {
        return new SignerTrust(
                Set.of(new TrustAnchor(pki.ca().certificate(), null)),
                new RevocationChecker(mode, Duration.ofSeconds(2), clock),
                clock);
    }

    private static SignerTrust.Judgement judge(X509Certificate c, String from) {
        return trust(Revocation.OFF).judge(c, List.of(), from);
    }

    @Test
    void aCustomerOfTheTrustedCaSigningAsHerselfIsTrusted() {
        X509Certificate alice = pki.customer(ALICE, KeyKind.EC).certificate();
        assertThat(judge(alice, ALICE)).isInstanceOf(SignerTrust.Trusted.class);
        assertThat(judge(alice, "alice@CUSTOMER.example")).isInstanceOf(SignerTrust.Trusted.class);
    }

    @Test
    void anotherCaIsNotTrustedAndSaysWhy() {
        X509Certificate alice = otherCa.customer(ALICE, KeyKind.RSA).certificate();
        assertThat(reason(judge(alice, ALICE))).startsWith("signer not issued by a trusted CA");
    }

    @Test
    void aCertificateForAnotherAddressIsNotTheFromAddress() {
        X509Certificate alice = pki.customer(ALICE, KeyKind.RSA).certificate();
        assertThat(reason(judge(alice, "mallory@customer.example")))
                .isEqualTo(
                        "signer certificate is for [alice@customer.example], not the From address"
                                + " <mallory@customer.example>");
    }

    @Test
    void anExpiredOrEncryptionOnlyCertificateIsNotBelieved() {
        X509Certificate expired =
                pki.certificate(ALICE, KeyKind.RSA)
                        .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1)))
                        .build()
                        .certificate();
        assertThat(reason(judge(expired, ALICE))).startsWith("signer certificate expired on");
        X509Certificate encryptOnly =
                pki.certificate(ALICE, KeyKind.RSA)
                        .keyUsage(KeyUsage.keyEncipherment)
                        .build()
                        .certificate();
        assertThat(reason(judge(encryptOnly, ALICE))).contains("lacks digitalSignature");
    }

    @Test
    void noRevocationAnswerIsUndeterminedUnderHardFailAndBelievedUnderSoftFail() {
        X509Certificate alice = pki.customer(ALICE, KeyKind.RSA).certificate();
        assertThat(trust(Revocation.HARD_FAIL).judge(alice, List.of(), ALICE))
                .isInstanceOf(SignerTrust.Undetermined.class);
        assertThat(trust(Revocation.SOFT_FAIL).judge(alice, List.of(), ALICE))
                .isInstanceOf(SignerTrust.Trusted.class);
    }

    @Test
    void aRevokedCertificateIsNotBelieved() throws Exception {
        try (RevocationServer server = new RevocationServer(clock, pki.ca())) {
            X509Certificate alice =
                    pki.certificate(ALICE, KeyKind.RSA)
                            .ocspUrl(server.ocspUrl().toString())
                            .build()
                            .certificate();
            assertThat(trust(Revocation.HARD_FAIL).judge(alice, List.of(), ALICE))
                    .isInstanceOf(SignerTrust.Trusted.class);
            server.revoke(alice);
            assertThat(reason(trust(Revocation.HARD_FAIL).judge(alice, List.of(), ALICE)))
                    .startsWith("signer certificate revoked");
        }
    }

    private static String reason(SignerTrust.Judgement j) {
        assertThat(j).isInstanceOf(SignerTrust.Untrusted.class);
        return ((SignerTrust.Untrusted) j).reason();
    }
}

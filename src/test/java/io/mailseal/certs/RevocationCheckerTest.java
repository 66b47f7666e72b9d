package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.crypto.CryptoProviders;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.testing.MutableClock;
import io.mailseal.testing.RevocationServer;
import io.mailseal.testing.RevocationServer.Nonce;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OCSP and CRL answers from a BouncyCastle responder on loopback (testing/RevocationServer) and
 * what the checker makes of them; what each mode then does is RecipientCertificatesTest's.
 */
class RevocationCheckerTest {
    static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    static final String ALICE = "alice@customer.example";
    static DemoPki pki;
    static DemoPki impostor;
    static DemoPki otherCa;

    final MutableClock clock = new MutableClock(NOW);
    RevocationServer server;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(new MutableClock(NOW), "revocation CA");
        // same name as the real CA, different key: signatures must not verify
        impostor = new DemoPki(new MutableClock(NOW), "revocation CA");
        otherCa = new DemoPki(new MutableClock(NOW), "another CA");
    }

    @BeforeEach
    void start() throws Exception {
        server = new RevocationServer(clock, pki.ca());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RevocationChecker checker() {
        return new RevocationChecker(Revocation.HARD_FAIL, Duration.ofSeconds(2), clock);
    }

    private RevocationStatus check(X509Certificate c) {
        return checker().check(c, pki.ca().certificate());
    }

    private X509Certificate withOcsp() {
        return pki.certificate(ALICE, KeyKind.RSA)
                .ocspUrl(server.ocspUrl().toString())
                .build()
                .certificate();
    }

    private X509Certificate withCrlOnly() {
        return pki.certificate(ALICE, KeyKind.RSA)
                .crlUrl(server.crlUrl().toString())
                .build()
                .certificate();
    }

    private X509Certificate withBoth() {
        return pki.certificate(ALICE, KeyKind.EC)
                .ocspUrl(server.ocspUrl().toString())
                .crlUrl(server.crlUrl().toString())
                .build()
                .certificate();
    }

    private byte[] crl(DemoPki by, Duration age, X509Certificate... revoked) {
        Map<BigInteger, Instant> entries = new HashMap<>();
        for (X509Certificate c : revoked) {
            entries.put(c.getSerialNumber(), NOW.minus(Duration.ofDays(2)));
        }
        return by.crl(NOW.minus(age), NOW.minus(age).plus(Duration.ofDays(1)), entries);
    }

    private static String why(RevocationStatus s) {
        assertThat(s).isInstanceOf(RevocationStatus.Unknown.class);
        return ((RevocationStatus.Unknown) s).why();
    }

    @Test
    void goodAndRevokedPerOcspSignedByTheIssuingCa() {
        X509Certificate good = withOcsp();
        X509Certificate bad = withOcsp();
        server.revoke(bad);
        assertThat(check(good))
                .isEqualTo(
                        new RevocationStatus.Good(
                                "OCSP " + server.ocspUrl(),
                                Optional.of(NOW.plus(Duration.ofMinutes(5)))));
        assertThat(check(bad))
                .isEqualTo(
                        new RevocationStatus.Revoked(
                                "revoked on "
                                        + NOW.minus(Duration.ofDays(1))
                                        + " (OCSP "
                                        + server.ocspUrl()
                                        + ")"));
    }

    @Test
    void delegatedResponderMustBeCertifiedByTheIssuerForOcspSigning() {
        server.signedBy(pki.ocspResponder("revocation CA OCSP responder"));
        assertThat(check(withOcsp())).isInstanceOf(RevocationStatus.Good.class);

        server.signedBy(
                pki.certificate(null, KeyKind.RSA)
                        .commonName("no OCSP EKU")
                        .keyUsage(KeyUsage.digitalSignature)
                        .eku(KeyPurposeId.id_kp_serverAuth)
                        .build());
        assertThat(why(check(withOcsp()))).contains("lacks id-kp-OCSPSigning");

        server.signedBy(impostor.ocspResponder("elsewhere"));
        assertThat(why(check(withOcsp()))).contains("not signed by the issuer's key");

        server.signedBy(otherCa.ocspResponder("another CA's responder"));
        assertThat(why(check(withOcsp()))).contains("not issued by the certificate's issuer");
    }

    @Test
    void theResponderCertificateIsTheOneTheResponderIdNamesByNameOrByKey() {
        DemoPki.Issued responder = pki.ocspResponder("revocation CA OCSP responder");
        X509Certificate another = pki.ocspResponder("revocation CA second responder").certificate();
        server.signedBy(responder, another);
        assertThat(check(withOcsp()))
                .as("byName, sent after another responder's")
                .isInstanceOf(RevocationStatus.Good.class);
        server.responderIdByKey(true);
        assertThat(check(withOcsp())).as("byKey").isInstanceOf(RevocationStatus.Good.class);
        server.signedBy(pki.ca());
        assertThat(check(withOcsp()))
                .as("byKey: the issuer itself")
                .isInstanceOf(RevocationStatus.Good.class);
    }

    @Test
    void aResponseWhoseResponderIdNamesNoCertificateItCarriesIsNoAnswer() {
        DemoPki.Issued responder = pki.ocspResponder("revocation CA OCSP responder");
        server.signedBy(
                responder, pki.ocspResponder("revocation CA second responder").certificate());
        server.withoutSignerCertificate();
        assertThat(why(check(withOcsp()))).contains("ResponderID");
    }

    @Test
    void responseSignedWithAnotherKeyIsNoAnswer() {
        server.signedBy(impostor.ca());
        assertThat(why(check(withOcsp()))).contains("response signature does not verify");
    }

    @Test
    void freshnessAllowsSmallClockSkewOnly() {
        server.timing(Duration.ofMinutes(8), Duration.ofMinutes(5));
        assertThat(check(withOcsp()))
                .as("nextUpdate 3 min ago")
                .isInstanceOf(RevocationStatus.Good.class);
        server.timing(Duration.ofMinutes(20), Duration.ofMinutes(5));
        assertThat(why(check(withOcsp()))).contains("stale response (nextUpdate");
        server.timing(Duration.ofMinutes(-10), Duration.ofMinutes(5));
        assertThat(why(check(withOcsp()))).contains("response from the future");
        server.timing(Duration.ofHours(2), null);
        assertThat(why(check(withOcsp()))).contains("no nextUpdate and thisUpdate");
    }

    @Test
    void echoedNonceMustMatchAndAMissingOneIsAccepted() {
        server.nonce(Nonce.WRONG);
        assertThat(why(check(withOcsp()))).contains("nonce does not match");
        server.nonce(Nonce.OMIT);
        assertThat(check(withOcsp())).isInstanceOf(RevocationStatus.Good.class);
    }

    @Test
    void aGoodOcspAnswerIsKeptUntilItsNextUpdate() {
        RevocationChecker checker = checker();
        X509Certificate c = withOcsp();
        checker.check(c, pki.ca().certificate());
        clock.advance(Duration.ofMinutes(4));
        assertThat(checker.check(c, pki.ca().certificate()))
                .isInstanceOf(RevocationStatus.Good.class);
        assertThat(server.ocspRequests()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));
        server.revoke(c);
        assertThat(checker.check(c, pki.ca().certificate()))
                .isInstanceOf(RevocationStatus.Revoked.class);
        assertThat(server.ocspRequests()).isEqualTo(2);
    }

    @Test
    void aRevokedAnswerIsKeptPastItsNextUpdateAndThroughAResponderOutage() {
        RevocationChecker checker = checker();
        X509Certificate c = withOcsp();
        server.revoke(c);
        assertThat(checker.check(c, pki.ca().certificate()))
                .isInstanceOf(RevocationStatus.Revoked.class);
        clock.advance(Duration.ofMinutes(30));
        server.ocspDown(true);
        assertThat(checker.check(c, pki.ca().certificate()))
                .as("not Unknown: a 550, not a 451")
                .isInstanceOf(RevocationStatus.Revoked.class);
        assertThat(server.ocspRequests()).isEqualTo(1);
    }

    @Test
    void crlIsAskedWhenOcspCannotAnswer() {
        X509Certificate good = withBoth();
        X509Certificate bad = withBoth();
        server.ocspDown(true);
        server.crl(crl(pki, Duration.ofHours(1), bad));
        RevocationChecker checker = checker();
        assertThat(checker.check(good, pki.ca().certificate()))
                .isEqualTo(
                        new RevocationStatus.Good(
                                "CRL " + server.crlUrl(),
                                Optional.of(
                                        NOW.minus(Duration.ofHours(1)).plus(Duration.ofDays(1)))));
        assertThat(((RevocationStatus.Revoked) checker.check(bad, pki.ca().certificate())).how())
                .contains("(CRL " + server.crlUrl() + ")");
        assertThat(server.crlRequests()).as("one CRL download serves both").isEqualTo(1);

        server.ocspDown(false);
        X509Certificate unknownToResponder = withBoth();
        server.unknown(unknownToResponder);
        assertThat(checker.check(unknownToResponder, pki.ca().certificate()))
                .isInstanceOf(RevocationStatus.Good.class);
    }

    @Test
    void crlOnlyCertificateIsJudgedByItsCrl() {
        X509Certificate bad = withCrlOnly();
        server.crl(crl(pki, Duration.ofHours(1), bad));
        assertThat(check(bad)).isInstanceOf(RevocationStatus.Revoked.class);
        assertThat(server.ocspRequests()).isZero();
    }

    @Test
    void crlMustBeSignedByTheIssuerAndCurrent() {
        server.crl(crl(impostor, Duration.ofHours(1)));
        assertThat(why(check(withCrlOnly()))).contains("signature does not verify");
        server.crl(crl(pki, Duration.ofDays(2)));
        assertThat(why(check(withCrlOnly()))).contains("stale (nextUpdate");
    }

    @Test
    void aDeltaCrlOrOneWithACriticalExtensionNotUnderstoodIsNoAnswer() throws Exception {
        X509Certificate revokedInTheBase = withCrlOnly();
        server.crl(crlWith(Extension.deltaCRLIndicator, new CRLNumber(BigInteger.ONE)));
        assertThat(why(check(revokedInTheBase)))
                .as("it lists only what changed since its base")
                .contains("a delta CRL");
        server.crl(crlWith(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), DERNull.INSTANCE));
        assertThat(why(check(revokedInTheBase)))
                .contains("critical extension 1.3.6.1.4.1.99999.1 not understood");
    }

    /** A CRL of the real CA that lists nothing and carries {@code oid}, critical. */
    private static byte[] crlWith(ASN1ObjectIdentifier oid, ASN1Encodable value) throws Exception {
        X509v2CRLBuilder b =
                new JcaX509v2CRLBuilder(
                        pki.ca().certificate().getSubjectX500Principal(),
                        Date.from(NOW.minus(Duration.ofHours(1))));
        b.setNextUpdate(Date.from(NOW.plus(Duration.ofHours(23))));
        b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.TWO));
        b.addExtension(oid, true, value);
        return b.build(DemoPki.signer(pki.ca().key())).getEncoded();
    }

    @Test
    void noAnswerIsUnknownWithEveryReason() {
        server.ocspDown(true);
        assertThat(why(check(withBoth())))
                .isEqualTo(
                        "OCSP "
                                + server.ocspUrl()
                                + " answered HTTP 503; CRL "
                                + server.crlUrl()
                                + ": HTTP 503");
        assertThat(why(check(pki.customer(ALICE, KeyKind.RSA).certificate())))
                .isEqualTo("the certificate names no OCSP responder and no CRL");
    }

    @Test
    void offAsksNoOne() {
        X509Certificate bad = withBoth();
        server.revoke(bad);
        assertThat(
                        new RevocationChecker(Revocation.OFF, Duration.ofSeconds(2), clock)
                                .check(bad, pki.ca().certificate()))
                .isInstanceOf(RevocationStatus.Good.class);
        assertThat(server.ocspRequests() + server.crlRequests()).isZero();
    }
}

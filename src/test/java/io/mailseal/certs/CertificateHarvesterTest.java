package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.crypto.CryptoProviders;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.testing.SignedCustomerMail;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateHarvesterTest {
    static final String ALICE = "alice@customer.example";
    final DemoPki pki = new DemoPki(Clock.systemUTC(), "harvest test CA");
    final DemoPki.Issued alice = pki.customer(ALICE, KeyKind.RSA);
    final X509Certificate ca = pki.ca().certificate();
    final CertificateHarvester harvester = new CertificateHarvester();

    @BeforeAll
    static void providers() {
        CryptoProviders.install();
    }

    private Harvest one(byte[] data) throws Exception {
        List<Harvest> h = harvester.harvest(data, "test.eml");
        assertThat(h).hasSize(1);
        return h.get(0);
    }

    private String refusal(byte[] data) {
        return assertThatThrownBy(() -> harvester.harvest(data, "test.eml"))
                .isInstanceOf(CertificateHarvester.Refused.class)
                .actual()
                .getMessage();
    }

    @Test
    void clearSignedAndOpaqueSignedMailGiveTheSignersCertificateChainAndCapabilities()
            throws Exception {
        for (SignedCustomerMail mail :
                List.of(
                        new SignedCustomerMail("Alice@Customer.Example", alice).including(ca),
                        new SignedCustomerMail(ALICE, alice).including(ca).opaque())) {
            Harvest h = one(mail.eml());
            assertThat(h.address()).isEqualTo(ALICE);
            assertThat(h.certificates()).containsExactly(alice.certificate(), ca);
            assertThat(h.capabilities())
                    .hasValueSatisfying(
                            c -> {
                                assertThat(c.algorithms())
                                        .containsExactly(
                                                "2.16.840.1.101.3.4.1.46",
                                                "2.16.840.1.101.3.4.1.42",
                                                "1.2.840.113549.1.1.7");
                                assertThat(c.readsAesGcm()).isTrue();
                                assertThat(c.readsRsaOaep()).isTrue();
                                assertThat(c.describe())
                                        .isEqualTo("AES-256-GCM, AES-256-CBC, RSAES-OAEP");
                            });
        }
    }

    @Test
    void theEncryptionKeyPreferenceComesFirst() throws Exception {
        DemoPki.Issued signing =
                pki.certificate(ALICE, KeyKind.EC).keyUsage(KeyUsage.digitalSignature).build();
        X509Certificate encryption = alice.certificate();
        Harvest h =
                one(
                        new SignedCustomerMail(ALICE, signing)
                                .including(encryption)
                                .preferringEncryptionTo(encryption)
                                .eml());
        assertThat(h.certificates()).containsExactly(encryption, signing.certificate());
    }

    @Test
    void mailThatProvesNothingIsRefusedWithTheReason() throws Exception {
        assertThat(refusal(new SignedCustomerMail("mallory@evil.example", alice).eml()))
                .isEqualTo(
                        "signer certificate is for [alice@customer.example], not the From: address <mallory@evil.example>");
        String tampered =
                new String(new SignedCustomerMail(ALICE, alice).eml(), StandardCharsets.US_ASCII)
                        .replace("Please encrypt", "Please decrypt");
        assertThat(refusal(tampered.getBytes(StandardCharsets.US_ASCII)))
                .startsWith("signature does not verify");
        assertThat(
                        refusal(
                                "From: a@customer.example\r\nSubject: hi\r\n\r\nhello\r\n"
                                        .getBytes(StandardCharsets.US_ASCII)))
                .startsWith("not signed");
        assertThat(
                        refusal(
                                "Subject: hi\r\nContent-Type: multipart/signed; boundary=x\r\n\r\n--x--\r\n"
                                        .getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("From: must name exactly one address");
    }

    @Test
    void certificateFilesGiveEveryEndEntityCertificateUnderItsAddresses() throws Exception {
        DemoPki.Issued legacy =
                pki.certificate("bob@customer.example", KeyKind.EC).subjectAltName(null).build();
        List<Harvest> h =
                harvester.harvest(
                        HttpCertificateSourceTest.pem(
                                alice.certificate(), ca, legacy.certificate()),
                        "certs.pem");
        assertThat(h).extracting(Harvest::address).containsExactly(ALICE, "bob@customer.example");
        assertThat(h.get(0).certificates()).containsExactly(alice.certificate(), ca);
        assertThat(h.get(0).capabilities()).isEmpty();
        assertThat(one(alice.certificate().getEncoded()).address()).as("DER").isEqualTo(ALICE);
        assertThat(refusal(HttpCertificateSourceTest.pem(ca)))
                .isEqualTo("no end-entity certificate naming a mail address in test.eml");
        assertThat(
                        refusal(
                                "-----BEGIN CERTIFICATE-----\nnonsense\n"
                                        .getBytes(StandardCharsets.US_ASCII)))
                .startsWith("not a certificate file");
    }
}

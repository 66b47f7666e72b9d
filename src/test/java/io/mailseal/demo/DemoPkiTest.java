package io.mailseal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.certs.RecipientCertificateValidator;
import io.mailseal.certs.RecipientCertificateValidator.Invalid;
import io.mailseal.certs.RecipientCertificateValidator.Valid;
import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What DemoPki issues, judged by OpenSSL 3 ({@code openssl verify}) at the same instant as the
 * PKI's clock ({@code -attime}), so the tests do not depend on the wall clock.
 */
class DemoPkiTest {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final DemoPki PKI = new DemoPki(CLOCK, "DemoPki test CA");
    static final String ALICE = "alice@customer.example";

    @TempDir Path dir;
    OpensslCli openssl;

    @BeforeEach
    void writeCa() throws Exception {
        openssl = new OpensslCli(dir);
        PkiFiles.writeCertificate(dir.resolve("ca.pem"), PKI.ca().certificate());
    }

    private OpensslCli.Result verify(Issued issued, String... options) throws Exception {
        PkiFiles.writeCertificate(dir.resolve("leaf.pem"), issued.certificate());
        String[] base = {
            "verify",
            "-x509_strict",
            "-attime",
            Long.toString(NOW.getEpochSecond()),
            "-CAfile",
            "ca.pem"
        };
        String[] all = new String[base.length + options.length + 1];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(options, 0, all, base.length, options.length);
        all[all.length - 1] = "leaf.pem";
        return openssl.run(all);
    }

    @Test
    void rootIsACriticalCaLimitedToCertificateAndCrlSigning() throws Exception {
        String text =
                openssl.ok("x509", "-in", "ca.pem", "-noout", "-ext", "basicConstraints,keyUsage");
        assertThat(text)
                .contains("X509v3 Basic Constraints: critical\n    CA:TRUE")
                .contains("X509v3 Key Usage: critical\n    Certificate Sign, CRL Sign");
        assertThat(openssl.ok("x509", "-in", "ca.pem", "-noout", "-text"))
                .contains("rsaEncryption")
                .contains("Public-Key: (2048 bit)")
                .contains("sha256WithRSAEncryption");
    }

    @Test
    void rsaCustomerIsFitForSmimeEncryption() throws Exception {
        OpensslCli.Result r =
                verify(
                        PKI.customer(ALICE, KeyKind.RSA),
                        "-purpose",
                        "smimeencrypt",
                        "-verify_email",
                        ALICE);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("leaf.pem: OK");
    }

    /**
     * OpenSSL 3.0's {@code -purpose smimeencrypt} demands keyEncipherment whatever the key type,
     * but an EC key must not assert it (RFC 5480 §3; ECDH uses keyAgreement, RFC 8550 §4.4.2). So
     * the chain and EKU are checked with {@code smimesign}, and fitness for encryption by openssl
     * itself encrypting to the certificate and decrypting with the key.
     */
    @Test
    void ecCustomerChainsAndOpensslEncryptsToIt() throws Exception {
        Issued ec = PKI.customer(ALICE, KeyKind.EC);
        OpensslCli.Result r = verify(ec, "-purpose", "smimesign", "-verify_email", ALICE);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(openssl.ok("x509", "-in", "leaf.pem", "-noout", "-text"))
                .contains("ASN1 OID: prime256v1")
                .contains("Digital Signature, Key Agreement")
                .doesNotContain("Key Encipherment");

        PkiFiles.writePrivateKey(dir.resolve("leaf.key"), ec);
        Files.writeString(dir.resolve("code.txt"), "Your code is 424242\r\n");
        openssl.ok(
                "cms",
                "-encrypt",
                "-aes256",
                "-in",
                "code.txt",
                "-out",
                "code.p7m",
                "-outform",
                "DER",
                "leaf.pem");
        openssl.ok(
                "cms",
                "-decrypt",
                "-in",
                "code.p7m",
                "-inform",
                "DER",
                "-recip",
                "leaf.pem",
                "-inkey",
                "leaf.key",
                "-out",
                "back.txt");
        assertThat(dir.resolve("back.txt")).hasContent("Your code is 424242\r\n");
    }

    @ParameterizedTest
    @EnumSource(KeyKind.class)
    void signerIsFitForSmimeSigning(KeyKind kind) throws Exception {
        OpensslCli.Result r =
                verify(
                        PKI.signer("otp@bank.example", kind),
                        "-purpose",
                        "smimesign",
                        "-verify_email",
                        "otp@bank.example");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(
                        openssl.ok(
                                "x509",
                                "-in",
                                "leaf.pem",
                                "-noout",
                                "-ext",
                                "keyUsage,extendedKeyUsage"))
                .contains("Digital Signature, Non Repudiation")
                .contains("E-mail Protection");
    }

    /**
     * Each deliberately bad certificate, how to make it, what openssl says, what the validator
     * says.
     */
    enum Defect {
        EXPIRED(
                c -> c.validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1))),
                "certificate has expired",
                "expired on"),
        NOT_YET_VALID(
                c -> c.validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(400))),
                "certificate is not yet valid",
                "not valid before"),
        UNTRUSTED(
                c -> c.issuedBy(new DemoPki(CLOCK, "someone else's CA")),
                "unable to get local issuer certificate",
                "not issued by a trusted CA"),
        WRONG_SAN(
                c -> c.subjectAltName("mallory@customer.example"),
                "email address mismatch",
                "no subjectAltName rfc822Name matching " + ALICE),
        NO_EMAIL_PROTECTION(
                c -> c.eku(KeyPurposeId.id_kp_serverAuth),
                "unsuitable certificate purpose",
                "extendedKeyUsage lacks emailProtection"),
        NO_KEY_ENCIPHERMENT(
                c -> c.keyUsage(KeyUsage.digitalSignature),
                "unsuitable certificate purpose",
                "keyUsage lacks keyEncipherment");

        final Function<CertificateSpec, CertificateSpec> make;
        final String openssl;
        final String validator;

        Defect(Function<CertificateSpec, CertificateSpec> make, String openssl, String validator) {
            this.make = make;
            this.openssl = openssl;
            this.validator = validator;
        }
    }

    @ParameterizedTest
    @EnumSource(Defect.class)
    void opensslAndTheValidatorRefuseEachDefectiveCertificate(Defect defect) throws Exception {
        Issued bad = defect.make.apply(PKI.certificate(ALICE, KeyKind.RSA)).build();
        OpensslCli.Result r = verify(bad, "-purpose", "smimeencrypt", "-verify_email", ALICE);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains(defect.openssl);

        var validator =
                new RecipientCertificateValidator(
                        Set.of(new TrustAnchor(PKI.ca().certificate(), null)), CLOCK);
        assertThat(validator.validate(bad.certificate(), List.of(), ALICE))
                .isInstanceOfSatisfying(
                        Invalid.class,
                        invalid -> assertThat(invalid.reason()).startsWith(defect.validator));
    }

    @Test
    void theSameBuilderWithoutADefectIsAcceptedByBoth() throws Exception {
        Issued good = PKI.certificate(ALICE, KeyKind.RSA).build();
        assertThat(verify(good, "-purpose", "smimeencrypt", "-verify_email", ALICE).exitCode())
                .isZero();
        var validator =
                new RecipientCertificateValidator(
                        Set.of(new TrustAnchor(PKI.ca().certificate(), null)), CLOCK);
        assertThat(validator.validate(good.certificate(), List.of(), ALICE))
                .isInstanceOf(Valid.class);
    }
}

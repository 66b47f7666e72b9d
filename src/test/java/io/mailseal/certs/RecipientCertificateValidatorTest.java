package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.certs.RecipientCertificateValidator.Invalid;
import io.mailseal.certs.RecipientCertificateValidator.Valid;
import io.mailseal.certs.RecipientCertificateValidator.Validation;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of RFC 8550/5280 that decides whether mail may be encrypted to a certificate.
 */
class RecipientCertificateValidatorTest {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final DemoPki PKI = new DemoPki(CLOCK, "validator CA");
    static final String ALICE = "alice@customer.example";
    final RecipientCertificateValidator validator =
            new RecipientCertificateValidator(
                    Set.of(new TrustAnchor(PKI.ca().certificate(), null)), CLOCK);

    private Validation check(X509Certificate c, String address) {
        return validator.validate(c, List.of(), address);
    }

    private static String reason(Validation v) {
        assertThat(v).isInstanceOf(Invalid.class);
        return ((Invalid) v).reason();
    }

    @Test
    void validRsaAndEcCertificates() {
        assertThat(check(PKI.customer(ALICE, KeyKind.RSA).certificate(), ALICE))
                .isInstanceOf(Valid.class);
        assertThat(check(PKI.customer(ALICE, KeyKind.EC).certificate(), ALICE))
                .isInstanceOf(Valid.class);
    }

    @Test
    void expiredAndNotYetValid() {
        X509Certificate expired =
                PKI.certificate(ALICE, KeyKind.RSA)
                        .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1)))
                        .build()
                        .certificate();
        X509Certificate future =
                PKI.certificate(ALICE, KeyKind.RSA)
                        .validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(400)))
                        .build()
                        .certificate();
        assertThat(reason(check(expired, ALICE))).startsWith("expired on 2026-11-24");
        assertThat(reason(check(future, ALICE))).startsWith("not valid before 2026-11-26");
    }

    @Test
    void untrustedIssuer() {
        DemoPki other = new DemoPki(CLOCK, "someone else");
        assertThat(reason(check(other.customer(ALICE, KeyKind.RSA).certificate(), ALICE)))
                .startsWith("not issued by a trusted CA");
    }

    @Test
    void addressMustMatchSubjectAltName() {
        X509Certificate c = PKI.customer(ALICE, KeyKind.RSA).certificate();
        assertThat(reason(check(c, "mallory@customer.example")))
                .isEqualTo("no subjectAltName rfc822Name matching mallory@customer.example");
        assertThat(check(c, "alice@CUSTOMER.Example"))
                .as("domain is case-insensitive")
                .isInstanceOf(Valid.class);
        assertThat(check(c, "Alice@customer.example"))
                .as("local part is not")
                .isInstanceOf(Invalid.class);
    }

    @Test
    void legacyEmailAddressCountsOnlyWithoutSubjectAltName() {
        X509Certificate legacy =
                PKI.certificate(ALICE, KeyKind.RSA).subjectAltName(null).build().certificate();
        assertThat(check(legacy, ALICE)).isInstanceOf(Valid.class);
        X509Certificate sanElsewhere =
                PKI.certificate(ALICE, KeyKind.RSA)
                        .subjectAltName("other@customer.example")
                        .build()
                        .certificate();
        assertThat(check(sanElsewhere, ALICE)).isInstanceOf(Invalid.class);
    }

    @Test
    void usageMustFitEncryption() {
        X509Certificate serverOnly =
                PKI.certificate(ALICE, KeyKind.RSA)
                        .eku(KeyPurposeId.id_kp_serverAuth)
                        .build()
                        .certificate();
        assertThat(reason(check(serverOnly, ALICE)))
                .isEqualTo("extendedKeyUsage lacks emailProtection");
        X509Certificate noEku = PKI.certificate(ALICE, KeyKind.RSA).eku(null).build().certificate();
        assertThat(check(noEku, ALICE)).as("no EKU extension: any use").isInstanceOf(Valid.class);
        X509Certificate signOnly =
                PKI.certificate(ALICE, KeyKind.RSA)
                        .keyUsage(KeyUsage.digitalSignature)
                        .build()
                        .certificate();
        assertThat(reason(check(signOnly, ALICE))).isEqualTo("keyUsage lacks keyEncipherment");
        X509Certificate ecSignOnly =
                PKI.certificate(ALICE, KeyKind.EC)
                        .keyUsage(KeyUsage.digitalSignature)
                        .build()
                        .certificate();
        assertThat(reason(check(ecSignOnly, ALICE))).isEqualTo("keyUsage lacks keyAgreement");
    }

    private static java.security.KeyPair keyPair(String algorithm, Object parameter)
            throws Exception {
        java.security.KeyPairGenerator g =
                java.security.KeyPairGenerator.getInstance(
                        algorithm, new org.bouncycastle.jce.provider.BouncyCastleProvider());
        if (parameter instanceof Integer bits) {
            g.initialize(bits);
        } else {
            g.initialize(new java.security.spec.ECGenParameterSpec((String) parameter));
        }
        return g.generateKeyPair();
    }

    /** A customer certificate for ALICE with a key made by BouncyCastle (any size or curve). */
    private Validation withKey(String algorithm, Object parameter) throws Exception {
        KeyKind kind = algorithm.equals("EC") ? KeyKind.EC : KeyKind.RSA;
        return check(
                PKI.certificate(ALICE, kind)
                        .keyPair(keyPair(algorithm, parameter))
                        .build()
                        .certificate(),
                ALICE);
    }

    @Test
    void onlyEndEntitiesWithStrongKeysAndSignaturesAreEncryptedTo() throws Exception {
        X509Certificate ca =
                PKI.certificate(ALICE, KeyKind.RSA).certificateAuthority().build().certificate();
        assertThat(reason(check(ca, ALICE)))
                .isEqualTo("a CA certificate (basicConstraints CA:TRUE), not an end entity's");
        assertThat(reason(withKey("RSA", 1024)))
                .isEqualTo("RSA key of 1024 bits (at least 2048 needed)");
        for (String weak : List.of("secp192r1", "secp256k1")) { // secp256k1: 256 bits, not P-256
            assertThat(reason(withKey("EC", weak)))
                    .as(weak)
                    .startsWith("EC key on")
                    .endsWith("(P-256, P-384 or P-521 needed)");
        }
        for (String curve : List.of("secp384r1", "secp521r1")) {
            assertThat(withKey("EC", curve)).as(curve).isInstanceOf(Valid.class);
        }
        assertThat(withKey("RSA", 3072)).isInstanceOf(Valid.class);
    }

    @Test
    void sha1SignedCertificatesOnlyWhenAllowed() {
        X509Certificate sha1 =
                PKI.certificate(ALICE, KeyKind.RSA)
                        .signatureAlgorithm("SHA1withRSA")
                        .build()
                        .certificate();
        assertThat(reason(check(sha1, ALICE)))
                .isEqualTo(
                        "signed with SHA1withRSA (SHA-1; certificates.allow-sha1-signatures is false)");
        RecipientCertificateValidator allowing =
                new RecipientCertificateValidator(
                        Set.of(new TrustAnchor(PKI.ca().certificate(), null)), CLOCK, true);
        assertThat(allowing.validate(sha1, List.of(), ALICE)).isInstanceOf(Valid.class);
    }
}

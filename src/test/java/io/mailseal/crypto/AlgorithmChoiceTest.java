package io.mailseal.crypto;

import static io.mailseal.testing.Capabilities.AES_128_CBC;
import static io.mailseal.testing.Capabilities.AES_256_CBC;
import static io.mailseal.testing.Capabilities.AES_256_GCM;
import static io.mailseal.testing.Capabilities.OAEP_DEFAULTS;
import static io.mailseal.testing.Capabilities.OAEP_SHA256;
import static io.mailseal.testing.Capabilities.OAEP_SHA384;
import static io.mailseal.testing.Capabilities.RSA_PKCS1;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.CryptoConfig;
import io.mailseal.config.CryptoConfig.ContentEncryptionChoice;
import io.mailseal.config.CryptoConfig.KeyTransportChoice;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.testing.Capabilities;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * auto follows the certificate's S/MIME capabilities; what the administrator wrote wins; else the
 * safe default.
 */
class AlgorithmChoiceTest {
    static final String TO = "kunde@beispiel.example";
    static DemoPki pki;
    static X509Certificate plainRsa;

    @BeforeAll
    static void pki() {
        pki = new DemoPki(Clock.systemUTC(), "choice CA");
        plainRsa = pki.customer(TO, KeyKind.RSA).certificate();
    }

    static X509Certificate advertising(KeyKind kind, SMIMECapability... caps) {
        return Capabilities.advertise(pki.certificate(TO, kind), caps).build().certificate();
    }

    static AlgorithmChoice choice(
            ContentEncryptionChoice content,
            KeyTransportChoice transport,
            CryptoConfig.Override... overrides) {
        return new AlgorithmChoice(new CryptoConfig(content, transport, List.of(overrides)));
    }

    static AlgorithmChoice auto(CryptoConfig.Override... overrides) {
        return choice(ContentEncryptionChoice.AUTO, KeyTransportChoice.AUTO, overrides);
    }

    static CryptoConfig.Override override(
            ContentEncryptionChoice content, KeyTransportChoice transport) {
        return new CryptoConfig.Override(
                TO, Pattern.compile(Pattern.quote(TO)), content, transport);
    }

    static AlgorithmChoice.Choice is(ContentEncryption content, KeyTransport transport) {
        return new AlgorithmChoice.Choice(content, transport);
    }

    @Test
    void withNothingKnownAutoIsTheDefaultEveryEngineOpens() {
        assertThat(auto().forRecipient(TO, plainRsa))
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
        assertThat(auto().forRecipient(TO, advertising(KeyKind.RSA, AES_256_CBC, RSA_PKCS1)))
                .as("capabilities listing only what the default uses")
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
    }

    @Test
    void autoTakesAesGcmAndOaepWhenTheCertificateListsThem() {
        assertThat(
                        auto().forRecipient(
                                        TO,
                                        advertising(
                                                KeyKind.RSA,
                                                AES_256_GCM,
                                                OAEP_SHA256,
                                                AES_256_CBC)))
                .isEqualTo(is(ContentEncryption.AES_256_GCM, KeyTransport.RSA_OAEP));
        assertThat(auto().forRecipient(TO, advertising(KeyKind.RSA, AES_256_CBC, OAEP_DEFAULTS)))
                .as("OAEP without parameters is OAEP with SHA-1 (RFC 4055 §4.1)")
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_OAEP_SHA1));
        assertThat(auto().forRecipient(TO, advertising(KeyKind.RSA, OAEP_SHA384, RSA_PKCS1)))
                .as("an OAEP hash mailseal does not write")
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
        assertThat(
                        auto().forRecipient(TO, advertising(KeyKind.EC, AES_256_GCM))
                                .contentEncryption())
                .as("EC recipients get GCM too when they list it")
                .isEqualTo(ContentEncryption.AES_256_GCM);
    }

    @Test
    void autoTakesAes128CbcOnlyFromAClientThatListsNoAes256Cipher() {
        assertThat(auto().forRecipient(TO, advertising(KeyKind.RSA, AES_128_CBC, RSA_PKCS1)))
                .isEqualTo(is(ContentEncryption.AES_128_CBC, KeyTransport.RSA_PKCS1));
        assertThat(
                        auto().forRecipient(TO, advertising(KeyKind.RSA, AES_128_CBC, AES_256_CBC))
                                .contentEncryption())
                .as("AES-256-CBC listed too: the default")
                .isEqualTo(ContentEncryption.AES_256_CBC);
        assertThat(
                        auto().forRecipient(TO, advertising(KeyKind.RSA, AES_128_CBC, AES_256_GCM))
                                .contentEncryption())
                .isEqualTo(ContentEncryption.AES_256_GCM);
    }

    @Test
    void anExplicitOverrideWinsOverTheCertificateAndAutoInAnOverrideStillListens() {
        X509Certificate modern = advertising(KeyKind.RSA, AES_256_GCM, OAEP_SHA256);
        assertThat(
                        auto(override(
                                        ContentEncryptionChoice.AES_256_CBC,
                                        KeyTransportChoice.RSA_PKCS1))
                                .forRecipient(TO, modern))
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
        assertThat(
                        auto(override(ContentEncryptionChoice.AES_256_CBC, KeyTransportChoice.AUTO))
                                .forRecipient(TO, modern))
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_OAEP));
        assertThat(
                        auto(override(
                                        ContentEncryptionChoice.AUTO,
                                        KeyTransportChoice.RSA_OAEP_SHA1))
                                .forRecipient(TO, plainRsa))
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_OAEP_SHA1));
        assertThat(
                        auto(override(
                                        ContentEncryptionChoice.AES_256_GCM,
                                        KeyTransportChoice.RSA_OAEP))
                                .forRecipient("someone-else@beispiel.example", plainRsa))
                .as("override for another address")
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
    }

    @Test
    void anExplicitGlobalSettingAlsoWinsOverTheCertificate() {
        assertThat(
                        choice(ContentEncryptionChoice.AES_256_CBC, KeyTransportChoice.RSA_PKCS1)
                                .forRecipient(
                                        TO, advertising(KeyKind.RSA, AES_256_GCM, OAEP_SHA256)))
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
    }

    @Test
    void anUnreadableCapabilitiesExtensionMeansNothingKnown() {
        X509Certificate broken =
                pki.certificate(TO, KeyKind.RSA)
                        .extension(
                                PKCSObjectIdentifiers.pkcs_9_at_smimeCapabilities,
                                new DEROctetString(new byte[] {1, 2, 3}))
                        .build()
                        .certificate();
        assertThat(auto().forRecipient(TO, broken))
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
    }

    @Test
    void onlyEcCertificatesCarryTheNssCaveat() {
        assertThat(AlgorithmChoice.caveat(plainRsa)).isEmpty();
        assertThat(AlgorithmChoice.caveat(pki.customer(TO, KeyKind.EC).certificate()))
                .hasValueSatisfying(
                        c ->
                                assertThat(c)
                                        .contains("ECDH")
                                        .contains("NSS")
                                        .contains("Thunderbird"));
    }

    @Test
    void whatTheCustomersOwnClientAnnouncedInSignedMailSpeaksInsteadOfTheCertificate()
            throws Exception {
        X509Certificate gcmCert = advertising(KeyKind.RSA, AES_256_GCM, OAEP_SHA256);
        byte[] cbcOnly =
                new org.bouncycastle.asn1.DERSequence(
                                new org.bouncycastle.asn1.ASN1Encodable[] {AES_256_CBC, RSA_PKCS1})
                        .getEncoded();
        byte[] gcmAndOaep =
                new org.bouncycastle.asn1.DERSequence(
                                new org.bouncycastle.asn1.ASN1Encodable[] {
                                    AES_256_GCM, OAEP_DEFAULTS
                                })
                        .getEncoded();
        assertThat(auto().forRecipient(TO, gcmCert, java.util.Optional.of(cbcOnly)))
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
        assertThat(auto().forRecipient(TO, plainRsa, java.util.Optional.of(gcmAndOaep)))
                .isEqualTo(is(ContentEncryption.AES_256_GCM, KeyTransport.RSA_OAEP_SHA1));
        assertThat(auto().forRecipient(TO, plainRsa, java.util.Optional.of(new byte[] {1, 2, 3})))
                .as("unreadable: the safe default")
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
        assertThat(
                        choice(ContentEncryptionChoice.AES_256_CBC, KeyTransportChoice.RSA_PKCS1)
                                .forRecipient(TO, plainRsa, java.util.Optional.of(gcmAndOaep)))
                .as("the administrator's explicit choice still wins")
                .isEqualTo(is(ContentEncryption.AES_256_CBC, KeyTransport.RSA_PKCS1));
    }
}

package io.mailseal.crypto;

import static io.mailseal.crypto.MailFixtures.BODY;
import static io.mailseal.crypto.MailFixtures.BODY_QP;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every envelope mailseal can write, opened by the openssl CLI and by the reader. */
class AlgorithmMatrixTest {
    static DemoPki pki;
    static SigningIdentity bank;
    static final MessageSealer sealer = new MessageSealer();

    @TempDir Path dir;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "matrix CA");
        bank = MailFixtures.identity(pki.signer("otp@bank.example", KeyKind.EC));
    }

    static Stream<Arguments> combinations() {
        return Stream.of(ContentEncryption.values())
                .flatMap(
                        c ->
                                Stream.of(
                                        Arguments.of(
                                                c,
                                                KeyKind.RSA,
                                                KeyTransport.RSA_PKCS1,
                                                "RSA PKCS#1 v1.5"),
                                        Arguments.of(
                                                c,
                                                KeyKind.RSA,
                                                KeyTransport.RSA_OAEP,
                                                "RSAES-OAEP"),
                                        Arguments.of(
                                                c,
                                                KeyKind.RSA,
                                                KeyTransport.RSA_OAEP_SHA1,
                                                "RSAES-OAEP"),
                                        Arguments.of(
                                                c,
                                                KeyKind.EC,
                                                KeyTransport.RSA_PKCS1,
                                                "ECDH (SHA-256 KDF)")));
    }

    @ParameterizedTest(name = "{0} to {1} {2}")
    @MethodSource("combinations")
    void opensslAndTheReaderOpenIt(
            ContentEncryption content, KeyKind kind, KeyTransport transport, String keyName)
            throws Exception {
        DemoPki.Issued customer = pki.customer("kunde@beispiel.example", kind);
        MimeMessage signed =
                sealer.sign(
                        MailFixtures.otpMail("kunde@beispiel.example"),
                        bank,
                        SignatureStamp.NONE,
                        HeaderProtection.NONE);
        MimeMessage sealed =
                sealer.encrypt(
                        signed,
                        content,
                        List.of(new EnvelopeRecipient(customer.certificate(), transport)));
        assertThat(MailFixtures.wire(sealed))
                .doesNotContainIgnoringCase("bcc:")
                .contains("Message-ID: " + MailFixtures.MESSAGE_ID)
                .contains(
                        content.authenticated()
                                ? "authEnveloped-data"
                                : "smime-type=enveloped-data")
                .doesNotContain("482913");

        Inspection i = MailFixtures.open(sealed, customer, pki);
        assertThat(i.problems()).isEmpty();
        assertThat(i.valid()).isTrue();
        assertThat(i.contentEncryption()).isEqualTo(content.displayName());
        assertThat(i.keyManagement()).isEqualTo(keyName);
        assertThat(MailFixtures.text(i)).contains(BODY);

        assertThat(new OpensslCms(dir).decryptAndVerify(sealed, customer, pki.ca().certificate()))
                .contains(BODY_QP);
    }
}

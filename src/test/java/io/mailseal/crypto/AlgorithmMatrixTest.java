package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.PkiFiles;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "matrix CA");
        DemoPki.Issued signer = pki.signer("otp@bank.example", KeyKind.EC);
        bank = new SigningIdentity(signer.key(), signer.certificate(), List.of());
    }

    static Stream<Arguments> combinations() {
        return Stream.of(ContentEncryption.values()).flatMap(c -> Stream.of(
                Arguments.of(c, KeyKind.RSA, KeyTransport.RSA_PKCS1, "RSA PKCS#1 v1.5"),
                Arguments.of(c, KeyKind.RSA, KeyTransport.RSA_OAEP, "RSAES-OAEP"),
                Arguments.of(c, KeyKind.EC, KeyTransport.RSA_PKCS1, "ECDH (SHA-256 KDF)")));
    }

    @ParameterizedTest(name = "{0} to {1} {2}")
    @MethodSource("combinations")
    void opensslAndTheReaderOpenIt(ContentEncryption content, KeyKind kind, KeyTransport transport, String keyName)
            throws Exception {
        DemoPki.Issued customer = pki.customer("kunde@beispiel.example", kind);
        MimeMessage original = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(("""
                From: otp@bank.example\r
                To: kunde@beispiel.example\r
                Bcc: audit@bank.example\r
                Subject: Code\r
                Message-ID: <fixed-1@bank.example>\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 8bit\r
                \r
                Grüße, Ihr Code: 482913\r
                """).getBytes(StandardCharsets.UTF_8)));
        MimeMessage signed = sealer.sign(original, bank, SignatureStamp.NONE, HeaderProtection.NONE);
        MimeMessage sealed = sealer.encrypt(signed, content, List.of(new EnvelopeRecipient(customer.certificate(), transport)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sealed.writeTo(bytes);
        String wire = bytes.toString(StandardCharsets.ISO_8859_1);
        assertThat(wire).doesNotContainIgnoringCase("bcc:").contains("Message-ID: <fixed-1@bank.example>")
                .contains(content.authenticated() ? "authEnveloped-data" : "smime-type=enveloped-data")
                .doesNotContain("482913");

        Inspection i = new SealedMessageReader().inspect(sealed, Optional.of(
                new SealedMessageReader.DecryptionKey(customer.key(), customer.certificate())),
                Set.of(new TrustAnchor(pki.ca().certificate(), null)), new Date());
        assertThat(i.problems()).isEmpty();
        assertThat(i.valid()).isTrue();
        assertThat(i.contentEncryption()).isEqualTo(content.displayName());
        assertThat(i.keyManagement()).isEqualTo(keyName);
        assertThat((String) i.content().orElseThrow().getContent()).contains("Grüße, Ihr Code: 482913");

        Files.write(dir.resolve("m.eml"), bytes.toByteArray());
        PkiFiles.writeCertificate(dir.resolve("c.crt"), customer.certificate());
        PkiFiles.writePrivateKey(dir.resolve("c.key"), customer);
        PkiFiles.writeCertificate(dir.resolve("ca.pem"), pki.ca().certificate());
        openssl("cms", "-decrypt", "-in", "m.eml", "-recip", "c.crt", "-inkey", "c.key", "-out", "d.eml");
        openssl("cms", "-verify", "-in", "d.eml", "-CAfile", "ca.pem", "-purpose", "any", "-out", "t.txt");
        // the signed text part is quoted-printable (8-bit made 7-bit safe before signing)
        assertThat(Files.readString(dir.resolve("t.txt"))).contains("Gr=C3=BC=C3=9Fe, Ihr Code: 482913");
    }

    private void openssl(String... args) throws Exception {
        String[] cmd = Stream.concat(Stream.of("openssl"), Stream.of(args)).toArray(String[]::new);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }
}

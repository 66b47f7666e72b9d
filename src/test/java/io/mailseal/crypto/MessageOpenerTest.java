package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.OpensslCustomerMail;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Customer mail made by {@code openssl cms} itself is opened in memory with the bank's keys: every
 * key transport and cipher openssl makes, signatures in either order with encryption, and what
 * cannot be opened is a problem, not an exception.
 */
class MessageOpenerTest {
    static DemoPki pki;
    static DemoPki.Issued bankRsa;
    static DemoPki.Issued bankEc;
    static DemoPki.Issued customer;
    static final MessageOpener opener = new MessageOpener();

    @TempDir Path dir;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "opener CA");
        bankRsa = pki.signer("service@bank.example", KeyKind.RSA);
        bankEc = pki.signer("service@bank.example", KeyKind.EC);
        customer = pki.customer(OpensslCustomerMail.FROM, KeyKind.RSA);
    }

    private static List<DecryptionKey> bankKeys() {
        return List.of(
                new DecryptionKey(bankRsa.key(), bankRsa.certificate()),
                new DecryptionKey(bankEc.key(), bankEc.certificate()));
    }

    @ParameterizedTest(name = "{0} {1} oaep={2}")
    @CsvSource({
        "RSA, -aes256, false, AES-256-CBC, RSA PKCS#1 v1.5",
        "RSA, -aes256, true, AES-256-CBC, RSAES-OAEP",
        "RSA, -aes-256-gcm, true, AES-256-GCM, RSAES-OAEP",
        "RSA, -aes-128-gcm, false, AES-128-GCM, RSA PKCS#1 v1.5",
        "RSA, -aes128, false, AES-128-CBC, RSA PKCS#1 v1.5",
        "EC, -aes256, false, AES-256-CBC, ECDH",
        "EC, -aes-256-gcm, false, AES-256-GCM, ECDH"
    })
    void signedThenEncryptedByOpensslOpensToTheSignedContentByteForByte(
            KeyKind bank, String cipher, boolean oaep, String expectedCipher, String keyManagement)
            throws Exception {
        OpensslCustomerMail mail = new OpensslCustomerMail(dir, customer);
        DemoPki.Issued bankKey = bank == KeyKind.EC ? bankEc : bankRsa;
        Path sealed = mail.encrypted(mail.signed(false), bankKey.certificate(), cipher, oaep);

        OpenedMessage opened = opener.open(OpensslCustomerMail.crlf(sealed), bankKeys());

        assertThat(opened.problem()).isEmpty();
        assertThat(opened.encrypted()).isTrue();
        assertThat(opened.contentEncryption()).isEqualTo(expectedCipher);
        assertThat(opened.keyManagement()).startsWith(keyManagement);
        assertThat(opened.signatures()).hasSize(1);
        SignatureFinding s = opened.signatures().get(0);
        assertThat(s.verified()).as(s.problem()).isTrue();
        assertThat(s.signer().orElseThrow()).isEqualTo(customer.certificate());
        assertThat(s.part()).isEqualTo("1");
        MimeMessage readable = MailFixtures.parse(opened.readable());
        assertThat(readable.getSubject()).isEqualTo(OpensslCustomerMail.SUBJECT);
        assertThat(readable.isMimeType("multipart/signed")).isTrue();
        assertThat(firstPart(readable)).isEqualTo(OpensslCustomerMail.CONTENT);
        assertThat(opened.signedMessage()).isPresent();
    }

    /** A P-384 bank key made by openssl itself (DemoPki makes P-256 only). */
    @ParameterizedTest
    @CsvSource({"-aes256, AES-256-CBC", "-aes-256-gcm, AES-256-GCM"})
    void ecdhP384ByOpensslOpens(String cipher, String expected) throws Exception {
        ExternalTool.ok(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-384",
                "-nodes",
                "-keyout",
                "bank384.key",
                "-out",
                "bank384.pem",
                "-subj",
                "/CN=bank P-384",
                "-days",
                "2");
        ExternalTool.ok(
                dir,
                "openssl",
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                "bank384.key",
                "-outform",
                "DER",
                "-out",
                "bank384.p8");
        X509Certificate cert;
        try (var in = Files.newInputStream(dir.resolve("bank384.pem"))) {
            cert =
                    (X509Certificate)
                            CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        PrivateKey key =
                KeyFactory.getInstance("EC")
                        .generatePrivate(
                                new PKCS8EncodedKeySpec(
                                        Files.readAllBytes(dir.resolve("bank384.p8"))));
        OpensslCustomerMail mail = new OpensslCustomerMail(dir, customer);
        Path sealed = mail.encrypted(mail.signed(false), cert, cipher, false);

        OpenedMessage opened =
                opener.open(
                        OpensslCustomerMail.crlf(sealed),
                        List.of(
                                new DecryptionKey(bankRsa.key(), bankRsa.certificate()),
                                new DecryptionKey(key, cert)));

        assertThat(opened.problem()).isEmpty();
        assertThat(opened.contentEncryption()).isEqualTo(expected);
        assertThat(opened.keyManagement()).startsWith("ECDH");
        assertThat(opened.signatures()).singleElement().matches(SignatureFinding::verified);
        assertThat(firstPart(MailFixtures.parse(opened.readable())))
                .isEqualTo(OpensslCustomerMail.CONTENT);
    }

    @Test
    void opaqueSignedThenEncryptedBecomesTheContentItself() throws Exception {
        OpensslCustomerMail mail = new OpensslCustomerMail(dir, customer);
        Path sealed =
                mail.encrypted(mail.signed(true), bankRsa.certificate(), "-aes-256-gcm", true);

        OpenedMessage opened = opener.open(OpensslCustomerMail.crlf(sealed), bankKeys());

        assertThat(opened.signatures()).singleElement().matches(SignatureFinding::verified);
        assertThat(opened.signatures().get(0).part()).isEqualTo("TEXT");
        String readable = new String(opened.readable(), StandardCharsets.ISO_8859_1);
        assertThat(readable).contains("Subject: " + OpensslCustomerMail.SUBJECT + "\r\n");
        assertThat(readable)
                .endsWith(
                        OpensslCustomerMail.CONTENT.substring(
                                OpensslCustomerMail.CONTENT.indexOf("Content-Transfer-Encoding")));
        assertThat(readable).doesNotContain("pkcs7");
    }

    @Test
    void encryptedThenSignedIsVerifiedThenDecrypted() throws Exception {
        OpensslCustomerMail mail = new OpensslCustomerMail(dir, customer);
        Path enveloped =
                mail.encrypted(dir.resolve("content.txt"), bankRsa.certificate(), "-aes256", true);
        Path sealed = mail.signed(enveloped, false);

        OpenedMessage opened = opener.open(OpensslCustomerMail.crlf(sealed), bankKeys());

        assertThat(opened.problem()).isEmpty();
        assertThat(opened.encrypted()).isTrue();
        assertThat(opened.signatures()).singleElement().matches(SignatureFinding::verified);
        String readable = new String(opened.readable(), StandardCharsets.ISO_8859_1);
        assertThat(readable).contains("Gr=C3=BC=C3=9Fe").doesNotContain("pkcs7");
    }

    @Test
    void aChangedBodyFailsTheSignatureButIsStillDelivered() throws Exception {
        OpensslCustomerMail mail = new OpensslCustomerMail(dir, customer);
        String signed =
                new String(
                        OpensslCustomerMail.crlf(mail.signed(false)), StandardCharsets.ISO_8859_1);
        byte[] tampered =
                signed.replace("sperren Sie", "entsperren Sie")
                        .getBytes(StandardCharsets.ISO_8859_1);

        OpenedMessage opened = opener.open(tampered, bankKeys());

        assertThat(opened.encrypted()).isFalse();
        SignatureFinding s = opened.signatures().get(0);
        assertThat(s.verified()).isFalse();
        assertThat(s.problem()).contains("does not verify");
        assertThat(opened.readable()).isEqualTo(tampered);
    }

    @Test
    void encryptedToAnotherCertificateIsAProblemAndComesBackAsItCame() throws Exception {
        OpensslCustomerMail mail = new OpensslCustomerMail(dir, customer);
        DemoPki.Issued stranger = pki.signer("other@bank.example", KeyKind.RSA);
        byte[] sealed =
                OpensslCustomerMail.crlf(
                        mail.encrypted(
                                mail.signed(false), stranger.certificate(), "-aes256", false));

        OpenedMessage opened = opener.open(sealed, bankKeys());

        assertThat(opened.encrypted()).isTrue();
        assertThat(opened.problem())
                .hasValueSatisfying(p -> assertThat(p).contains("no certificate the bank holds"));
        assertThat(opened.signatures()).isEmpty();
        assertThat(opened.readable()).isEqualTo(sealed);
    }

    @Test
    void plainMailIsNeitherEncryptedNorSigned() throws Exception {
        byte[] plain =
                ("From: a@b.example\r\nSubject: x\r\n" + OpensslCustomerMail.CONTENT)
                        .getBytes(StandardCharsets.US_ASCII);
        OpenedMessage opened = opener.open(plain, bankKeys());
        assertThat(opened.encrypted()).isFalse();
        assertThat(opened.signed()).isFalse();
        assertThat(opened.problem()).isEmpty();
        assertThat(opened.readable()).isEqualTo(plain);
    }

    @Test
    void garbageInAnEnvelopeIsAProblem() throws Exception {
        byte[] broken =
                ("From: a@b.example\r\nMIME-Version: 1.0\r\n"
                                + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n"
                                + "Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        OpenedMessage opened = opener.open(broken, bankKeys());
        assertThat(opened.problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("cannot be opened"));
        assertThat(opened.readable()).isEqualTo(broken);
    }

    private static String firstPart(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((MimeMultipart) m.getContent()).getBodyPart(0).writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}

package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.crypto.SealedMessageReader.DecryptionKey;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A bad message is a list of problems, never an exception: tampering, wrong key, unknown signer.
 */
class SealedMessageReaderTest {
    static DemoPki pki;
    static SigningIdentity bank;
    static DemoPki.Issued customer;
    static final MessageSealer sealer = new MessageSealer();
    static final SealedMessageReader reader = new SealedMessageReader();

    @TempDir Path dir;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "reader CA");
        bank = MailFixtures.identity(pki.signer("otp@bank.example", KeyKind.RSA));
        customer = pki.customer("kunde@beispiel.example", KeyKind.RSA);
    }

    private static MimeMessage signed() throws Exception {
        return sealer.sign(
                MailFixtures.otpMail("kunde@beispiel.example"),
                bank,
                SignatureStamp.NONE,
                HeaderProtection.NONE);
    }

    private static MimeMessage sealed(ContentEncryption content, DemoPki.Issued to)
            throws Exception {
        return sealer.encrypt(
                signed(),
                content,
                List.of(new EnvelopeRecipient(to.certificate(), KeyTransport.RSA_OAEP)));
    }

    /**
     * The message with one byte of the base64-decoded body inverted at {@code index}, re-encoded.
     */
    private static MimeMessage withBodyByteFlipped(MimeMessage sealed, int index) throws Exception {
        String wire = MailFixtures.wire(sealed);
        int split = wire.indexOf("\r\n\r\n") + 4;
        byte[] der = Base64.getMimeDecoder().decode(wire.substring(split));
        der[index] ^= (byte) 0xFF;
        return MailFixtures.parse(
                (wire.substring(0, split)
                                + Base64.getMimeEncoder(76, new byte[] {'\r', '\n'})
                                        .encodeToString(der)
                                + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The ciphertext is the bulk of the envelope: the middle byte is always inside it. */
    @ParameterizedTest
    @EnumSource(ContentEncryption.class)
    void tamperedCiphertextIsAProblem(ContentEncryption content) throws Exception {
        MimeMessage sealed = sealed(content, customer);
        int middle =
                Base64.getMimeDecoder()
                                .decode(MailFixtures.wire(sealed).split("\r\n\r\n", 2)[1])
                                .length
                        / 2;
        MimeMessage tampered = withBodyByteFlipped(sealed, middle);

        Inspection i = MailFixtures.open(tampered, customer, pki);
        assertThat(i.valid()).isFalse();
        assertThat(i.problems()).isNotEmpty();
        if (content.authenticated()) {
            // RFC 5083 §2: the MAC fails before any plaintext is released
            assertThat(i.content()).isEmpty();
            assertThat(i.signed()).isFalse();
        }
        OpensslCms openssl = new OpensslCms(dir);
        OpensslCms.Result decrypt = openssl.decrypt(tampered, customer);
        if (content.authenticated()) {
            assertThat(decrypt.exitCode()).as(decrypt.output()).isNotZero();
        } else if (decrypt.exitCode() == 0) {
            // CBC has no integrity of its own: the signature inside is what catches it
            assertThat(openssl.verify("dec.eml", pki.ca().certificate()).exitCode()).isNotZero();
        }
    }

    @Test
    void alteredSignedTextFailsTheSignatureButNamesTheSigner() throws Exception {
        String wire = MailFixtures.wire(signed());
        assertThat(wire).contains("482913");
        MimeMessage altered =
                MailFixtures.parse(
                        wire.replace("482913", "482914").getBytes(StandardCharsets.ISO_8859_1));

        Inspection i =
                reader.inspect(altered, Optional.empty(), MailFixtures.anchors(pki), new Date());
        assertThat(i.signed()).isTrue();
        assertThat(i.signatureValid()).isFalse();
        assertThat(i.chainValid()).isTrue();
        assertThat(i.signerEmail()).isEqualTo("otp@bank.example");
        assertThat(i.problems()).singleElement().asString().startsWith("signature does not verify");
        assertThat(i.valid()).isFalse();
        OpensslCms openssl = new OpensslCms(dir);
        openssl.write("s.eml", altered);
        assertThat(openssl.verify("s.eml", pki.ca().certificate()).exitCode()).isNotZero();
    }

    @Test
    void alteredSignatureValueFailsTheSignature() throws Exception {
        MimeMessage signed = signed();
        MimeBodyPart p7s = (MimeBodyPart) ((MimeMultipart) signed.getContent()).getBodyPart(1);
        byte[] der = p7s.getInputStream().readAllBytes();
        SignerInformation si =
                new SMIMESigned((MimeMultipart) signed.getContent())
                        .getSignerInfos()
                        .getSigners()
                        .iterator()
                        .next();
        int at = indexOf(der, si.getSignature());
        assertThat(at).isPositive();
        der[at + 10] ^= 1;
        String oldBase64 =
                new String(p7s.getRawInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        String newBase64 =
                Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(der) + "\r\n";
        MimeMessage altered =
                MailFixtures.parse(
                        MailFixtures.wire(signed)
                                .replace(oldBase64, newBase64)
                                .getBytes(StandardCharsets.ISO_8859_1));

        Inspection i =
                reader.inspect(altered, Optional.empty(), MailFixtures.anchors(pki), new Date());
        assertThat(i.signed()).isTrue();
        assertThat(i.signatureValid()).isFalse();
        assertThat(i.valid()).isFalse();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.areEqual(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @EnumSource(KeyKind.class)
    void anotherCustomersKeyIsAProblem(KeyKind kind) throws Exception {
        DemoPki.Issued other = pki.customer("andere@beispiel.example", kind);
        Inspection i =
                MailFixtures.open(sealed(ContentEncryption.AES_256_GCM, customer), other, pki);
        assertThat(i.encrypted()).isTrue();
        assertThat(i.problems())
                .containsExactly("encrypted, but not to the given key's certificate");
        assertThat(i.content()).isEmpty();
        assertThat(i.valid()).isFalse();
    }

    /** A key that does not belong to the certificate: the unwrap fails, reported, not thrown. */
    @ParameterizedTest
    @EnumSource(ContentEncryption.class)
    void rightCertificateWrongPrivateKeyIsAProblem(ContentEncryption content) throws Exception {
        DemoPki.Issued other = pki.customer("andere@beispiel.example", KeyKind.RSA);
        Inspection i =
                reader.inspect(
                        sealed(content, customer),
                        Optional.of(new DecryptionKey(other.key(), customer.certificate())),
                        MailFixtures.anchors(pki),
                        new Date());
        assertThat(i.valid()).isFalse();
        assertThat(i.problems()).singleElement().asString().startsWith("cannot be read");
    }

    @Test
    void encryptedWithoutAKeyIsAProblem() throws Exception {
        Inspection i =
                reader.inspect(
                        sealed(ContentEncryption.AES_256_CBC, customer),
                        Optional.empty(),
                        MailFixtures.anchors(pki),
                        new Date());
        assertThat(i.encrypted()).isTrue();
        assertThat(i.problems()).containsExactly("message is encrypted and no key was given");
    }

    @Test
    void signerFromAnUnknownCaIsNotTrusted() throws Exception {
        DemoPki stranger = new DemoPki(Clock.systemUTC(), "stranger CA");
        Inspection i =
                reader.inspect(
                        sealed(ContentEncryption.AES_256_GCM, customer),
                        MailFixtures.key(customer),
                        MailFixtures.anchors(stranger),
                        new Date());
        assertThat(i.signatureValid()).isTrue();
        assertThat(i.chainValid()).isFalse();
        assertThat(i.problems()).singleElement().asString().startsWith("signer not trusted");
        assertThat(i.valid()).isFalse();
    }

    @Test
    void plainMailIsNotSigned() throws Exception {
        Inspection i =
                reader.inspect(
                        MailFixtures.otpMail("kunde@beispiel.example"),
                        Optional.empty(),
                        MailFixtures.anchors(pki),
                        new Date());
        assertThat(i.encrypted()).isFalse();
        assertThat(i.signed()).isFalse();
        assertThat(i.problems()).containsExactly("not signed");
        assertThat(i.valid()).isFalse();
    }
}

package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a sender puts in its header section cannot leak a blind copy or forge header protection: in
 * every mode, Bcc and Resent-Bcc (also written {@code "Bcc :"}) are gone outside and inside, a
 * caller's HP-Outer fields and hp / hp-legacy-display parameters are gone, and only the relay's own
 * protection shows. Opened with the openssl CLI, not with mailseal's reader.
 */
class CallerHeaderFieldsTest {
    static DemoPki pki;
    static SigningIdentity bank;
    static DemoPki.Issued customer;

    @TempDir Path dir;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "caller headers CA");
        bank = MailFixtures.identity(pki.signer("otp@bank.example", KeyKind.RSA));
        customer = pki.customer("rsa@kunde.example", KeyKind.RSA);
    }

    static MimeMessage hostileMail() throws Exception {
        return MailFixtures.parse(
                ("From: otp@bank.example\r\n"
                                + "To: rsa@kunde.example\r\n"
                                + "Bcc : audit@bank.example\r\n"
                                + "Resent-From: desk@bank.example\r\n"
                                + "Resent-To: rsa@kunde.example\r\n"
                                + "Resent-Bcc: resent-audit@bank.example,\r\n"
                                + " second-audit@bank.example\r\n"
                                + "Subject: Ihr Code\r\n"
                                + "HP-Outer: Subject: forged-outer\r\n"
                                + "hp-outer: From: forged@evil.example\r\n"
                                + "MIME-Version: 1.0\r\n"
                                + "Content-Type: text/plain; charset=us-ascii; hp=\"cipher\";\r\n"
                                + " hp-legacy-display=\"1\"\r\n"
                                + "\r\n"
                                + "Subject: forged-legacy\r\n\r\nYour code is 482913.\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @EnumSource(HeaderProtection.Mode.class)
    void blindCopiesNeverLeaveAndCallersProtectionFieldsAreRemoved(HeaderProtection.Mode mode)
            throws Exception {
        MessageSealer sealer = new MessageSealer();
        HeaderProtection hp = new HeaderProtection(mode, "[...]", List.of());
        MimeMessage signed = sealer.sign(hostileMail(), bank, SignatureStamp.NONE, hp);
        MimeMessage sealed =
                sealer.encrypt(
                        signed,
                        ContentEncryption.AES_256_CBC,
                        List.of(
                                new EnvelopeRecipient(
                                        customer.certificate(), KeyTransport.RSA_PKCS1)));
        String outside = MailFixtures.wire(sealed);
        String inside =
                new OpensslCms(dir).decryptAndVerify(sealed, customer, pki.ca().certificate());
        String decrypted = Files.readString(dir.resolve("dec.eml"), StandardCharsets.ISO_8859_1);

        for (String text : List.of(outside, decrypted, inside)) {
            assertThat(text)
                    .doesNotContainIgnoringCase("audit@bank.example")
                    .doesNotContain("forged-outer")
                    .doesNotContain("forged@evil.example");
        }
        assertThat(outside).contains("Resent-To: rsa@kunde.example");
        String innerType = contentType(inside);
        switch (mode) {
            case NONE -> assertThat(innerType).doesNotContain("hp");
            case CLEAR ->
                    assertThat(innerType).contains("hp=clear").doesNotContain("hp-legacy-display");
            case CIPHER -> {
                assertThat(innerType).contains("hp=cipher").contains("hp-legacy-display=1");
                assertThat(inside).contains("HP-Outer: Subject: [...]");
                assertThat(inside).contains("HP-Outer: Resent-To: rsa@kunde.example");
            }
        }
    }

    /** Found by the fuzzer: a second, unparseable Content-Type stays as it came (no 451). */
    @Test
    void aContentTypeThatDoesNotParseIsLeftAsItCame() {
        String broken = "Content-Type: multipart/mixed; boundary=\"n117\" \u00b8\u00ca";
        assertThat(HeaderProtector.withoutCallersProtection(broken)).isEqualTo(broken);
        assertThat(HeaderProtector.withoutCallersProtection("Content-Type: text/plain; hp=clear"))
                .isEqualTo("Content-Type: text/plain");
    }

    /** The Content-Type field of the verified entity, unfolded. */
    private static String contentType(String entity) {
        String head = entity.substring(0, entity.indexOf("\r\n\r\n") + 2).replace("\r\n ", " ");
        return head.lines()
                .filter(l -> l.regionMatches(true, 0, "content-type:", 0, 13))
                .findFirst()
                .orElseThrow()
                .replace("\"", "");
    }
}

package io.mailseal.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fields mailseal writes (RFC 8601, RFC 7281) and the removal of forged ones (§5). */
class AuthenticationResultsTest {
    static final String ID = "mailseal.bank.example";

    @Test
    void oneResultPerSignatureWithTheRfc7281Properties() {
        InboundVerdict verdict =
                new InboundVerdict(
                        true,
                        true,
                        "AES-256-GCM",
                        List.of(
                                new SignatureVerdict(
                                        SmimeResult.PASS,
                                        "",
                                        Optional.of("alice@customer.example"),
                                        "1",
                                        Optional.of(BigInteger.valueOf(0xabcdef)),
                                        Optional.of("CN=Customer CA \"Ünïcode\",O=X")),
                                new SignatureVerdict(
                                        SmimeResult.FAIL,
                                        "signer not issued by a trusted CA: no path",
                                        Optional.of("bob@customer.example"),
                                        "TEXT",
                                        Optional.of(BigInteger.TEN),
                                        Optional.of("CN=Other"))));
        assertThat(AuthenticationResults.fields(ID, verdict))
                .isEqualTo(
                        "Authentication-Results: mailseal.bank.example;\r\n"
                                + "\tsmime=pass\r\n"
                                + "\tbody.smime-identifier=alice@customer.example"
                                + " body.smime-part=1 body.smime-serial=abcdef\r\n"
                                + "\tbody.smime-issuer=\"CN=Customer CA \\\"?n?code\\\",O=X\";\r\n"
                                + "\tsmime=fail reason=\"signer not issued by a trusted CA: no"
                                + " path\"\r\n"
                                + "\tbody.smime-identifier=bob@customer.example"
                                + " body.smime-part=TEXT body.smime-serial=a\r\n"
                                + "\tbody.smime-issuer=\"CN=Other\"\r\n"
                                + "X-Mailseal-Encrypted: yes; cipher=aes256-gcm\r\n");
        assertThat(verdict.overall()).isEqualTo(SmimeResult.PASS);
    }

    @Test
    void undecryptableAndUnsigned() {
        InboundVerdict verdict =
                new InboundVerdict(
                        true,
                        false,
                        "",
                        List.of(
                                SignatureVerdict.of(
                                        SmimeResult.PERMERROR,
                                        "encrypted to no certificate the bank holds a key for")));
        assertThat(AuthenticationResults.fields(ID, verdict))
                .isEqualTo(
                        "Authentication-Results: mailseal.bank.example;\r\n"
                                + "\tsmime=permerror reason=\"encrypted to no certificate the bank"
                                + " holds a key for\"\r\n"
                                + "X-Mailseal-Encrypted: yes; decrypted=no\r\n");
        assertThat(verdict.shortOf(io.mailseal.config.InboundConfig.Requirement.ENCRYPTED))
                .hasValue("was encrypted to no certificate the bank holds a key for");
    }

    @Test
    void fieldsClaimingOurAuthservIdAreRemovedOthersStayByteForByte() {
        String message =
                "Received: from x\r\n"
                        + "Authentication-Results: MAILSEAL.bank.example; smime=pass\r\n"
                        + "Authentication-Results: (comment) mailseal.bank.example 1;\r\n"
                        + "\tsmime=pass body.smime-identifier=x@y\r\n"
                        + "Authentication-Results: mx.bank.example; spf=pass\r\n"
                        + "Authentication-Results: mailseal.bank.example.evil; smime=pass\r\n"
                        + "X-Mailseal-Encrypted: yes; cipher=forged\r\n"
                        + "Subject: hi\r\n"
                        + "\r\n"
                        + "Authentication-Results: mailseal.bank.example; in the body\r\n";
        assertThat(
                        new String(
                                AuthenticationResults.withoutForged(
                                        message.getBytes(StandardCharsets.ISO_8859_1), ID),
                                StandardCharsets.ISO_8859_1))
                .isEqualTo(
                        "Received: from x\r\n"
                                + "Authentication-Results: mx.bank.example; spf=pass\r\n"
                                + "Authentication-Results: mailseal.bank.example.evil;"
                                + " smime=pass\r\n"
                                + "Subject: hi\r\n"
                                + "\r\n"
                                + "Authentication-Results: mailseal.bank.example; in the body\r\n");
    }

    @Test
    void theSpooledFormKeepsTheOriginalAndTheVerdictApart() {
        byte[] original = "Subject: x\r\n\r\nciphertext\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] spooled = SpooledForm.write("A: b\r\n", original, true);
        assertThat(new String(spooled, StandardCharsets.US_ASCII))
                .startsWith("X-Mailseal-Inbound: 6; decrypt=yes\r\nA: b\r\nSubject: x");
        SpooledForm.Parts p = SpooledForm.read(spooled).orElseThrow();
        assertThat(p.verdictFields()).isEqualTo("A: b\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(p.original()).isEqualTo(original);
        assertThat(p.decrypt()).isTrue();
        assertThat(SpooledForm.read(original)).as("a DSN in the inbound spool").isEmpty();
    }
}

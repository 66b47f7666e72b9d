package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.spool.SpooledMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The RFC 3464 report itself: the fields per recipient and the copy of the original's headers. */
class DeliveryStatusNotificationTest {
    private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");

    private static byte[] dsn(byte[] content, Bounce bounce) {
        SpooledMessage m =
                new SpooledMessage(
                        "Q1.0",
                        "otp@bank.example",
                        List.of(bounce.recipient()),
                        "otp",
                        NOW,
                        NOW.plusSeconds(600),
                        content);
        return DeliveryStatusNotification.build(m, "relay.test", List.of(bounce), NOW);
    }

    private static Bounce refused(String recipient) {
        return new Bounce(
                recipient,
                "5.1.1",
                "smtp",
                "550 5.1.1 no such user",
                Optional.of("mx.customer.example"));
    }

    @Test
    void theHostThatRefusedIsTheRemoteMtaAndThereIsNoneForWhatTheRelayFoundItself() {
        String refused =
                new String(
                        dsn(
                                "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII),
                                refused("bob@customer.example")),
                        StandardCharsets.UTF_8);
        assertThat(refused)
                .contains(
                        "Status: 5.1.1\r\nRemote-MTA: dns; mx.customer.example\r\n"
                                + "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n");
        String expired =
                new String(
                        dsn(
                                "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII),
                                Bounce.expired("bob@customer.example", "otp")),
                        StandardCharsets.UTF_8);
        assertThat(expired).contains("Diagnostic-Code: X-mailseal;").doesNotContain("Remote-MTA");
    }

    @Test
    void eightBitHeadersOfTheOriginalAreCopiedByteForByte() {
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        original.writeBytes("Subject: Caf\u00e9 (UTF-8)\r\n".getBytes(StandardCharsets.UTF_8));
        original.writeBytes(
                "X-Branch: M\u00fcnchen (Latin-1)\r\n\r\nciphertext\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
        byte[] content = original.toByteArray();
        String headers = new String(content, StandardCharsets.ISO_8859_1).split("\r\n\r\n")[0];

        assertThat(
                        new String(
                                dsn(content, refused("bob@customer.example")),
                                StandardCharsets.ISO_8859_1))
                .contains("Content-Type: text/rfc822-headers\r\n\r\n" + headers + "\r\n")
                .doesNotContain("ciphertext");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "bob.smith@customer.example   | bob.smith@customer.example",
                "jos\u00e9+otp@customer.example | jos\u00e9+otp@customer.example",
                "\"a b\"@customer.example      | \"a b\"@customer.example",
                "a b@customer.example          | \"a b\"@customer.example",
                ".bob@customer.example         | \".bob\"@customer.example",
                "a\"b\\c@customer.example      | \"a\\\"b\\\\c\"@customer.example",
            })
    void theFinalRecipientIsAValidAddressWithItsLocalPartQuotedWhereNeeded(
            String recipient, String written) {
        byte[] dsn =
                dsn(
                        "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII),
                        refused(recipient));
        assertThat(new String(dsn, StandardCharsets.UTF_8))
                .contains("Final-Recipient: rfc822; " + written + "\r\n");
    }
}

package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** Per-recipient classification of the failures Angus Mail reports. */
class FailureClassifierTest {
    static final String ALICE = "alice@customer.example";
    static final String BOB = "bob@customer.example";
    static final String MX = "mx.customer.example";

    private static SMTPAddressFailedException refused(String rcpt, int code, String text)
            throws Exception {
        return new SMTPAddressFailedException(
                new InternetAddress(rcpt), "RCPT TO:<" + rcpt + ">", code, text);
    }

    @Test
    void aConnectionLostAfterOneRecipientsRefusalDefersTheOthersInsteadOfBouncingThem()
            throws Exception {
        SMTPSendFailedException lostAtDot =
                new SMTPSendFailedException(
                        ".",
                        -1,
                        "[EOF]",
                        refused(BOB, 550, "550 5.1.1 no such user"),
                        null,
                        new Address[] {new InternetAddress(ALICE)},
                        new Address[] {new InternetAddress(BOB)});
        Map<String, DeliveryResult> r =
                FailureClassifier.classify(lostAtDot, List.of(ALICE, BOB), MX);
        assertThat(r.get(BOB))
                .isEqualTo(
                        new DeliveryResult.Failed(
                                550,
                                "550 5.1.1 no such user",
                                DeliveryResult.Source.NEXT_HOP,
                                Optional.of(MX)));
        assertThat(r.get(ALICE))
                .as("unknown: temporary")
                .isInstanceOf(DeliveryResult.Deferred.class);
    }

    @Test
    void recipientsTakenInAPartlyFailedTransactionAreDeliveredAndA552AtRcptIsTemporary()
            throws Exception {
        SMTPAddressFailedException tooMany = refused(BOB, 552, "552 5.5.3 too many recipients");
        SMTPSendFailedException partial =
                new SMTPSendFailedException(
                        ".",
                        250,
                        "250 2.0.0 ok",
                        tooMany,
                        new Address[] {new InternetAddress(ALICE)},
                        new Address[] {new InternetAddress(BOB)},
                        new Address[0]);
        Map<String, DeliveryResult> r =
                FailureClassifier.classify(partial, List.of(ALICE, BOB), MX);
        assertThat(r.get(ALICE)).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(r.get(BOB))
                .as("RFC 5321 4.5.3.1.10")
                .isInstanceOf(DeliveryResult.Deferred.class);
    }

    @Test
    void theDsnStatusIsTheOneAfterTheReplyCodeNotAnyNumberInTheText() {
        assertThat(Bounce.of(BOB, hopRefusal(550, "550 5.1.1 no such user")).status())
                .isEqualTo("5.1.1");
        assertThat(
                        Bounce.of(BOB, hopRefusal(554, "554 host 45.4.3.12 listed at a blocklist"))
                                .status())
                .isEqualTo("5.0.0");
        assertThat(Bounce.of(BOB, hopRefusal(550, "550 4.2.2 mailbox full")).status())
                .as("class must match the reply")
                .isEqualTo("5.0.0");
    }

    @Test
    void onlyAHopsReplyIsAnSmtpDiagnosticWhatTheRelayFoundItselfIsNot() {
        assertThat(Bounce.of(BOB, hopRefusal(550, "550 5.1.1 no such user")).diagnosticType())
                .isEqualTo("smtp");
        assertThat(
                        Bounce.of(
                                        BOB,
                                        new DeliveryResult.Failed(
                                                550,
                                                "5.1.2 domain x.test does not exist",
                                                DeliveryResult.Source.RELAY))
                                .diagnosticType())
                .isEqualTo("X-mailseal");
        assertThat(Bounce.expired(BOB, "otp"))
                .extracting(Bounce::status, Bounce::diagnosticType)
                .containsExactly("4.4.7", "X-mailseal");
    }

    private static DeliveryResult.Failed hopRefusal(int code, String reply) {
        return new DeliveryResult.Failed(
                code, reply, DeliveryResult.Source.NEXT_HOP, Optional.of(MX));
    }
}

package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.RelayUnderTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Header From against the envelope sender on a signing policy (README "From and the envelope
 * sender"): signed only when the signing identity chosen by the envelope sender also covers every
 * From address; otherwise {@code 550 5.7.1}, never a bank signature over someone else's From. Pass
 * mail is not signed and goes as it came.
 */
class SenderAlignmentIT {
    @RegisterExtension
    final RelayUnderTest relay =
            RelayUnderTest.withPolicies(BankMail.POLICIES).customer(ALICE, KeyKind.RSA);

    private Reply otpWithFrom(String from) throws Exception {
        return relay.bank()
                .send(
                        DemoWorld.BANK_SENDER,
                        List.of(ALICE),
                        BankMail.otp(ALICE, "123456")
                                .replace("From: Example Bank <otp@bank.example>", "From: " + from));
    }

    @Test
    void aFromTheSignerDoesNotCoverIsRefusedOneItCoversIsSigned() throws Exception {
        Reply foreign = otpWithFrom("Security Team <security@bank-alerts.example>");
        assertThat(SmtpReply.FROM_NOT_SIGNER.matches(foreign.line())).as(foreign.line()).isTrue();
        assertThat(foreign.text()).contains("<" + DemoWorld.BANK_SENDER + ">");

        Reply twoFroms = otpWithFrom("otp@bank.example, ceo@elsewhere.example");
        assertThat(SmtpReply.FROM_NOT_SIGNER.matches(twoFroms.line())).as(twoFroms.line()).isTrue();

        Reply unparseable = otpWithFrom("<<<");
        assertThat(SmtpReply.FROM_NOT_SIGNER.matches(unparseable.line()))
                .as(unparseable.line())
                .isTrue();

        // identities: one for the domain bank.example, so any bank.example From is its to sign
        assertThat(otpWithFrom("Kundenservice <service@Bank.Example>").code()).isEqualTo(250);

        Reply pass =
                relay.bank()
                        .send(
                                "news@bank.example",
                                List.of("news@other.example"),
                                "From: someone@elsewhere.example\r\nSubject: n\r\n\r\nhi\r\n");
        assertThat(pass.code()).as("pass mail is not signed").isEqualTo(250);
    }
}

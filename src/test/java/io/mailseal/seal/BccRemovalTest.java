package io.mailseal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Pass mail loses its blind copies, folded or oddly spaced, and nothing else. */
class BccRemovalTest {
    @Test
    void bccAndResentBccAreDroppedOtherResentFieldsStay() {
        String mail =
                "From: news@bank.example\r\n"
                        + "Bcc : audit@bank.example\r\n"
                        + "Resent-To: desk@bank.example\r\n"
                        + "RESENT-BCC: resent-audit@bank.example,\r\n"
                        + "\tsecond-audit@bank.example\r\n"
                        + "Resent-From: desk@bank.example\r\n"
                        + "Subject: hello\r\n"
                        + "\r\n"
                        + "Bcc: stays in the body\r\n";
        String out =
                new String(
                        BccRemoval.apply(mail.getBytes(StandardCharsets.US_ASCII)),
                        StandardCharsets.US_ASCII);
        assertThat(out)
                .isEqualTo(
                        "From: news@bank.example\r\n"
                                + "Resent-To: desk@bank.example\r\n"
                                + "Resent-From: desk@bank.example\r\n"
                                + "Subject: hello\r\n"
                                + "\r\n"
                                + "Bcc: stays in the body\r\n");
    }

    @Test
    void aMessageWithoutBlindCopiesIsPassedOnAsTheSameArrayNotACopy() {
        byte[] mail =
                ("From: news@bank.example\r\nSubject: hello\r\n\r\nBcc: body\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        assertThat(BccRemoval.apply(mail)).isSameAs(mail);
        byte[] headerOnly = "Subject: no body".getBytes(StandardCharsets.US_ASCII);
        assertThat(BccRemoval.apply(headerOnly)).isSameAs(headerOnly);
    }

    @Test
    void aBlindCopyAsTheLastHeaderFieldIsDroppedAndTheBodyKeptWhole() {
        String mail = "Subject: s\nBcc: a@x.example,\n b@x.example\n\nbody\n";
        assertThat(BccRemoval.apply(mail.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("Subject: s\n\nbody\n".getBytes(StandardCharsets.US_ASCII));
    }
}

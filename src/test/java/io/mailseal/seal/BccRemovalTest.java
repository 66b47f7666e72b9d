package io.mailseal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.spool.MessageBytes;
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
                        BccRemoval.apply(mail.getBytes(StandardCharsets.US_ASCII)).toArray(),
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
        assertThat(BccRemoval.apply(mail).toArray()).isSameAs(mail);
        byte[] headerOnly = "Subject: no body".getBytes(StandardCharsets.US_ASCII);
        assertThat(BccRemoval.apply(headerOnly).toArray()).isSameAs(headerOnly);
    }

    @Test
    void onlyTheHeaderSectionIsRewrittenTheBodyIsTheReceivedArrayFromTheEmptyLineOn() {
        byte[] mail =
                "Subject: s\nBcc: a@x.example,\n b@x.example\n\nbody\n"
                        .getBytes(StandardCharsets.US_ASCII);
        MessageBytes out = BccRemoval.apply(mail);
        assertThat(out.source()).isSameAs(mail);
        assertThat(new String(out.head(), StandardCharsets.US_ASCII)).isEqualTo("Subject: s\n");
        assertThat(
                        new String(
                                mail,
                                out.from(),
                                mail.length - out.from(),
                                StandardCharsets.US_ASCII))
                .isEqualTo("\nbody\n");
        assertThat(out.toArray())
                .isEqualTo("Subject: s\n\nbody\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(out.length()).isEqualTo(out.toArray().length);
    }
}

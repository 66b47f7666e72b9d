package io.mailseal.it;

import static io.mailseal.testing.Replies.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoWorld;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.RelayUnderTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTP smuggling (CVE-2023-51764 family) over raw sockets: only CRLF.CRLF ends DATA, a bare CR or
 * LF anywhere refuses the whole message, and what hides behind a fake end of data never becomes a
 * second message at the next hop.
 */
class SmugglingIT {
    private static final String SMUGGLED =
            "MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<victim@other.example>\r\n"
                    + "DATA\r\nFrom: ceo@bank.example\r\nSubject: smuggled\r\n\r\nwire the money\r\n.\r\n";

    @RegisterExtension
    final RelayUnderTest relay = RelayUnderTest.withPolicies("{ name = default, action = pass }");

    DemoWorld world;

    @BeforeEach
    void names() {
        world = relay.world();
    }

    private SmtpDialog transactionUpToData() throws Exception {
        return new SmtpDialog(relay.port())
                .hello()
                .startData("news@bank.example", "x@other.example");
    }

    /**
     * Sends a clean message in a new session and returns what the sink received: it must be the
     * only one once a control message sent after it has arrived and the relay has nothing left to
     * deliver.
     */
    private CapturedMessage onlyMessageAfterACleanOne() throws Exception {
        try (SmtpDialog s = new SmtpDialog(relay.port()).hello()) {
            assertThat(s.send("From: news@bank.example\r\nSubject: clean\r\n\r\nclean body\r\n"))
                    .is(entry(SmtpReply.QUEUED));
        }
        return onlyOtherThanControl();
    }

    private CapturedMessage onlyOtherThanControl() throws Exception {
        List<CapturedMessage> others = relay.othersWhenControlArrived();
        assertThat(others).as("one message, no second one").hasSize(1);
        return others.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\r\n\r.\r\n"})
    void aFakeEndOfDataRefusesTheWholeMessageAndClosesTheConnection(String fakeEnd)
            throws Exception {
        try (SmtpDialog s = transactionUpToData()) {
            s.write(
                    "From: news@bank.example\r\nSubject: first\r\n\r\nfirst body"
                            + fakeEnd
                            + SMUGGLED);
            assertThat(s.reply()).isEqualTo(SmtpReply.BARE_NEWLINE_IN_DATA.line());
            assertThat(s.reply())
                    .as("nothing after the refusal: no reply to a smuggled MAIL")
                    .isNull();
        }
        CapturedMessage only = onlyMessageAfterACleanOne();
        assertThat(only.text())
                .contains("Subject: clean")
                .doesNotContain("smuggled")
                .doesNotContain("first body");
        assertThat(only.recipients()).containsExactly("x@other.example");
    }

    @Test
    void commandsAfterAProperEndOfDataAreNotPartOfTheMessageAndNothingElseIs() throws Exception {
        try (SmtpDialog s = transactionUpToData()) {
            // CRLF throughout: the "commands" are body text, one message to one recipient
            s.write("From: news@bank.example\r\nSubject: clean\r\n\r\nclean body\r\n" + SMUGGLED);
            assertThat(s.reply()).is(entry(SmtpReply.QUEUED));
            assertThat(s.command("QUIT")).startsWith("221");
        }
        CapturedMessage m = onlyOtherThanControl();
        assertThat(m.recipients()).containsExactly("x@other.example");
        assertThat(m.envelopeFrom()).isEqualTo("news@bank.example");
        assertThat(m.text()).contains("\r\nMAIL FROM:<ceo@bank.example>\r\n");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "MAIL FROM:<news@bank.example>\nRCPT TO:<x@other.example>\r\n",
                "MAIL FROM:<news@bank.example>\rRCPT TO:<x@other.example>\r\n"
            })
    void aBareNewlineInACommandIsRefusedAndTheConnectionClosed(String line) throws Exception {
        try (SmtpDialog s = new SmtpDialog(relay.port()).hello()) {
            s.write(line);
            // SubEthaSMTP's CRLFTerminatedReader: its own text, without an enhanced status code
            assertThat(s.reply()).startsWith("501 ").contains("CR and LF must be CRLF paired");
            assertThat(s.reply()).isNull();
        }
        assertThat(relay.othersWhenControlArrived()).isEmpty();
    }

    @Test
    void ehloOffersNeitherChunkingNorSmtputf8AndBdatIsRefused() throws Exception {
        try (SmtpDialog s = new SmtpDialog(relay.port())) {
            assertThat(s.reply()).startsWith("220");
            s.write("EHLO bank.example\r\n");
            String ehlo = s.replyLines();
            assertThat(ehlo)
                    .contains("250-8BITMIME")
                    .contains("250 SIZE ")
                    .doesNotContain("CHUNKING")
                    .doesNotContain("SMTPUTF8");
            assertThat(s.command("MAIL FROM:<news@bank.example>")).startsWith("250");
            assertThat(s.command("RCPT TO:<x@other.example>")).startsWith("250");
            assertThat(s.command("BDAT 5 LAST"))
                    .isEqualTo(SmtpReply.COMMAND_NOT_OFFERED.line("BDAT"));
        }
    }

    @Test
    void aRefusalAtTheEndOfDataEndsTheTransactionSoTheNextMailNeedsNoRset() throws Exception {
        Relay small = relay.another("smtp { max-message-size = 1KiB }");
        try (SmtpDialog s = new SmtpDialog(small.port()).hello()) {
            assertThat(s.send("Subject: big\r\n\r\n" + "0123456789abcdef\r\n".repeat(100)))
                    .isEqualTo(SmtpReply.MESSAGE_TOO_BIG.line(1024));
            assertThat(s.send("Subject: small\r\n\r\nsmall\r\n"))
                    .as("MAIL without RSET")
                    .is(entry(SmtpReply.QUEUED));
            // delivered before the relay stops: a stop leaves queued mail in the spool for the next
            // start
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        }
        assertThat(world.sink().messages().get(0).text()).contains("Subject: small");
    }
}

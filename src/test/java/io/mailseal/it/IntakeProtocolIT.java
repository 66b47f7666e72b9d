package io.mailseal.it;

import static io.mailseal.testing.Replies.entry;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.mailseal.app.Relay;
import io.mailseal.demo.DemoWorld;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.LogCapture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intake's answers to odd but possible conversations (README, "What the sending system sees"):
 * each decided once, over raw sockets.
 */
class IntakeProtocolIT {
    @TempDir Path dir;
    DemoWorld world;
    Relay relay;
    final List<SmtpDialog> dialogs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        relay = IntakeLimitsIT.passRelay(world, "command-timeout = 30s");
    }

    @AfterEach
    void stop() throws Exception {
        for (SmtpDialog d : dialogs) {
            d.close();
        }
        relay.close();
        world.close();
    }

    private SmtpDialog connect() throws Exception {
        SmtpDialog d = new SmtpDialog(relay.port());
        dialogs.add(d);
        assertThat(d.reply()).startsWith("220");
        return d;
    }

    @Test
    void mailBeforeEhloOrHeloIsRefused503() throws Exception {
        SmtpDialog s = connect();
        assertThat(s.command("MAIL FROM:<news@bank.example>"))
                .isEqualTo(SmtpReply.HELLO_FIRST.line());
        assertThat(s.command("HELO bank.example")).startsWith("250");
        assertThat(s.send("Subject: after helo\r\n\r\nbody\r\n")).is(entry(SmtpReply.QUEUED));
    }

    @Test
    void aDuplicateRcptIsAcceptedAndTheRecipientGetsOneCopy() throws Exception {
        SmtpDialog s = connect();
        assertThat(s.command("EHLO bank.example")).startsWith("250");
        assertThat(s.command("MAIL FROM:<news@bank.example>")).startsWith("250");
        assertThat(s.command("RCPT TO:<x@other.example>")).startsWith("250");
        assertThat(s.command("RCPT TO:<x@other.example>")).startsWith("250");
        assertThat(s.command("DATA")).startsWith("354");
        assertThat(s.endData("Subject: twice\r\n\r\nonce\r\n")).is(entry(SmtpReply.QUEUED));
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        assertThat(world.sink().messages().get(0).recipients()).containsExactly("x@other.example");
    }

    @Test
    void eightBitAddressesAreRefused553() throws Exception {
        SmtpDialog s = connect();
        assertThat(s.command("EHLO bank.example")).startsWith("250");
        // "jos\u00e9" in UTF-8; SmtpDialog writes each char as one octet
        String utf8 = "jos\u00c3\u00a9@bank.example";
        assertThat(s.command("MAIL FROM:<" + utf8 + ">"))
                .isEqualTo(SmtpReply.NON_ASCII_ADDRESS.line());
        assertThat(s.command("MAIL FROM:<news@bank.example>")).startsWith("250");
        assertThat(s.command("RCPT TO:<" + utf8 + ">"))
                .isEqualTo(SmtpReply.NON_ASCII_ADDRESS.line());
        assertThat(s.command("RCPT TO:<x@other.example>")).startsWith("250");
        // not UTF-8 at all (Latin-1): SubEthaSMTP's reader refuses the line and closes
        assertThat(s.command("RCPT TO:<jos\u00e9@other.example>"))
                .isEqualTo("501 Syntax error: invalid character encoding.");
        assertThat(s.reply()).isNull();
    }

    @Test
    void helloWithControlCharactersIsRefusedAndNeverLogged() throws Exception {
        try (LogCapture logs = new LogCapture("io.mailseal")) {
            SmtpDialog s = connect();
            assertThat(s.command("EHLO evil\u0000.example"))
                    .isEqualTo(SmtpReply.NOT_PRINTABLE_HELLO.line("EHLO"));
            assertThat(s.command("HELO \u001b[2Jevil.example"))
                    .isEqualTo(SmtpReply.NOT_PRINTABLE_HELLO.line("HELO"));
            assertThat(s.command("MAIL FROM:<news@bank.example>"))
                    .as("no greeting was taken")
                    .isEqualTo(SmtpReply.HELLO_FIRST.line());
            assertThat(s.command("EHLO mta.bank.example")).startsWith("250");
            assertThat(s.send("Subject: ok\r\n\r\nbody\r\n")).is(entry(SmtpReply.QUEUED));
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
            assertThat(world.sink().messages().get(0).text())
                    .contains("from mta.bank.example")
                    .doesNotContain("evil");
            assertThat(logs.events())
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(line -> line.contains("\u001b") || line.contains("\u0000"));
        }
    }

    @Test
    void crlfNulDotCrlfInsideDataIsRefusedAndTheConnectionClosed() throws Exception {
        SmtpDialog s = connect();
        assertThat(s.command("EHLO bank.example")).startsWith("250");
        s.startData("news@bank.example", "x@other.example");
        s.write("Subject: nul\r\n\r\nfirst\r\n\u0000.\r\nMAIL FROM:<smuggled@bank.example>\r\n");
        assertThat(s.command(".")).isEqualTo(SmtpReply.NUL_IN_DATA.line());
        assertThat(s.reply()).isNull();
        SmtpDialog next = connect();
        assertThat(next.command("EHLO bank.example")).startsWith("250");
        assertThat(next.send("Subject: control\r\n\r\ncontrol\r\n")).is(entry(SmtpReply.QUEUED));
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        assertThat(world.sink().messages()).hasSize(1);
        assertThat(world.sink().messages().get(0).text()).contains("control");
    }
}

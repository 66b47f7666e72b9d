package io.mailseal.it;

import static io.mailseal.testing.Replies.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoWorld;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.Eventually;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every limit of the intake over raw sockets, with the exact reply it gives. */
class IntakeLimitsIT {
    @TempDir Path dir;
    DemoWorld world;
    Relay relay;
    final List<SmtpDialog> dialogs = new ArrayList<>();

    @BeforeEach
    void world() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        for (SmtpDialog d : dialogs) {
            d.close();
        }
        if (relay != null) {
            relay.close();
        }
        world.close();
    }

    /**
     * A relay of {@code world} that passes all mail, with {@code smtp} HOCON in its smtp section.
     */
    static Relay passRelay(DemoWorld world, String smtp) throws Exception {
        return Relay.start(
                ConfigLoader.load(
                        world.writeConfig(
                                "{ name = default, action = pass }", "smtp { " + smtp + " }")),
                Clock.systemUTC());
    }

    private void start(String smtp) throws Exception {
        relay = passRelay(world, smtp);
    }

    private SmtpDialog connect(String from) throws Exception {
        SmtpDialog d = new SmtpDialog(relay.port(), from);
        dialogs.add(d);
        return d;
    }

    private SmtpDialog greeted() throws Exception {
        return connect("127.0.0.1").hello();
    }

    @Test
    void recipientsOverMaxRecipientsAreDeferredWith452AndTheRestIsSent() throws Exception {
        start("max-recipients = 2");
        SmtpDialog s = greeted();
        assertThat(s.command("MAIL FROM:<news@bank.example>")).startsWith("250");
        assertThat(s.command("RCPT TO:<a@other.example>")).startsWith("250");
        assertThat(s.command("RCPT TO:<b@other.example>")).startsWith("250");
        assertThat(s.command("RCPT TO:<c@other.example>"))
                .isEqualTo(SmtpReply.TOO_MANY_RECIPIENTS.line(2));
        assertThat(s.command("DATA")).startsWith("354");
        assertThat(s.endData("Subject: two\r\n\r\nfor two\r\n")).is(entry(SmtpReply.QUEUED));
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        assertThat(world.sink().messages().get(0).recipients())
                .containsExactly("a@other.example", "b@other.example");
    }

    @Test
    void aLineOf1000OctetsPassesOneOf1001IsRefused() throws Exception {
        start("");
        SmtpDialog s = greeted();
        assertThat(s.send("Subject: long\r\n\r\n" + "x".repeat(998) + "\r\n"))
                .is(entry(SmtpReply.QUEUED));
        assertThat(s.send("Subject: longer\r\n\r\n" + "x".repeat(999) + "\r\n"))
                .isEqualTo(SmtpReply.LINE_TOO_LONG.line(1000));
        assertThat(s.send("Subject: after\r\n\r\nthe session goes on\r\n"))
                .is(entry(SmtpReply.QUEUED));
    }

    @Test
    void aHeaderSectionOverMaxHeaderSizeIsRefused() throws Exception {
        start("max-header-size = 1KiB");
        SmtpDialog s = greeted();
        String header = ("X-Filler: " + "h".repeat(60) + "\r\n").repeat(20);
        assertThat(s.send(header + "\r\nbody\r\n")).isEqualTo(SmtpReply.HEADER_TOO_BIG.line(1024));
        assertThat(s.send("Subject: small\r\n\r\n" + header))
                .as("the same lines in the body")
                .startsWith("250");
    }

    @Test
    void aDeclaredSizeOverTheLimitOrTheBudgetLeftIsAnsweredAtMail() throws Exception {
        start("max-message-size = 1MiB, memory-budget = 1536KiB");
        SmtpDialog s = greeted();
        String mail = "MAIL FROM:<news@bank.example> SIZE=";
        assertThat(s.command(mail + 1_048_577))
                .isEqualTo(SmtpReply.MESSAGE_TOO_BIG.line(1_048_576));
        assertThat(s.command(mail + "99999999999999999999999 BODY=7BIT"))
                .as("over 2^63, not the last parameter")
                .isEqualTo(SmtpReply.MESSAGE_TOO_BIG.line(1_048_576));
        assertThat(s.command("mail from:<news@bank.example> body=7bit size=2000000"))
                .isEqualTo(SmtpReply.MESSAGE_TOO_BIG.line(1_048_576));
        assertThat(s.command(mail + 600_000)).startsWith("250");
        assertThat(s.command("RSET")).startsWith("250");

        // another session holds 1,000,000 bytes in DATA: 16 chunks of 64 KiB, 512 KiB are left
        SmtpDialog holder = greeted().startData("news@bank.example", "x@other.example");
        holder.write("Subject: held\r\n\r\n" + ("y".repeat(98) + "\r\n").repeat(10_000));
        Eventually.await(
                "the held bytes reserved, so SIZE=600000 no longer fits",
                Duration.ofSeconds(10),
                () -> {
                    String reply = s.command(mail + 600_000);
                    if (reply.startsWith("250")) {
                        s.command("RSET");
                    }
                    return reply.equals(SmtpReply.MEMORY_BUDGET_EXHAUSTED.line());
                });
        assertThat(s.command(mail + 400_000)).as("what still fits").startsWith("250");
        assertThat(s.command("RSET")).startsWith("250");
        assertThat(holder.endData("")).is(entry(SmtpReply.QUEUED));
        assertThat(s.command(mail + 600_000)).as("the budget is back").startsWith("250");
        assertThat(s.command("RCPT TO:<x@other.example>")).startsWith("250");
        assertThat(s.command("DATA")).startsWith("354");
        assertThat(s.endData("Subject: declared\r\n\r\nsmall\r\n")).is(entry(SmtpReply.QUEUED));
    }

    @Test
    void theMessageAfterMaxMessagesPerConnectionIsAnswered421AndTheConnectionClosed()
            throws Exception {
        start("max-messages-per-connection = 2");
        SmtpDialog s = greeted();
        assertThat(s.send("Subject: 1\r\n\r\none\r\n")).is(entry(SmtpReply.QUEUED));
        assertThat(s.send("Subject: 2\r\n\r\ntwo\r\n")).is(entry(SmtpReply.QUEUED));
        assertThat(s.command("MAIL FROM:<news@bank.example>"))
                .isEqualTo(SmtpReply.TOO_MANY_MESSAGES.line(2));
        assertThat(s.reply()).isNull();
        assertThat(greeted().send("Subject: 3\r\n\r\nthree\r\n")).is(entry(SmtpReply.QUEUED));
    }

    @Test
    void connectionsPerClientAreLimitedByAddress() throws Exception {
        start("max-connections-per-client = 2, max-connections = 10");
        SmtpDialog first = greeted();
        greeted();
        SmtpDialog third = connect("127.0.0.1");
        assertThat(third.reply())
                .isEqualTo(SmtpReply.TOO_MANY_CONNECTIONS_FROM_CLIENT.line("127.0.0.1", 2));
        assertThat(third.reply()).isNull();
        assertThat(connect("127.0.0.2").reply()).as("another client").startsWith("220");
        assertThat(first.command("QUIT")).startsWith("221");
        // the relay counts a connection as ended a little after the client's QUIT
        Eventually.value(
                "a place freed for 127.0.0.1",
                Duration.ofSeconds(10),
                () -> {
                    try (SmtpDialog d = new SmtpDialog(relay.port(), "127.0.0.1")) {
                        return d.reply();
                    }
                },
                greeting -> greeting != null && greeting.startsWith("220"));
    }

    @Test
    void connectionsInTotalAreLimited() throws Exception {
        start("max-connections-per-client = 10, max-connections = 2");
        assertThat(connect("127.0.0.1").reply()).startsWith("220");
        assertThat(connect("127.0.0.2").reply()).startsWith("220");
        assertThat(connect("127.0.0.3").reply()).isEqualTo(SmtpReply.TOO_MANY_CONNECTIONS.line(2));
    }

    @Test
    void aSilentClientIsDisconnectedAfterTheCommandTimeout() throws Exception {
        start("command-timeout = 1s");
        SmtpDialog s = connect("127.0.0.1");
        assertThat(s.reply()).startsWith("220");
        long start = System.nanoTime();
        // SubEthaSMTP's own reply, without an enhanced status code
        assertThat(s.reply()).isEqualTo("421 Timeout waiting for data from client.");
        assertThat(s.reply()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
    }

    @Test
    void aClientSilentInsideDataIsDisconnectedAfterTheDataTimeout() throws Exception {
        start("command-timeout = 30s, data-timeout = 1s");
        SmtpDialog s = greeted().startData("news@bank.example", "x@other.example");
        s.write("Subject: half a message\r\n");
        long start = System.nanoTime();
        assertThat(s.reply()).isEqualTo(SmtpReply.DATA_TIMEOUT.line());
        assertThat(s.reply()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(world.sink().messages()).isEmpty();
    }

    @Test
    void aCommandLineTricklingPastTheCommandDeadlineIsCut() throws Exception {
        start("command-timeout = 30s, command-deadline = 2s");
        SmtpDialog s = connect("127.0.0.1");
        assertThat(s.reply()).startsWith("220");
        long start = System.nanoTime();
        Trickle t = new Trickle(s, "EHLO bank.example", Duration.ofMillis(300));
        try {
            assertThat(s.reply())
                    .isEqualTo(SmtpReply.TOO_SLOW.line("Command not complete within 2 s"));
        } finally {
            t.close();
        }
        assertThat(s.reply()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(15));
        assertThat(greeted().send("Subject: after\r\n\r\nnext\r\n")).is(entry(SmtpReply.QUEUED));
    }

    @Test
    void dataBelowTheMinimumRateIsCutAfterTheGrace() throws Exception {
        start("min-data-rate = 1KiB");
        SmtpDialog s = greeted().startData("news@bank.example", "x@other.example");
        long start = System.nanoTime();
        Trickle t =
                new Trickle(s, "Subject: slow\r\n\r\n" + "z".repeat(500), Duration.ofMillis(100));
        try {
            assertThat(s.reply())
                    .isEqualTo(SmtpReply.TOO_SLOW.line("Message data slower than 1024 bytes/s"));
        } finally {
            t.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(25));
        assertThat(world.sink().messages()).isEmpty();
    }

    @Test
    void aTlsHandshakeTricklingPastTheCommandDeadlineIsCut() throws Exception {
        IntakeCertificate.write(world, dir);
        start(IntakeCertificate.TLS + ", command-timeout = 30s, command-deadline = 2s");
        SmtpDialog s = greeted();
        assertThat(s.command("STARTTLS")).startsWith("220");
        long start = System.nanoTime();
        // a TLS record header that never gets its body: the handshake waits on the client
        Trickle t = new Trickle(s, "\u0016\u0003\u0001\u0002\u0000\u0001", Duration.ofMillis(300));
        try {
            Eventually.await("the connection closed", Duration.ofSeconds(15), () -> s.closed());
        } finally {
            t.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(15));
    }

    /**
     * Writes {@code text} to {@code dialog} one character every {@code pause}, on its own thread.
     */
    private static final class Trickle {
        private final ScheduledExecutorService writer =
                Executors.newSingleThreadScheduledExecutor();

        Trickle(SmtpDialog dialog, String text, Duration pause) {
            AtomicInteger next = new AtomicInteger();
            writer.scheduleAtFixedRate(
                    () -> {
                        int i = next.getAndIncrement();
                        try {
                            dialog.write(text.substring(i % text.length(), i % text.length() + 1));
                        } catch (IOException e) {
                            writer.shutdown(); // cut
                        }
                    },
                    0,
                    pause.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        void close() {
            writer.shutdownNow();
        }
    }
}

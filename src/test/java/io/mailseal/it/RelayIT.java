package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static io.mailseal.testing.BankMail.BOB;
import static io.mailseal.testing.BankMail.CAROL;
import static io.mailseal.testing.BankMail.opensslOpens;
import static io.mailseal.testing.BankMail.otp;
import static io.mailseal.testing.Replies.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailseal.app.Relay;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.RelayUnderTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The walking skeleton over real sockets: bank → relay → sink, every sealed message opened by the
 * openssl CLI (and NSS cmsutil), never by mailseal's own reader.
 */
class RelayIT {
    @RegisterExtension
    final RelayUnderTest relay =
            RelayUnderTest.withPolicies(BankMail.POLICIES)
                    .customer(ALICE, KeyKind.RSA)
                    .customer(BOB, KeyKind.EC)
                    .config("delivery.retry { initial = 200ms, max = 1s }");

    Path dir;
    DemoWorld world;
    SubmissionClient bank;

    @BeforeEach
    void names() {
        dir = relay.dir();
        world = relay.world();
        bank = relay.bank();
    }

    private CapturedMessage onlyArrival() throws InterruptedException {
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        assertThat(world.sink().messages()).hasSize(1);
        return world.sink().messages().get(0);
    }

    @Test
    void oneTimeCodesArriveEncryptedSignedAndStampedForRsaAndEcRecipients() throws Exception {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger)
                        org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            sendCodesAndOpenThem();
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list)
                .isNotEmpty()
                .noneSatisfy(
                        e ->
                                assertThat(
                                                e.getFormattedMessage()
                                                        + " "
                                                        + (e.getThrowableProxy() == null
                                                                ? ""
                                                                : e.getThrowableProxy()
                                                                        .getMessage()))
                                        .containsAnyOf("493817", "493818", "sign-in code"));
    }

    private void sendCodesAndOpenThem() throws Exception {
        int n = 0;
        for (String customer : List.of(ALICE, BOB)) {
            String code = "4938" + (17 + n);
            Reply reply = bank.send(DemoWorld.BANK_SENDER, List.of(customer), otp(customer, code));
            assertThat(reply.line()).is(entry(SmtpReply.QUEUED));
            assertThat(world.sink().awaitMessages(n + 1, Duration.ofSeconds(10))).isTrue();
            CapturedMessage m = world.sink().messages().get(n++);
            assertThat(m.recipients()).containsExactly(customer);
            assertThat(m.text())
                    .doesNotContain(code)
                    .doesNotContainIgnoringCase("bcc:")
                    .doesNotContain("sign-in code")
                    .doesNotContain("X-Mail-Class")
                    .contains("smime-type=enveloped-data")
                    .contains("\r\nSubject: [...]\r\n");
            Path eml = Files.write(dir.resolve(customer + ".eml"), m.content());
            assertThat(opensslOpens(dir, eml, customer)).contains("Your one-time code is " + code);
            String inner = Files.readString(Path.of(eml + ".dec"));
            assertThat(inner)
                    .doesNotContainIgnoringCase("bcc:")
                    .containsPattern("hp=\"?cipher")
                    .contains("HP-Outer: Subject: [...]")
                    .contains("\nSubject: Your sign-in code")
                    .contains("X-Mail-Class: otp")
                    .contains("\nThread-Topic: Your sign-in code")
                    .containsPattern("hp-legacy-display=\"?1");
            TimestampCheck.opensslVerifiesToken(dir, Path.of(eml + ".dec"), Instant.now());
        }
    }

    @Test
    void nssCmsutilOpensTheDefaultEnvelopeAndFindsAGoodSignature() throws Exception {
        assumeTrue(
                ExternalTool.installed(dir, "cmsutil"),
                "NSS cmsutil not installed (bash .ci/run installs libnss3-tools)");
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "731904")).code())
                .isEqualTo(250);
        Path eml = Files.write(dir.resolve("nss.eml"), onlyArrival().content());
        try (NssEngine nss = new NssEngine(dir)) {
            assertThat(new String(nss.decryptAndVerify(eml, ALICE), StandardCharsets.UTF_8))
                    .contains("Your one-time code is 731904");
        }
    }

    @Test
    void oneEnvelopeServesEveryRecipientOfTheGroup() throws Exception {
        Reply reply =
                bank.send(
                        DemoWorld.BANK_SENDER,
                        List.of(ALICE, BOB),
                        otp(ALICE + ", " + BOB, "100200"));
        assertThat(reply.code()).isEqualTo(250);
        CapturedMessage m = onlyArrival();
        assertThat(m.recipients()).containsExactly(ALICE, BOB);
        Path eml = Files.write(dir.resolve("both.eml"), m.content());
        assertThat(opensslOpens(dir, eml, ALICE)).contains("100200");
        assertThat(opensslOpens(dir, eml, BOB)).contains("100200");
    }

    @Test
    void recipientWithoutCertificateRefusesTheWholeMessage() throws Exception {
        Reply alone = bank.send(DemoWorld.BANK_SENDER, List.of(CAROL), otp(CAROL, "555001"));
        assertThat(alone.line()).isEqualTo(SmtpReply.NO_CERTIFICATE.line("<" + CAROL + ">", "otp"));
        Reply mixed = bank.send(DemoWorld.BANK_SENDER, List.of(ALICE, CAROL), otp(ALICE, "555002"));
        assertThat(mixed.line())
                .isEqualTo(SmtpReply.NO_CERTIFICATE.line("<" + CAROL + ">", "otp"))
                .doesNotContain(ALICE);
        assertThat(relay.othersWhenControlArrived())
                .as("nothing of the refused messages")
                .isEmpty();
    }

    @Test
    void passMailArrivesWithItsBodyUnchanged() throws Exception {
        String body = "Newsletter line one\r\nline two with trailing spaces   \r\n";
        String headers = "From: news@bank.example\r\nTo: x@other.example\r\nSubject: News\r\n";
        String msg = headers + "Bcc: audit@bank.example,\r\n\tsecond@bank.example\r\n\r\n" + body;
        assertThat(bank.send("news@bank.example", List.of("x@other.example"), msg).code())
                .isEqualTo(250);
        CapturedMessage m = onlyArrival();
        assertThat(m.text())
                .endsWith(headers + "\r\n" + body)
                .startsWith("Received: ")
                .doesNotContain("audit@bank.example")
                .doesNotContain("second@bank.example");
    }

    @Test
    void temporaryNextHopTroubleIsRetriedAfterThe250() throws Exception {
        world.sink().failNext(CaptureSink.Verb.RCPT, 421, "4.3.2 try later");
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "1")).code())
                .isEqualTo(250);
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(15)))
                .as("retried after back-off")
                .isTrue();
        assertThat(world.sink().messages().get(0).recipients()).containsExactly(ALICE);
    }

    @Test
    void permanentRefusalBouncesToTheSenderWithHeadersOnly() throws Exception {
        world.sink().refuseRecipient(ALICE, 550, "5.1.1 no such user");
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "661199")).code())
                .isEqualTo(250);
        CapturedMessage dsn = onlyArrival();
        assertThat(dsn.envelopeFrom()).isEmpty();
        assertThat(dsn.recipients()).containsExactly(DemoWorld.BANK_SENDER);
        assertThat(dsn.text())
                .contains("multipart/report")
                .contains("Final-Recipient: rfc822; " + ALICE)
                .contains("Status: 5.1.1")
                .contains("Subject: [...]")
                .doesNotContain("661199")
                .doesNotContain("sign-in code")
                .doesNotContain("MIAGCSqGSIb3DQEHA");
    }

    @Test
    void requiredTimestampWithTheTsaDownIsRefusedTemporarily() throws Exception {
        world.tsa().setDown(true);
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "808080")).line())
                .isEqualTo(SmtpReply.TIMESTAMP_UNAVAILABLE.line());
        assertThat(relay.othersWhenControlArrived()).as("nothing of the refused message").isEmpty();
    }

    @Test
    void oversizeMessageIsRefusedAndTheSessionGoesOn() throws Exception {
        Relay small = relay.another("smtp.max-message-size = 4KiB");
        try (SmtpDialog s = new SmtpDialog(small.port())) {
            assertThat(s.reply()).startsWith("220");
            assertThat(s.command("EHLO bank.example")).startsWith("250");
            assertThat(s.command("MAIL FROM:<news@bank.example>")).startsWith("250");
            assertThat(s.command("RCPT TO:<x@other.example>")).startsWith("250");
            assertThat(s.command("DATA")).startsWith("354");
            s.write("Subject: big\r\n\r\n" + "0123456789abcdef".repeat(512) + "\r\n.\r\n");
            assertThat(s.reply()).isEqualTo(SmtpReply.MESSAGE_TOO_BIG.line(4096));
            assertThat(s.command("RSET")).startsWith("250");
            assertThat(s.command("QUIT")).startsWith("221");
        }
        assertThat(world.sink().messages()).isEmpty();
    }

    @Test
    void clientOutsideAllowedClientsIsRefusedAtConnect() throws Exception {
        Relay closed = relay.another("smtp.allowed-clients = [\"10.0.0.0/8\"]");
        try (SmtpDialog s = new SmtpDialog(closed.port())) {
            assertThat(s.reply())
                    .isEqualTo(
                            SmtpReply.CLIENT_NOT_ALLOWED.line("127.0.0.1", "smtp.allowed-clients"));
        }
    }
}

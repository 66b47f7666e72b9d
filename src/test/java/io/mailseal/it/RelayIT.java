package io.mailseal.it;

import io.mailseal.testing.ExternalTool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.app.Relay;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton over real sockets: bank → relay → sink, every sealed message opened
 * by the openssl CLI (and NSS cmsutil), never by mailseal's own reader.
 */
class RelayIT {
    static final String POLICIES = """
            { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt,
              timestamp = required, on-missing-certificate = reject }
            { name = default, action = pass }""";
    static final String ALICE = "alice@customer.example";
    static final String BOB = "bob@customer.example";
    static final String CAROL = "carol@customer.example";

    @TempDir
    Path dir;
    DemoWorld world;
    Relay relay;
    SubmissionClient bank;

    @BeforeEach
    void start() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        world.addCustomer(ALICE, KeyKind.RSA);
        world.addCustomer(BOB, KeyKind.EC);
        relay = Relay.start(ConfigLoader.load(world.writeConfig(POLICIES, "delivery.retry { initial = 200ms, max = 1s }")),
                Clock.systemUTC());
        bank = new SubmissionClient("127.0.0.1", relay.port());
    }

    @AfterEach
    void stop() {
        relay.close();
        world.close();
    }

    static String otp(String to, String code) {
        return """
                From: Example Bank <otp@bank.example>
                To: %s
                Bcc: audit@bank.example
                Subject: Your sign-in code
                Thread-Topic: Your sign-in code
                X-Mail-Class: otp
                Message-ID: <m-%d@bank.example>

                Your one-time code is %s.
                """.formatted(to, System.nanoTime(), code);
    }

    private CapturedMessage onlyArrival() throws InterruptedException {
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        assertThat(world.sink().messages()).hasSize(1);
        return world.sink().messages().get(0);
    }

    /** openssl decrypts with the customer's key and verifies against the demo CA; returns the plaintext. */
    static String opensslOpens(Path dir, Path eml, String customer) throws Exception {
        ExternalTool.ok(dir, "openssl", "cms", "-decrypt", "-in", eml.toString(),
                "-recip", "customers/" + customer + ".crt", "-inkey", "customers/" + customer + ".key",
                "-out", eml + ".dec");
        ExternalTool.ok(dir, "openssl", "cms", "-verify", "-in", eml + ".dec", "-CAfile", "certs/trust/ca.pem",
                "-purpose", "any", "-out", eml + ".txt");
        return Files.readString(Path.of(eml + ".txt"));
    }

    @Test
    void oneTimeCodesArriveEncryptedSignedAndStampedForRsaAndEcRecipients() throws Exception {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            sendCodesAndOpenThem();
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty().noneSatisfy(e -> assertThat(e.getFormattedMessage() + " "
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()))
                .containsAnyOf("493817", "493818", "sign-in code"));
    }

    private void sendCodesAndOpenThem() throws Exception {
        int n = 0;
        for (String customer : List.of(ALICE, BOB)) {
            String code = "4938" + (17 + n);
            Reply reply = bank.send(DemoWorld.BANK_SENDER, List.of(customer), otp(customer, code));
            assertThat(reply.code()).isEqualTo(250);
            assertThat(reply.text()).startsWith("2.0.0 Ok: queued as ");
            assertThat(world.sink().awaitMessages(n + 1, Duration.ofSeconds(10))).isTrue();
            CapturedMessage m = world.sink().messages().get(n++);
            assertThat(m.recipients()).containsExactly(customer);
            assertThat(m.text()).doesNotContain(code).doesNotContainIgnoringCase("bcc:")
                    .doesNotContain("sign-in code").doesNotContain("X-Mail-Class")
                    .contains("smime-type=enveloped-data").contains("\r\nSubject: [...]\r\n");
            Path eml = Files.write(dir.resolve(customer + ".eml"), m.content());
            assertThat(opensslOpens(dir, eml, customer)).contains("Your one-time code is " + code);
            String inner = Files.readString(Path.of(eml + ".dec"));
            assertThat(inner).doesNotContainIgnoringCase("bcc:").containsPattern("hp=\"?cipher")
                    .contains("HP-Outer: Subject: [...]").contains("\nSubject: Your sign-in code")
                    .contains("X-Mail-Class: otp").contains("\nThread-Topic: Your sign-in code")
                    .containsPattern("hp-legacy-display=\"?1");
            TimestampCheck.opensslVerifiesToken(dir, Path.of(eml + ".dec"), Instant.now());
        }
    }

    @Test
    void nssCmsutilOpensTheDefaultEnvelopeAndFindsAGoodSignature() throws Exception {
        assumeTrue(ExternalTool.installed(dir, "cmsutil"), "NSS cmsutil not installed (bash .ci/run installs libnss3-tools)");
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "731904")).code()).isEqualTo(250);
        Path eml = Files.write(dir.resolve("nss.eml"), onlyArrival().content());
        try (NssEngine nss = new NssEngine(dir)) {
            assertThat(new String(nss.decryptAndVerify(eml, ALICE), StandardCharsets.UTF_8))
                    .contains("Your one-time code is 731904");
        }
    }

    @Test
    void oneEnvelopeServesEveryRecipientOfTheGroup() throws Exception {
        Reply reply = bank.send(DemoWorld.BANK_SENDER, List.of(ALICE, BOB), otp(ALICE + ", " + BOB, "100200"));
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
        assertThat(alone.line()).isEqualTo("550 5.7.1 <carol@customer.example>: no valid certificate (policy otp)");
        Reply mixed = bank.send(DemoWorld.BANK_SENDER, List.of(ALICE, CAROL), otp(ALICE, "555002"));
        assertThat(mixed.code()).isEqualTo(550);
        assertThat(mixed.text()).contains("<carol@customer.example>").doesNotContain(ALICE);
        assertThat(world.sink().awaitMessages(1, Duration.ofMillis(300))).isFalse();
    }

    @Test
    void passMailArrivesWithItsBodyUnchanged() throws Exception {
        String body = "Newsletter line one\r\nline two with trailing spaces   \r\n";
        String headers = "From: news@bank.example\r\nTo: x@other.example\r\nSubject: News\r\n";
        String msg = headers + "Bcc: audit@bank.example,\r\n\tsecond@bank.example\r\n\r\n" + body;
        assertThat(bank.send("news@bank.example", List.of("x@other.example"), msg).code()).isEqualTo(250);
        CapturedMessage m = onlyArrival();
        assertThat(m.text()).endsWith(headers + "\r\n" + body).startsWith("Received: ")
                .doesNotContain("audit@bank.example").doesNotContain("second@bank.example");
    }

    @Test
    void temporaryNextHopTroubleIsRetriedAfterThe250() throws Exception {
        world.sink().failNext(CaptureSink.Verb.RCPT, 421, "4.3.2 try later");
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "1")).code()).isEqualTo(250);
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(15))).as("retried after back-off").isTrue();
        assertThat(world.sink().messages().get(0).recipients()).containsExactly(ALICE);
    }

    @Test
    void permanentRefusalBouncesToTheSenderWithHeadersOnly() throws Exception {
        world.sink().refuseRecipient(ALICE, 550, "5.1.1 no such user");
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "661199")).code()).isEqualTo(250);
        CapturedMessage dsn = onlyArrival();
        assertThat(dsn.envelopeFrom()).isEmpty();
        assertThat(dsn.recipients()).containsExactly(DemoWorld.BANK_SENDER);
        assertThat(dsn.text()).contains("multipart/report").contains("Final-Recipient: rfc822; " + ALICE)
                .contains("Status: 5.1.1").contains("Subject: [...]")
                .doesNotContain("661199").doesNotContain("sign-in code").doesNotContain("MIAGCSqGSIb3DQEHA");
    }

    @Test
    void requiredTimestampWithTheTsaDownIsRefusedTemporarily() throws Exception {
        world.tsa().setDown(true);
        assertThat(bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "808080")).line())
                .startsWith("451 4.7.0");
        assertThat(world.sink().awaitMessages(1, Duration.ofMillis(300))).isFalse();
    }

    @Test
    void oversizeMessageIsRefusedAndTheSessionGoesOn() throws Exception {
        try (Relay small = Relay.start(ConfigLoader.load(world.writeConfig(POLICIES,
                "smtp.max-message-size = 4KiB")), Clock.systemUTC());
             SmtpDialog s = new SmtpDialog(small.port())) {
            assertThat(s.reply()).startsWith("220");
            assertThat(s.command("EHLO bank.example")).startsWith("250");
            assertThat(s.command("MAIL FROM:<news@bank.example>")).startsWith("250");
            assertThat(s.command("RCPT TO:<x@other.example>")).startsWith("250");
            assertThat(s.command("DATA")).startsWith("354");
            s.write("Subject: big\r\n\r\n" + "0123456789abcdef".repeat(512) + "\r\n.\r\n");
            assertThat(s.reply()).startsWith("552 5.3.4");
            assertThat(s.command("RSET")).startsWith("250");
            assertThat(s.command("QUIT")).startsWith("221");
        }
        assertThat(world.sink().messages()).isEmpty();
    }

    @Test
    void clientOutsideAllowedClientsIsRefusedAtConnect() throws Exception {
        try (Relay closed = Relay.start(ConfigLoader.load(world.writeConfig(POLICIES,
                "smtp.allowed-clients = [\"10.0.0.0/8\"]")), Clock.systemUTC());
             SmtpDialog s = new SmtpDialog(closed.port())) {
            assertThat(s.reply()).startsWith("554 5.7.1");
        }
    }

}

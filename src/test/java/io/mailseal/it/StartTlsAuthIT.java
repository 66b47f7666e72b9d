package io.mailseal.it;

import static io.mailseal.testing.Replies.entry;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailseal.app.Relay;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Inbound STARTTLS and AUTH with real TLS handshakes: the JDK's client, and openssl s_client as an
 * independent one for the protocol and cipher suite policy.
 */
class StartTlsAuthIT {
    /** SubEthaSMTP's own text, not one of mailseal's replies. */
    static final String NOT_BASE64 = "501 Invalid command argument, not a valid Base64 string";

    private static final String SERVER_NAME = IntakeCertificate.SERVER_NAME;
    private static final String PASSWORD = "correct horse battery staple";
    private static final String TLS = IntakeCertificate.TLS;

    @TempDir Path dir;
    DemoWorld world;
    Relay relay;
    SSLSocketFactory client;

    @BeforeEach
    void world() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        IntakeCertificate.write(world, dir);
        // the users file as an administrator makes it
        Path password = Files.writeString(dir.resolve("keys/password"), PASSWORD + "\n");
        CommandLineIT.Run mta =
                CommandLineIT.mailseal(
                        "smtp-passwd",
                        "--password-file",
                        password.toString(),
                        "--iterations",
                        "1000",
                        "mta");
        CommandLineIT.Run legacy =
                CommandLineIT.mailseal(
                        "smtp-passwd",
                        "--password-file",
                        password.toString(),
                        "--bcrypt",
                        "--cost",
                        "4",
                        "legacy");
        assertThat(mta.out())
                .matches("mta:\\$pbkdf2-sha256\\$1000\\$[./A-Za-z0-9]{22}\\$[./A-Za-z0-9]{43}\n");
        assertThat(legacy.out()).startsWith("legacy:$2b$04$");
        Files.writeString(dir.resolve("keys/smtp-users"), "# MTAs\n" + mta.out() + legacy.out());
        client = IntakeCertificate.client(world, "TLS");
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        world.close();
    }

    private void start(String smtp) throws Exception {
        relay = IntakeLimitsIT.passRelay(world, smtp);
    }

    /** Loopback is outside allowed-clients: only an authenticated session may relay. */
    private void startWithAuth() throws Exception {
        start(
                "allowed-clients = [\"10.99.0.0/16\"], "
                        + TLS
                        + ", auth.users-file = \"keys/smtp-users\"");
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private SSLSession greetAndStartTls(SmtpDialog s) throws Exception {
        assertThat(s.reply()).startsWith("220");
        s.write("EHLO bank.example\r\n");
        assertThat(s.replyLines()).containsPattern("250[- ]STARTTLS").doesNotContain("AUTH");
        assertThat(s.command("STARTTLS")).startsWith("220");
        SSLSession tls = s.startTls(client, SERVER_NAME);
        s.write("EHLO bank.example\r\n");
        assertThat(s.replyLines()).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        return tls;
    }

    private static void sendsOneMessage(SmtpDialog s) throws Exception {
        assertThat(s.send("Subject: over tls\r\n\r\nhello\r\n")).is(entry(SmtpReply.QUEUED));
    }

    @Test
    void aClientOutsideAllowedClientsRelaysOnlyAfterStartTlsAndAuth() throws Exception {
        startWithAuth();
        try (SmtpDialog s = new SmtpDialog(relay.port())) {
            assertThat(s.reply()).startsWith("220");
            assertThat(s.command("EHLO bank.example")).startsWith("250");
            assertThat(s.command("AUTH PLAIN " + plain("mta", PASSWORD)))
                    .isEqualTo(SmtpReply.AUTH_NEEDS_TLS.line());
            assertThat(s.command("AUTH LOGIN"))
                    .as("no challenge in the clear")
                    .isEqualTo(SmtpReply.AUTH_NEEDS_TLS.line());
            assertThat(s.command("MAIL FROM:<news@bank.example>"))
                    .isEqualTo(SmtpReply.AUTH_REQUIRED.line());
            assertThat(s.command("STARTTLS")).startsWith("220");
            SSLSession tls = s.startTls(client, SERVER_NAME);
            assertThat(tls.getProtocol()).isEqualTo("TLSv1.3");
            s.write("EHLO bank.example\r\n");
            assertThat(s.replyLines())
                    .containsPattern("250[- ]AUTH PLAIN LOGIN")
                    .doesNotContain("STARTTLS");
            assertThat(s.command("MAIL FROM:<news@bank.example>"))
                    .isEqualTo(SmtpReply.AUTH_REQUIRED.line());
            assertThat(s.command("AUTH PLAIN " + plain("mta", PASSWORD))).startsWith("235");
            sendsOneMessage(s);
        }
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aWrongPasswordIsRefused535AndLoggedWithoutThePassword() throws Exception {
        startWithAuth();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger)
                        LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        String wrong = "Tr0ub4dor&3-wrong";
        try (SmtpDialog s = new SmtpDialog(relay.port())) {
            greetAndStartTls(s);
            assertThat(s.command("AUTH PLAIN " + plain("mta", wrong)))
                    .isEqualTo(SmtpReply.AUTH_FAILED.line());
            assertThat(s.command("AUTH PLAIN " + plain("nobody", wrong)))
                    .isEqualTo(SmtpReply.AUTH_FAILED.line());
            // SubEthaSMTP's own reply to an initial response that is not Base64 (not
            // SmtpReply.AUTH_MALFORMED)
            assertThat(s.command("AUTH PLAIN not-base64!")).isEqualTo(NOT_BASE64);
            assertThat(s.command("MAIL FROM:<news@bank.example>"))
                    .isEqualTo(SmtpReply.AUTH_REQUIRED.line());
            // LOGIN against the bcrypt entry
            assertThat(s.command("AUTH LOGIN")).startsWith("334");
            assertThat(
                            s.command(
                                    Base64.getEncoder()
                                            .encodeToString(
                                                    "legacy".getBytes(StandardCharsets.UTF_8))))
                    .startsWith("334");
            assertThat(
                            s.command(
                                    Base64.getEncoder()
                                            .encodeToString(
                                                    PASSWORD.getBytes(StandardCharsets.UTF_8))))
                    .startsWith("235");
            sendsOneMessage(s);
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains(
                        "AUTH failed for user \"mta\" from 127.0.0.1",
                        "AUTH failed for user \"nobody\" from 127.0.0.1",
                        "AUTH succeeded for user \"legacy\" from 127.0.0.1")
                .noneSatisfy(
                        m -> assertThat(m).containsAnyOf(wrong, PASSWORD, plain("mta", wrong)));
    }

    @Test
    void theThirdWrongPasswordEndsTheConnection() throws Exception {
        startWithAuth();
        try (SmtpDialog s = new SmtpDialog(relay.port())) {
            greetAndStartTls(s);
            assertThat(s.command("AUTH PLAIN " + plain("mta", "guess-1")))
                    .isEqualTo(SmtpReply.AUTH_FAILED.line());
            assertThat(s.command("AUTH PLAIN not-base64!"))
                    .as("a garbled answer is no guess")
                    .isEqualTo(NOT_BASE64);
            assertThat(s.command("AUTH PLAIN " + plain("mta", "guess-2")))
                    .isEqualTo(SmtpReply.AUTH_FAILED.line());
            assertThat(s.command("AUTH PLAIN " + plain("mta", "guess-3")))
                    .isEqualTo(SmtpReply.AUTH_TOO_MANY_FAILURES.line());
            assertThat(s.reply()).as("closed by the relay").isNull();
        }
        try (SmtpDialog s = new SmtpDialog(relay.port())) {
            greetAndStartTls(s);
            assertThat(s.command("AUTH PLAIN " + plain("mta", PASSWORD)))
                    .as("a new connection starts afresh")
                    .startsWith("235");
        }
    }

    @Test
    void requiredTlsRefusesMailBeforeStartTls() throws Exception {
        start(TLS.replace("}", ", require = true }"));
        try (SmtpDialog s = new SmtpDialog(relay.port())) {
            assertThat(s.reply()).startsWith("220");
            assertThat(s.command("EHLO bank.example")).startsWith("250");
            assertThat(s.command("MAIL FROM:<news@bank.example>"))
                    .isEqualTo(SmtpReply.STARTTLS_REQUIRED.line());
            assertThat(s.command("STARTTLS")).startsWith("220");
            s.startTls(client, SERVER_NAME);
            assertThat(s.command("EHLO bank.example")).startsWith("250");
            sendsOneMessage(s);
        }
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void opensslGetsTls12OnlyWithForwardSecrecyAndNothingOlder() throws Exception {
        start(TLS);
        String port = Integer.toString(relay.port());
        String[] sClient = {
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + port,
            "-starttls",
            "smtp",
            "-CAfile",
            "certs/trust/ca.pem",
            "-verify_return_error"
        };
        assertThat(
                        ExternalTool.ok(
                                dir,
                                concat(
                                        sClient,
                                        "-tls1_2",
                                        "-cipher",
                                        "ECDHE-RSA-AES128-GCM-SHA256")))
                .contains("Cipher is ECDHE-RSA-AES128-GCM-SHA256")
                .contains("Verify return code: 0 (ok)");
        assertThat(ExternalTool.ok(dir, concat(sClient, "-tls1_3"))).contains("TLSv1.3");
        assertThat(
                        ExternalTool.run(
                                        dir,
                                        concat(sClient, "-tls1_2", "-cipher", "AES128-GCM-SHA256"))
                                .exitCode())
                .as("RSA key exchange: no forward secrecy")
                .isNotZero();
        assertThat(
                        ExternalTool.run(
                                        dir,
                                        concat(
                                                sClient,
                                                "-tls1_2",
                                                "-cipher",
                                                "ECDHE-RSA-AES128-SHA"))
                                .exitCode())
                .as("CBC")
                .isNotZero();
        assertThat(
                        ExternalTool.run(
                                        dir,
                                        concat(sClient, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0"))
                                .exitCode())
                .as("TLS 1.1")
                .isNotZero();
    }

    @Test
    void smtpPasswdRefusesBadInputWithoutPrintingAHash() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path pw = Files.writeString(dir.resolve("pw"), "x\n");
        assertThat(
                        CommandLineIT.mailseal(
                                        "smtp-passwd", "--password-file", empty.toString(), "u")
                                .err())
                .contains("the password is empty");
        assertThat(
                        CommandLineIT.mailseal(
                                        "smtp-passwd", "--password-file", pw.toString(), "a:b")
                                .err())
                .contains("without ':'");
        CommandLineIT.Run few =
                CommandLineIT.mailseal(
                        "smtp-passwd", "--password-file", pw.toString(), "--iterations", "10", "u");
        assertThat(few.err()).contains("at least 1000 iterations");
        assertThat(few.out()).isEmpty();
    }

    @Test
    void checkConfigOpensTheTlsKeyAndTheUsersFile() throws Exception {
        Path conf =
                world.writeConfig(
                        "{ name = default, action = pass }",
                        "smtp { " + TLS + ", auth.users-file = \"keys/smtp-users\" }");
        CommandLineIT.Run good = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(good.exit()).as(good.err()).isZero();
        assertThat(good.out()).contains("STARTTLS offered, AUTH 2 users");
        PkiFiles.writePrivateKey(
                dir.resolve("keys/smtp.key"), world.pki().customer("x@y.example", KeyKind.RSA));
        CommandLineIT.Run bad = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err())
                .contains(
                        "config error: mailseal.smtp.tls.key: \""
                                + dir.resolve("keys/smtp.key")
                                + "\" is not the key of mailseal.smtp.tls.certificate's first certificate");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

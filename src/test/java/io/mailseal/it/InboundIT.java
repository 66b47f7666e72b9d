package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LogCapture;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.OpensslCustomerMail;
import io.mailseal.testing.RelayProcess;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Customer service both ways over real sockets (issue 19): a customer's mail made by openssl
 * reaches the inbound listener, is decrypted and verified in memory and delivered to the bank's
 * mail server (the capture sink) with an RFC 7281 verdict; the agent's plain reply goes out through
 * the outbound listener sealed to the certificate harvested from the customer's mail.
 */
class InboundIT {
    static final String ALICE = "alice@customer.example";
    static final String SERVICE = "service@bank.example";
    static final String COMPLAINTS = "complaints@bank.example";
    static final String INFO = "info@bank.example";
    static final String AUTHSERV = "mailseal.bank.example";
    static final String SECRET_TEXT = "sperren Sie meine Karte";

    static final String POLICIES =
            """
            { name = service, match { from = "service@bank.example" }, action = encrypt,
              timestamp = required }
            { name = default, action = pass }""";

    @TempDir Path dir;

    private Path config(DemoWorld world) throws Exception {
        return config(world, "127.0.0.1:0");
    }

    private Path config(DemoWorld world, String inboundListen) throws Exception {
        return world.writeConfig(
                POLICIES,
                """
                certificates.sources = [ { type = harvest, path = harvest } ]
                evidence.enabled = true
                inbound {
                  listen = "%s"
                  next-hop = "127.0.0.1:%d"
                  authserv-id = "%s"
                  allowed-clients = ["127.0.0.0/8"]
                  policies = [
                    { name = service, match { to = "service@bank.example" }, require = encrypted,
                      on-violation = reject }
                    { name = complaints, match { to = "complaints@bank.example" },
                      require = signed-and-encrypted, on-violation = tag }
                    { name = default, require = none }
                  ]
                }
                """
                        .formatted(inboundListen, world.sink().port(), AUTHSERV));
    }

    /** Alice's key pair, known to openssl (customers/...) but published nowhere. */
    private OpensslCustomerMail alice(DemoWorld world, DemoPki pki) throws Exception {
        DemoPki.Issued alice = pki.customer(ALICE, KeyKind.RSA);
        PkiFiles.writeCertificate(dir.resolve("customers/" + ALICE + ".crt"), alice.certificate());
        PkiFiles.writePrivateKey(dir.resolve("customers/" + ALICE + ".key"), alice);
        Path work = Files.createDirectories(dir.resolve("customer-" + System.nanoTime()));
        return new OpensslCustomerMail(work, alice, ALICE);
    }

    private static String signedAndEncrypted(OpensslCustomerMail mail, DemoWorld world)
            throws Exception {
        Path sealed =
                mail.encrypted(
                        mail.signed(false), world.bank().certificate(), "-aes-256-gcm", true);
        return new String(OpensslCustomerMail.crlf(sealed), StandardCharsets.ISO_8859_1);
    }

    @Test
    void customerToAgentAndBackRoundTrip() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                LogCapture log = new LogCapture("io.mailseal")) {
            OpensslCustomerMail mail = alice(world, world.pki());
            // a customer cannot forge our verdict; other hosts' results stay
            String sent =
                    "Authentication-Results: "
                            + AUTHSERV
                            + "; smime=pass (forged by the sender)\r\n"
                            + "Authentication-Results: mx.bank.example; spf=pass\r\n"
                            + "X-Mailseal-Encrypted: yes; cipher=forged\r\n"
                            + signedAndEncrypted(mail, world);
            try (Relay relay = Relay.start(ConfigLoader.load(config(world)), Clock.systemUTC())) {
                SubmissionClient.Reply r =
                        new SubmissionClient("127.0.0.1", relay.inboundPort())
                                .send(ALICE, List.of(SERVICE), sent);
                assertThat(r.code()).as(r.line()).isEqualTo(250);
                CapturedMessage delivered = await(world, 1);
                assertThat(delivered.recipients()).containsExactly(SERVICE);
                String text = delivered.text();
                assertThat(text)
                        .startsWith(
                                "Authentication-Results: "
                                        + AUTHSERV
                                        + ";\r\n\tsmime=pass\r\n\tbody.smime-identifier="
                                        + ALICE
                                        + " body.smime-part=1 body.smime-serial="
                                        + mail.customer()
                                                .certificate()
                                                .getSerialNumber()
                                                .toString(16)
                                        + "\r\n\tbody.smime-issuer=\"")
                        .contains("X-Mailseal-Encrypted: yes; cipher=aes256-gcm\r\n")
                        .contains("Authentication-Results: mx.bank.example; spf=pass\r\n")
                        .doesNotContain("forged")
                        .doesNotContain("pkcs7-mime");
                MimeMessage m = parse(delivered.content());
                assertThat(m.getSubject()).isEqualTo(OpensslCustomerMail.SUBJECT);
                assertThat(firstPart(m))
                        .as("the signed content, byte for byte")
                        .isEqualTo(OpensslCustomerMail.CONTENT);
                assertThat(new OpensslEngine(dir).verify(delivered.content()))
                        .as("the agent's client can check the signature too")
                        .isInstanceOf(ReaderEngine.Outcome.Done.class);
                assertThat(dir.resolve("harvest/" + ALICE + ".pem")).exists();

                String reply =
                        """
                        From: Kundenservice <service@bank.example>
                        To: alice@customer.example
                        Subject: Re: %s
                        In-Reply-To: %s
                        References: %s
                        Message-ID: <reply-1@bank.example>

                        Ihre Karte ist gesperrt.
                        """
                                .formatted(
                                        OpensslCustomerMail.SUBJECT,
                                        m.getMessageID(),
                                        m.getMessageID());
                Instant sentAt = Instant.now();
                SubmissionClient.Reply out =
                        new SubmissionClient("127.0.0.1", relay.port())
                                .send(SERVICE, List.of(ALICE), reply);
                assertThat(out.code()).as(out.line()).isEqualTo(250);
                CapturedMessage sealed = await(world, 2);
                assertThat(sealed.text())
                        .contains("In-Reply-To: " + m.getMessageID())
                        .contains("References: " + m.getMessageID())
                        .contains("application/pkcs7-mime")
                        .contains("Subject: [...]")
                        .doesNotContain("Ihre Karte");
                Path eml = Files.write(dir.resolve("reply.eml"), sealed.content());
                assertThat(io.mailseal.testing.BankMail.opensslOpens(dir, eml, ALICE))
                        .contains("Ihre Karte ist gesperrt.");
                TimestampCheck.opensslVerifiesToken(dir, Path.of(eml + ".dec"), sentAt);
                assertThat(Files.readString(Path.of(eml + ".dec"), StandardCharsets.ISO_8859_1))
                        .as("header protection: the real Subject is inside")
                        .contains("Subject: Re: " + OpensslCustomerMail.SUBJECT);
            }
            assertThat(log.events())
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(line -> line.contains(SECRET_TEXT))
                    .noneMatch(line -> line.contains(OpensslCustomerMail.SUBJECT))
                    .anyMatch(line -> line.startsWith("harvested <" + ALICE + ">"));
            evidenceOfTheRoundTrip();
        }
    }

    /**
     * The journal has the customer's mail (accepted with its verdict and the hash of the encrypted
     * message, delivered inside without a hash: it went decrypted) and the agent's sealed reply,
     * and neither the text nor the Subject of either.
     */
    private void evidenceOfTheRoundTrip() throws Exception {
        StringBuilder journal = new StringBuilder();
        try (Stream<Path> days = Files.list(dir.resolve("evidence/journal"))) {
            for (Path day : days.toList()) {
                journal.append(Files.readString(day, StandardCharsets.ISO_8859_1));
            }
        }
        List<String> lines = journal.toString().lines().toList();
        assertThat(lines)
                .anyMatch(
                        l ->
                                l.matches(
                                        ".*\"outcome\":\"accepted\".*\"to\":\""
                                                + SERVICE
                                                + "\".*\"policy\":\"inbound:service\","
                                                + "\"treatment\":\"inbound\",\"smime\":\"pass\","
                                                + "\"sha256\":\"[0-9a-f]{64}\".*"))
                .anyMatch(
                        l ->
                                l.contains("\"outcome\":\"delivered\"")
                                        && l.contains("\"policy\":\"inbound:service\"")
                                        && !l.contains("\"sha256\""))
                .anyMatch(
                        l ->
                                l.contains("\"outcome\":\"accepted\"")
                                        && l.contains("\"to\":\"" + ALICE + "\"")
                                        && l.contains("\"treatment\":\"sealed\""))
                .anyMatch(l -> l.contains("\"kind\":\"anchor\""));
        assertThat(journal.toString())
                .doesNotContain(SECRET_TEXT)
                .doesNotContain(OpensslCustomerMail.SUBJECT)
                .doesNotContain("Ihre Karte");
    }

    @Test
    void tamperedUntrustedAndPlainMailGetTheirVerdictsOrTheRefusal() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            OpensslCustomerMail mail = alice(world, world.pki());
            String signed =
                    new String(
                            OpensslCustomerMail.crlf(mail.signed(false)),
                            StandardCharsets.ISO_8859_1);
            OpensslCustomerMail stranger =
                    alice(world, new DemoPki(Clock.systemUTC(), "someone else's CA"));
            String untrusted = signedAndEncrypted(stranger, world);
            String plain =
                    "From: " + ALICE + "\r\nSubject: plain\r\n" + OpensslCustomerMail.CONTENT;
            try (Relay relay = Relay.start(ConfigLoader.load(config(world)), Clock.systemUTC())) {
                SubmissionClient customer = new SubmissionClient("127.0.0.1", relay.inboundPort());

                SubmissionClient.Reply refused = customer.send(ALICE, List.of(SERVICE), plain);
                assertThat(refused.code()).isEqualTo(550);
                assertThat(refused.text())
                        .isEqualTo(
                                "5.7.1 Mail to <service@bank.example> must be encrypted with"
                                        + " S/MIME to the bank's certificate (policy service);"
                                        + " this message was not encrypted");

                assertThat(customer.send(ALICE, List.of(COMPLAINTS), plain).code()).isEqualTo(250);
                assertThat(await(world, 1).text())
                        .startsWith("Authentication-Results: " + AUTHSERV + ";\r\n\tsmime=none\r\n")
                        .contains("X-Mailseal-Encrypted: no\r\n");

                String tampered = signed.replace("sperren Sie", "entsperren Sie");
                assertThat(customer.send(ALICE, List.of(INFO), tampered).code()).isEqualTo(250);
                assertThat(await(world, 2).text())
                        .startsWith(
                                "Authentication-Results: "
                                        + AUTHSERV
                                        + ";\r\n\tsmime=fail reason=\"signature does not verify");

                assertThat(customer.send(ALICE, List.of(SERVICE), untrusted).code()).isEqualTo(250);
                assertThat(await(world, 3).text())
                        .startsWith(
                                "Authentication-Results: "
                                        + AUTHSERV
                                        + ";\r\n\tsmime=fail reason=\"signer not issued by a"
                                        + " trusted CA")
                        .contains("X-Mailseal-Encrypted: yes; cipher=aes256-gcm");
                assertThat(dir.resolve("harvest/" + ALICE + ".pem"))
                        .as("no harvest from a failed signature")
                        .doesNotExist();

                String metrics =
                        AdminPort.get(relay.adminPort(), "/metrics", Duration.ofSeconds(5)).body();
                assertThat(metrics)
                        .contains(
                                "mailseal_inbound_messages_total{outcome=\"refused\",policy=\"service\",verdict=\"none\"} 1.0",
                                "mailseal_inbound_messages_total{outcome=\"queued\",policy=\"complaints\",verdict=\"none\"} 1.0",
                                "mailseal_inbound_messages_total{outcome=\"queued\",policy=\"default\",verdict=\"fail\"} 1.0",
                                "mailseal_inbound_messages_total{outcome=\"queued\",policy=\"service\",verdict=\"fail\"} 1.0");
                assertThat(
                                AdminPort.get(relay.adminPort(), "/ready", Duration.ofSeconds(5))
                                        .statusCode())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void explainInboundShowsThePolicyTheKeyAndThePlainMailReply() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Path conf = config(world);
            CommandLineIT.Run run =
                    CommandLineIT.mailseal(
                            "explain",
                            "--inbound",
                            "-c",
                            conf.toString(),
                            "--to",
                            SERVICE,
                            "--to",
                            INFO);
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out())
                    .contains(
                            "inbound listener 127.0.0.1:0, next hop 127.0.0.1:"
                                    + world.sink().port()
                                    + ", authserv-id "
                                    + AUTHSERV)
                    .contains("recipient <service@bank.example>")
                    .contains("policy service        MATCH: require encrypted, on-violation reject")
                    .contains("decryption key: mailseal.identities[0] (")
                    .contains(
                            "policy complaints     no: recipient <info@bank.example> does not match")
                    .contains("policy default        MATCH: require none, on-violation reject")
                    .contains(
                            "reply to plain mail: 550 5.7.1 Mail to <service@bank.example> must be"
                                    + " encrypted with S/MIME to the bank's certificate (policy"
                                    + " service); this message was not encrypted");
        }
    }

    /**
     * The real jar, killed with SIGKILL while the message waits for the next hop: the inbound spool
     * holds ciphertext only, neither log holds the text or the subject, and the restarted relay
     * decrypts the recovered message before it sends it.
     */
    @Test
    void aQueuedInboundMessageIsCiphertextOnDiskAndDecryptedAfterKillDashNine() throws Exception {
        int inboundPort = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            OpensslCustomerMail mail = alice(world, world.pki());
            Path conf = config(world, "127.0.0.1:" + inboundPort);
            world.sink().refuseRecipient(SERVICE, 451, "4.2.1 mailbox busy");
            RelayProcess first = RelayProcess.start(conf, inboundPort, dir.resolve("relay-1.log"));
            try {
                assertThat(
                                new SubmissionClient("127.0.0.1", inboundPort)
                                        .send(
                                                ALICE,
                                                List.of(SERVICE),
                                                signedAndEncrypted(mail, world))
                                        .code())
                        .isEqualTo(250);
                Eventually.await(
                        "the next hop was tried",
                        Duration.ofSeconds(10),
                        () -> world.sink().sessionsOpened() > 0);
            } finally {
                first.kill();
            }
            Path queue = dir.resolve("spool/inbound/queue");
            try (Stream<Path> files = Files.list(queue)) {
                assertThat(files.toList()).hasSize(1);
            }
            try (Stream<Path> all = Files.walk(dir.resolve("spool"))) {
                for (Path f : all.filter(Files::isRegularFile).toList()) {
                    String content = Files.readString(f, StandardCharsets.ISO_8859_1);
                    assertThat(content).as(f.toString()).doesNotContain(SECRET_TEXT);
                }
            }
            world.sink().acceptRecipient(SERVICE);
            try (RelayProcess second =
                    RelayProcess.start(conf, inboundPort, dir.resolve("relay-2.log"))) {
                String text = await(world, 1).text();
                assertThat(text)
                        .contains("smime=pass")
                        .contains("X-Mailseal-Encrypted: yes; cipher=aes256-gcm")
                        .contains(SECRET_TEXT);
                Eventually.await(
                        "the inbound spool is empty",
                        Duration.ofSeconds(10),
                        () -> {
                            try (Stream<Path> files = Files.list(queue)) {
                                return files.findAny().isEmpty();
                            }
                        });
                assertThat(second.log()).doesNotContain(SECRET_TEXT);
            }
            assertThat(Files.readString(dir.resolve("relay-1.log")))
                    .contains("inbound queued id=")
                    .doesNotContain(SECRET_TEXT)
                    .doesNotContain(OpensslCustomerMail.SUBJECT);
        }
    }

    private static CapturedMessage await(DemoWorld world, int n) throws Exception {
        assertThat(world.sink().awaitMessages(n, Duration.ofSeconds(15)))
                .as("%d message(s) at the next hop", n)
                .isTrue();
        return world.sink().messages().get(n - 1);
    }

    private static MimeMessage parse(byte[] content) throws Exception {
        return new MimeMessage(
                Session.getInstance(new Properties()), new ByteArrayInputStream(content));
    }

    private static String firstPart(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((MimeMultipart) m.getContent()).getBodyPart(0).writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}

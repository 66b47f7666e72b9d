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
        return config(world, inboundListen, "");
    }

    /** {@code extra}: HOCON after the inbound section, over it. */
    private Path config(DemoWorld world, String inboundListen, String extra) throws Exception {
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
                %s
                """
                        .formatted(inboundListen, world.sink().port(), AUTHSERV, extra));
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

    /**
     * Under hard-fail revocation, a signature whose signer's status cannot be learnt (the OCSP
     * responder on the certificate's AIA URL is down) cannot meet a policy that requires it: the
     * customer's server is told 451 4.7.5 and retries; nothing is delivered, spooled or harvested.
     */
    @Test
    void aSignerWhoseResponderIsDownIsTold451AndRetries() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            String deadResponder = "http://127.0.0.1:" + LoopbackPorts.free() + "/";
            DemoPki.Issued alice =
                    world.pki().certificate(ALICE, KeyKind.RSA).ocspUrl(deadResponder).build();
            Path work = Files.createDirectories(dir.resolve("customer-ocsp"));
            OpensslCustomerMail mail = new OpensslCustomerMail(work, alice, ALICE);
            Path conf =
                    config(
                            world,
                            "127.0.0.1:0",
                            """
                            certificates { revocation = hard-fail, revocation-timeout = 2s }
                            inbound.policies = [
                              { name = service, match { to = "service@bank.example" },
                                require = signed-and-encrypted, on-violation = reject }
                              { name = default, require = none }
                            ]
                            """);
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient.Reply r =
                        new SubmissionClient("127.0.0.1", relay.inboundPort())
                                .send(ALICE, List.of(SERVICE), signedAndEncrypted(mail, world));
                assertThat(r.line())
                        .isEqualTo(
                                "451 4.7.5 The signer's certificate status cannot be checked now,"
                                        + " try again later")
                        .isEqualTo(io.mailseal.smtp.SmtpReply.SIGNER_STATUS_UNAVAILABLE.line());
                assertThat(
                                AdminPort.get(relay.adminPort(), "/metrics", Duration.ofSeconds(5))
                                        .body())
                        .contains(
                                "mailseal_inbound_messages_total{outcome=\"deferred\",policy=\"service\",verdict=\"temperror\"} 1.0");
            }
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(1)))
                    .as("nothing delivered")
                    .isFalse();
            try (Stream<Path> files = Files.list(dir.resolve("spool/inbound/queue"))) {
                assertThat(files.toList()).as("nothing spooled").isEmpty();
            }
            assertThat(dir.resolve("harvest/" + ALICE + ".pem"))
                    .as("no harvest of an unchecked signer")
                    .doesNotExist();

            // the control: the same mail under soft-fail is accepted, so the 451 was the status
            Files.writeString(
                    conf,
                    Files.readString(conf)
                            .replace("revocation = hard-fail", "revocation = soft-fail"));
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient.Reply r =
                        new SubmissionClient("127.0.0.1", relay.inboundPort())
                                .send(ALICE, List.of(SERVICE), signedAndEncrypted(mail, world));
                assertThat(r.code()).as(r.line()).isEqualTo(250);
                assertThat(await(world, 1).text()).contains("smime=pass").contains(SECRET_TEXT);
            }
        }
    }

    /**
     * The agent's reply is sealed with what the customer's client announced in its signed mail
     * (SMIMECapabilities, harvested on the inbound path): AES-128-CBC only gives AES-128-CBC
     * EnvelopedData, AES-256-GCM gives AuthEnvelopedData; openssl reads which, and opens both.
     */
    @Test
    void theAgentsReplyUsesTheCipherTheCustomerAnnounced() throws Exception {
        String bob = "bob@customer.example";
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Path conf = config(world);
            java.util.Map<String, byte[]> mails =
                    new java.util.LinkedHashMap<>(
                            java.util.Map.of(
                                    ALICE,
                                    new io.mailseal.testing.SignedCustomerMail(
                                                    ALICE,
                                                    world.addUnpublishedCustomer(
                                                            ALICE, KeyKind.RSA))
                                            .announcing(
                                                    org.bouncycastle.cms.CMSAlgorithm.AES128_CBC)
                                            .eml(),
                                    bob,
                                    new io.mailseal.testing.SignedCustomerMail(
                                                    bob,
                                                    world.addUnpublishedCustomer(bob, KeyKind.RSA))
                                            .announcing(
                                                    org.bouncycastle.cms.CMSAlgorithm.AES256_GCM,
                                                    org.bouncycastle.cms.CMSAlgorithm.AES128_CBC)
                                            .eml()));
            java.util.Map<String, String> expected =
                    java.util.Map.of(ALICE, "d.envelopedData:", bob, "d.authEnvelopedData:");
            java.util.Map<String, String> algorithm =
                    java.util.Map.of(
                            ALICE,
                            "algorithm: aes-128-cbc (2.16.840.1.101.3.4.1.2)",
                            bob,
                            "algorithm: aes-256-gcm (2.16.840.1.101.3.4.1.46)");
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                int n = 0;
                for (String customer : mails.keySet()) {
                    SubmissionClient.Reply in =
                            new SubmissionClient("127.0.0.1", relay.inboundPort())
                                    .send(
                                            customer,
                                            List.of(INFO),
                                            new String(
                                                    mails.get(customer),
                                                    StandardCharsets.ISO_8859_1));
                    assertThat(in.code()).as(in.line()).isEqualTo(250);
                    assertThat(await(world, ++n).text()).contains("smime=pass");
                    String reply =
                            "From: service@bank.example\r\nTo: "
                                    + customer
                                    + "\r\nSubject: Re: my certificate\r\n\r\nReceived.\r\n";
                    SubmissionClient.Reply out =
                            new SubmissionClient("127.0.0.1", relay.port())
                                    .send(SERVICE, List.of(customer), reply);
                    assertThat(out.code()).as(out.line()).isEqualTo(250);
                    Path eml =
                            Files.write(
                                    dir.resolve(customer + ".reply.eml"),
                                    await(world, ++n).content());
                    String asn1 = cmsPrint(eml);
                    assertThat(asn1)
                            .as(customer)
                            .contains(expected.get(customer))
                            .contains(algorithm.get(customer))
                            .doesNotContain("aes-256-cbc");
                    assertThat(io.mailseal.testing.BankMail.opensslOpens(dir, eml, customer))
                            .contains("Received.");
                }
            }
        }
    }

    /**
     * An EC (P-256) identity for service@bank.example: the customer's openssl encrypts to it with
     * ECDH (KeyAgreeRecipientInfo), AES-128-CBC and AES-256-GCM, and the agent reads the mail.
     */
    @Test
    void anEcBankIdentityDecryptsTheCustomersEcdhMail() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            DemoPki.Issued ec = world.pki().customer(SERVICE, KeyKind.EC);
            assertThat(ec.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
            PkiFiles.writePkcs12(
                    dir.resolve("keys/service-ec.p12"),
                    ec,
                    List.of(world.pki().ca().certificate()),
                    "demo-only-password".toCharArray());
            Path conf =
                    config(
                            world,
                            "127.0.0.1:0",
                            """
                            identities = [
                              { address = "service@bank.example", keystore = "keys/service-ec.p12",
                                password-file = "keys/bank.pass" }
                              { domain = "bank.example", keystore = "keys/bank.p12",
                                password-file = "keys/bank.pass" }
                            ]
                            """);
            OpensslCustomerMail mail = alice(world, world.pki());
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient customer = new SubmissionClient("127.0.0.1", relay.inboundPort());
                int n = 0;
                for (String[] cipher :
                        List.of(
                                new String[] {"-aes-128-cbc", "aes128-cbc"},
                                new String[] {"-aes-256-gcm", "aes256-gcm"})) {
                    Path sealed =
                            mail.encrypted(mail.signed(false), ec.certificate(), cipher[0], false);
                    String asn1 = cmsPrint(sealed);
                    assertThat(asn1)
                            .as("the customer's mail is ECDH to the EC certificate")
                            .contains("d.kari:")
                            .contains("id-ecPublicKey");
                    SubmissionClient.Reply r =
                            customer.send(
                                    ALICE,
                                    List.of(SERVICE),
                                    new String(
                                            OpensslCustomerMail.crlf(sealed),
                                            StandardCharsets.ISO_8859_1));
                    assertThat(r.code()).as(r.line()).isEqualTo(250);
                    CapturedMessage delivered = await(world, ++n);
                    assertThat(delivered.text())
                            .contains("smime=pass")
                            .contains("X-Mailseal-Encrypted: yes; cipher=" + cipher[1] + "\r\n")
                            .doesNotContain("pkcs7-mime");
                    assertThat(firstPart(parse(delivered.content())))
                            .as("the signed content, byte for byte")
                            .isEqualTo(OpensslCustomerMail.CONTENT);
                }
            }
        }
    }

    /**
     * {@code mailseal queue} sees the inbound spool: list marks the entry inbound and shows neither
     * the customer's text nor the Subject (show neither), flush makes it due at once.
     */
    @Test
    void queueListShowAndFlushCoverTheInboundSpool() throws Exception {
        int adminPort = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            OpensslCustomerMail mail = alice(world, world.pki());
            Path conf =
                    config(
                            world,
                            "127.0.0.1:0",
                            "admin.listen = \"127.0.0.1:"
                                    + adminPort
                                    + "\"\ndelivery.retry { initial = 1h, max = 1h }");
            String c = conf.toString();
            world.sink().refuseRecipient(SERVICE, 451, "4.2.1 mailbox busy");
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient.Reply r =
                        new SubmissionClient("127.0.0.1", relay.inboundPort())
                                .send(ALICE, List.of(SERVICE), signedAndEncrypted(mail, world));
                assertThat(r.code()).as(r.line()).isEqualTo(250);
                java.util.regex.Matcher queued =
                        java.util.regex.Pattern.compile("queued as (\\S+)").matcher(r.text());
                assertThat(queued.find()).as(r.text()).isTrue();
                String id = queued.group(1);
                Eventually.await(
                        "the next hop was tried",
                        Duration.ofSeconds(10),
                        () -> world.sink().sessionsOpened() > 0);

                CommandLineIT.Run list = CommandLineIT.mailseal("queue", "list", "-c", c);
                assertThat(list.exit()).as(list.err()).isZero();
                assertThat(list.out())
                        .containsPattern(
                                java.util.regex.Pattern.quote(id)
                                        + "\\S* +inbound +inbound:service .*<"
                                        + ALICE
                                        + "> "
                                        + SERVICE)
                        .contains("1 message(s) queued, 1 of them inbound")
                        .doesNotContain(SECRET_TEXT)
                        .doesNotContain(OpensslCustomerMail.SUBJECT);
                CommandLineIT.Run show = CommandLineIT.mailseal("queue", "show", id, "-c", c);
                assertThat(show.exit()).as(show.err()).isZero();
                assertThat(show.out())
                        .contains("direction:  inbound")
                        .contains("policy:     inbound:service")
                        .contains("(headers of inbound mail are not shown)")
                        .doesNotContain(OpensslCustomerMail.SUBJECT)
                        .doesNotContain("Subject")
                        .doesNotContain(SECRET_TEXT);

                world.sink().acceptRecipient(SERVICE);
                CommandLineIT.Run flush = CommandLineIT.mailseal("queue", "flush", "-c", c);
                assertThat(flush.exit()).as(flush.err()).isZero();
                assertThat(flush.out()).contains("\"inbound\":1").contains("\"flushed\":1");
                assertThat(await(world, 1).text())
                        .as("delivered at once, not in 1h")
                        .contains("smime=pass")
                        .contains(SECRET_TEXT);
                Eventually.await(
                        "the inbound spool is empty",
                        Duration.ofSeconds(10),
                        () ->
                                CommandLineIT.mailseal("queue", "list", "-c", c)
                                        .out()
                                        .contains("0 message(s) queued, 0 of them inbound"));
            }
        }
    }

    /** The inbound listener's refusal names its own key, in the reply and in the log. */
    @Test
    void aClientOutsideInboundAllowedClientsIsToldTheInboundKey() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                LogCapture log = new LogCapture("io.mailseal.smtp")) {
            Path conf = config(world, "127.0.0.1:0", "inbound.allowed-clients = [\"10.0.0.0/8\"]");
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC());
                    SmtpDialog s = new SmtpDialog(relay.inboundPort())) {
                assertThat(s.reply())
                        .isEqualTo(
                                "554 5.7.1 Access denied: client 127.0.0.1 is not in"
                                        + " inbound.allowed-clients")
                        .isEqualTo(
                                io.mailseal.smtp.SmtpReply.CLIENT_NOT_ALLOWED.line(
                                        "127.0.0.1", "inbound.allowed-clients"));
                try (SmtpDialog outbound = new SmtpDialog(relay.port())) {
                    assertThat(outbound.reply())
                            .as("the outbound listener still admits")
                            .startsWith("220");
                }
            }
            assertThat(log.events())
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .contains("refused connection from 127.0.0.1: not in inbound.allowed-clients")
                    .noneMatch(line -> line.contains("smtp.allowed-clients"));
        }
    }

    /** The CMS structure of an S/MIME file as {@code openssl cms -cmsout -print} shows it. */
    private String cmsPrint(Path smime) throws Exception {
        return io.mailseal.testing.ExternalTool.run(
                        dir, "openssl", "cms", "-cmsout", "-print", "-in", smime.toString())
                .output();
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

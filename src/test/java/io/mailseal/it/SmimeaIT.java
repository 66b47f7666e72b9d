package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.cli.Main;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.SignedDns;
import io.mailseal.testing.SignedDns.Zone;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A customer published only in SMIMEA (DANE-EE, issued by a CA the bank does not trust), in a
 * DNSSEC-signed zone served by BIND 9 on loopback: the relay seals a one-time code to that
 * certificate (openssl opens it), {@code mailseal lookup} names the source and its DNSSEC status, a
 * bogus answer gives 451 and an unsigned zone's record 550.
 */
class SmimeaIT {
    static final String ALICE = "alice@secure.test";
    @TempDir static Path dir;
    static DemoWorld world;
    static SignedDns named;
    static Path conf;

    /** {@code local}'s SMIMEA record, DANE-EE full certificate, relative to its zone. */
    static String smimea(String local, Issued c) throws Exception {
        String owner = ownerName(local);
        return owner + " SMIMEA 3 0 0 " + HexFormat.of().formatHex(c.certificate().getEncoded());
    }

    /** As RFC 8162 §3 and {@code printf LOCAL | sha256sum} compute it (first 56 hex digits). */
    static String ownerName(String local) throws Exception {
        return HexFormat.of()
                        .formatHex(
                                java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(
                                                local.getBytes(
                                                        java.nio.charset.StandardCharsets.UTF_8)))
                        .substring(0, 56)
                + "._smimecert";
    }

    @BeforeAll
    static void start() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        Issued alice = new DemoPki(Clock.systemUTC(), "Provider CA").customer(ALICE, KeyKind.RSA);
        PkiFiles.writeCertificate(dir.resolve("customers/" + ALICE + ".crt"), alice.certificate());
        PkiFiles.writePrivateKey(dir.resolve("customers/" + ALICE + ".key"), alice);
        named =
                SignedDns.start(
                        dir.resolve("named"),
                        Zone.signed("secure.test", smimea("alice", alice)),
                        Zone.unsigned("plain.test", smimea("alice", alice)),
                        Zone.broken(
                                "broken.test",
                                HexFormat.of()
                                        .formatHex(alice.certificate().getEncoded())
                                        .substring(400, 440)
                                        .toUpperCase(),
                                "00".repeat(20),
                                smimea("alice", alice)));
        conf =
                world.writeConfig(
                        BankMail.POLICIES,
                        """
                        certificates.sources = [ { type = smimea } ]
                        dns { servers = ["127.0.0.1:%d"], trust-anchors = "%s", timeout = 5s }"""
                                .formatted(named.port(), named.trustAnchors()));
    }

    @AfterAll
    static void stop() {
        if (named != null) {
            named.close();
        }
        if (world != null) {
            world.close();
        }
    }

    private static SubmissionClient.Reply otp(SubmissionClient bank, String to, String code)
            throws Exception {
        return bank.send(DemoWorld.BANK_SENDER, List.of(to), BankMail.otp(to, code));
    }

    @Test
    void aOneTimeCodeIsSealedToTheCertificatePublishedInSmimea() throws Exception {
        try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
            SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
            assertThat(otp(bank, ALICE, "314159").code()).isEqualTo(250);
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
            Path eml =
                    Files.write(dir.resolve("alice.eml"), world.sink().messages().get(0).content());
            assertThat(BankMail.opensslOpens(dir, eml, ALICE))
                    .contains("Your one-time code is 314159");

            String broken = "alice@broken.test";
            assertThat(otp(bank, broken, "1").line())
                    .as("bogus: temporary, never 550")
                    .isEqualTo(SmtpReply.CERTIFICATES_UNAVAILABLE.line("<" + broken + ">"));
            String plain = "alice@plain.test";
            assertThat(otp(bank, plain, "2").line())
                    .as("insecure: as if there were no record")
                    .isEqualTo(SmtpReply.NO_CERTIFICATE.line("<" + plain + ">", "otp"));
        }
    }

    @Test
    void lookupAndExplainNameSmimeaAndItsDnssecStatus() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("lookup", "-c", conf.toString(), ALICE)).isZero();
        assertThat(out.toString())
                .contains("encryptable: yes")
                .contains("source:      SMIMEA, DNSSEC secure (DANE-EE)")
                .contains("issuer:      O=mailseal demo,CN=Provider CA");
        assertThat(
                        cl.execute(
                                "explain",
                                "-c",
                                conf.toString(),
                                "--from",
                                DemoWorld.BANK_SENDER,
                                "--to",
                                ALICE,
                                "--header",
                                "X-Mail-Class=otp"))
                .isZero();
        assertThat(out.toString()).contains(", from SMIMEA, DNSSEC secure (DANE-EE)");
    }
}

package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.cli.Main;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** check-config, explain and verify as an administrator runs them. */
class CommandLineIT {
    @TempDir Path dir;
    DemoWorld world;
    Path conf;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void world() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        world.addCustomer("alice@customer.example", KeyKind.RSA);
        conf = world.writeConfig(BankMail.POLICIES);
    }

    @AfterEach
    void close() {
        world.close();
    }

    static Run mailseal(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * An identity that decrypts mail an inbound policy requires encrypted, but whose certificate's
     * keyUsage forbids encrypting to it (RSA without keyEncipherment, EC without keyAgreement):
     * check-config passes with a warning naming the policy and the lack.
     */
    @Test
    void checkConfigWarnsOfAnInboundIdentityCustomersCannotEncryptTo() throws Exception {
        char[] password = "demo-only-password".toCharArray();
        PkiFiles.writePkcs12(
                dir.resolve("keys/service.p12"),
                world.pki().signer("service@bank.example", KeyKind.RSA),
                List.of(world.pki().ca().certificate()),
                password);
        PkiFiles.writePkcs12(
                dir.resolve("keys/complaints.p12"),
                world.pki().signer("complaints@bank.example", KeyKind.EC),
                List.of(world.pki().ca().certificate()),
                password);
        String inbound =
                """
                inbound {
                  listen = "127.0.0.1:0"
                  next-hop = "127.0.0.1:25"
                  authserv-id = "mailseal.bank.example"
                  policies = [
                    { name = service, match { to = "service@bank.example" }, require = encrypted }
                    { name = complaints, match { to = "complaints@bank.example" },
                      require = signed-and-encrypted, on-violation = tag }
                    { name = default, require = none }
                  ]
                }
                """;
        String identities =
                """
                identities = [
                  { address = "service@bank.example", keystore = "keys/service.p12",
                    password-file = "keys/bank.pass" }
                  { address = "complaints@bank.example", keystore = "keys/complaints.p12",
                    password-file = "keys/bank.pass" }
                  { domain = "bank.example", keystore = "keys/bank.p12",
                    password-file = "keys/bank.pass" }
                ]
                """;
        Run unfit =
                mailseal(
                        "check-config",
                        "-c",
                        world.writeConfig(BankMail.POLICIES, identities + inbound).toString());
        assertThat(unfit.exit()).as(unfit.err()).isZero();
        assertThat(unfit.err())
                .contains(
                        "config warning: mailseal.inbound.policies[0].match.to:"
                                + " \"service@bank.example\" (policy service): the identity's"
                                + " certificate has keyUsage without keyEncipherment: clients that"
                                + " honour it (gpgsm) cannot encrypt to the bank")
                .contains(
                        "config warning: mailseal.inbound.policies[1].match.to:"
                                + " \"complaints@bank.example\" (policy complaints): the"
                                + " identity's certificate has keyUsage without keyAgreement");

        Run fit =
                mailseal(
                        "check-config",
                        "-c",
                        world.writeConfig(BankMail.POLICIES, inbound).toString());
        assertThat(fit.exit()).as(fit.err()).isZero();
        assertThat(fit.err())
                .as("the domain identity allows keyEncipherment")
                .doesNotContain("keyUsage");
    }

    @Test
    void checkConfigPassesAGoodFileAndNamesEveryProblemOfABadOne() throws Exception {
        Run good = mailseal("check-config", "-c", conf.toString());
        assertThat(good.exit()).isZero();
        assertThat(good.out())
                .contains(": ok")
                .contains("1 signing identities")
                .containsPattern(
                        "policy otp +encrypt +timestamp=required on-missing-certificate=reject delivery-tls=none");

        Path bad =
                world.writeConfig(
                        """
                { name = st, match { from = "statements@other.example" }, action = sign, timestamp = off }""",
                        "smtp.max-recipients = lots\ncertificates.trust-anchors = nowhere\n"
                                + "dns.trust-anchors = relay.conf");
        Run r = mailseal("check-config", "-c", bad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains("mailseal.smtp.max-recipients: \"lots\" is not a whole number");
        Files.writeString(bad, Files.readString(bad).replace("smtp.max-recipients = lots", ""));
        r = mailseal("check-config", "-c", bad.toString());
        assertThat(r.err())
                .as("the DNSSEC trust anchors are read and checked")
                .contains(
                        "mailseal.dns.trust-anchors: \""
                                + dir.resolve("relay.conf")
                                + "\" is not a zone file of DS or DNSKEY records: ");
        Files.writeString(bad, Files.readString(bad).replace("dns.trust-anchors = relay.conf", ""));
        Files.writeString(bad, Files.readString(bad).replace("smtp.max-recipients = lots", ""));
        r = mailseal("check-config", "-c", bad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains(
                        "mailseal.certificates.trust-anchors: \""
                                + dir.resolve("nowhere")
                                + "\" does not exist");
        Files.writeString(
                bad, Files.readString(bad).replace("certificates.trust-anchors = nowhere", ""));
        r = mailseal("check-config", "-c", bad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains(
                        "mailseal.policies[0].match.from: \"statements@other.example\" (policy st, "
                                + "action sign) has no signing identity");
    }

    @Test
    void explainShowsThePolicyTheCertificateAndTheReply() throws Exception {
        Run r =
                mailseal(
                        "explain",
                        "-c",
                        conf.toString(),
                        "--from",
                        "otp@bank.example",
                        "--to",
                        "alice@customer.example",
                        "--to",
                        "carol@customer.example",
                        "--header",
                        "X-Mail-Class=otp",
                        "--subject",
                        "Your code 493817");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("recipient <alice@customer.example>")
                .contains("MATCH: action encrypt")
                .contains("CN=alice@customer.example")
                .contains("none usable (no certificate found) -> reject")
                .contains(
                        "reply: 550 5.7.1 <carol@customer.example>: no valid certificate (policy otp)")
                .doesNotContain("493817");
        Run plain =
                mailseal(
                        "explain",
                        "-c",
                        conf.toString(),
                        "--from",
                        "news@bank.example",
                        "--to",
                        "alice@customer.example");
        assertThat(plain.out())
                .contains("policy otp            no: header X-Mail-Class is absent")
                .contains("policy default        MATCH: action pass")
                .contains("reply: 250 2.0.0");
    }

    @Test
    void explainWritesDurationsAsRelayConfDoes() throws Exception {
        Path otp =
                world.writeConfig(
                        BankMail.POLICIES.replace(
                                "on-missing-certificate = reject",
                                "on-missing-certificate = reject, max-age = 10m"));
        Run r =
                mailseal(
                        "explain",
                        "-c",
                        otp.toString(),
                        "--from",
                        "otp@bank.example",
                        "--to",
                        "alice@customer.example",
                        "--header",
                        "X-Mail-Class=otp");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(", max-age 10m").doesNotContain("PT10M");
    }

    @Test
    void everyCommandHasHelpAndTheVersionNamesTheCommit() throws Exception {
        for (String command : List.of("demo", "check-config", "queue", "certs")) {
            Run help = mailseal(command, "--help");
            assertThat(help.exit()).as(command + ": " + help.err()).isZero();
            assertThat(help.out()).startsWith("Usage: mailseal " + command);
        }
        Run version = mailseal("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out())
                .matches("mailseal [0-9][^ ]* \\(commit ([0-9a-f]{12}|unknown)\\)\n");
    }

    @Test
    void lookupSaysWhetherACustomerCanReceiveEncryptedMail() throws Exception {
        Run alice = mailseal("lookup", "-c", conf.toString(), "alice@customer.example");
        assertThat(alice.exit()).isZero();
        assertThat(alice.out())
                .contains("encryptable: yes")
                .contains("source:      directory:")
                .contains("CN=alice@customer.example")
                .doesNotContain("caveat");
        world.addCustomer("bob@customer.example", KeyKind.EC);
        Run bob = mailseal("lookup", "-c", conf.toString(), "bob@customer.example");
        assertThat(bob.exit()).as("an EC certificate is still usable").isZero();
        assertThat(bob.out())
                .contains("encryptable: yes")
                .contains("caveat:      EC certificate")
                .contains("Thunderbird");
        Run carol = mailseal("lookup", "-c", conf.toString(), "carol@customer.example");
        assertThat(carol.exit()).isEqualTo(1);
        assertThat(carol.out())
                .isEqualTo(
                        "address:     carol@customer.example\nencryptable: no\n"
                                + "reason:      no certificate found\n");
        assertThat(alice.out())
                .contains("issuer:      O=mailseal demo,CN=mailseal demo CA")
                .containsPattern("sha-256:     [0-9a-f]{64}\n")
                .containsPattern("not after:   \\d{4}-\\d\\d-\\d\\dT")
                .doesNotContain("reason:");
        Run malformed = mailseal("lookup", "-c", conf.toString(), "carol@");
        assertThat(malformed.exit()).isEqualTo(64);
        assertThat(malformed.err()).contains("carol@: not a mail address");
    }

    @Test
    void verifyOpensWhatTheRelaySentAndRejectsATamperedCopy() throws Exception {
        try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
            new SubmissionClient("127.0.0.1", relay.port())
                    .send(
                            DemoWorld.BANK_SENDER,
                            List.of("alice@customer.example"),
                            BankMail.otp("alice@customer.example", "246810"));
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        }
        Path eml = Files.write(dir.resolve("alice.eml"), world.sink().messages().get(0).content());
        Files.writeString(dir.resolve("alice.pass"), "pw\n");
        PkiFiles.writePkcs12(
                dir.resolve("alice.p12"),
                world.customer("alice@customer.example"),
                List.of(world.pki().ca().certificate()),
                "pw".toCharArray());
        String[] args = {
            "verify",
            "--key",
            dir.resolve("alice.p12").toString(),
            "--password-file",
            dir.resolve("alice.pass").toString(),
            "--trust",
            dir.resolve("certs/trust/ca.pem").toString()
        };
        Run ok = mailseal(concat(args, eml.toString()));
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out())
                .contains("encrypted:  yes, AES-256-CBC, key RSA PKCS#1 v1.5")
                .contains("signer:     ")
                .contains("<otp@bank.example>")
                .contains("signature:  valid, chain trusted")
                .contains("policy 1.3.6.1.4.1.99999.3161.1")
                .contains("valid, covers the signature")
                .contains("verdict:    VALID");

        String text = Files.readString(eml, java.nio.charset.StandardCharsets.ISO_8859_1);
        int body = text.indexOf("\r\n\r\n") + 4 + 200;
        char flipped = text.charAt(body) == 'A' ? 'B' : 'A';
        Path bad =
                Files.writeString(
                        dir.resolve("bad.eml"),
                        text.substring(0, body) + flipped + text.substring(body + 1),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
        Run tampered = mailseal(concat(args, bad.toString()));
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.out()).contains("verdict:    NOT VALID");
    }

    private static String[] concat(String[] a, String last) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }
}

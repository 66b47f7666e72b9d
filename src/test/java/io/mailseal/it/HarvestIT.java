package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.certs.HarvestCertificateSource;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.SignedCustomerMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mailseal certs import: a customer's signed mail becomes the certificate the next one-time code is
 * encrypted to.
 */
class HarvestIT {
    static final String ALICE = "alice@customer.example";
    @TempDir Path dir;

    @Test
    void certificateFromACustomersSignedMailEncryptsTheNextCode() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            DemoPki.Issued alice = world.addCustomer(ALICE, KeyKind.RSA);
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES, "certificates.sources = [ { type = harvest } ]");
            Path signed =
                    Files.write(
                            dir.resolve("alice.eml"),
                            new SignedCustomerMail(ALICE, alice)
                                    .including(world.pki().ca().certificate())
                                    .eml());
            Path forged =
                    Files.write(
                            dir.resolve("forged.eml"),
                            new SignedCustomerMail("mallory@customer.example", alice).eml());
            Path outsider =
                    PkiFiles.writeCertificate(
                            dir.resolve("outsider.pem"),
                            new DemoPki(Clock.systemUTC(), "someone else's CA")
                                    .customer("bob@customer.example", KeyKind.RSA)
                                    .certificate());

            CommandLineIT.Run refused =
                    CommandLineIT.mailseal(
                            "certs",
                            "import",
                            "-c",
                            conf.toString(),
                            forged.toString(),
                            outsider.toString());
            assertThat(refused.exit()).as("nothing imported").isEqualTo(1);
            assertThat(refused.out())
                    .contains(
                            forged
                                    + ": not imported: signer certificate is for [alice@customer.example],"
                                    + " not the From: address <mallory@customer.example>")
                    .contains(outsider + ": not imported for bob@customer.example: ");

            CommandLineIT.Run ok =
                    CommandLineIT.mailseal(
                            "certs", "import", "-c", conf.toString(), signed.toString());
            assertThat(ok.exit()).isZero();
            assertThat(ok.out())
                    .contains(
                            ALICE
                                    + ": imported from "
                                    + signed
                                    + ": O=mailseal demo,CN=alice@customer.example, serial ")
                    .contains("capabilities: AES-256-GCM, AES-256-CBC, RSAES-OAEP")
                    .contains("stored in " + dir.resolve("harvest"));
            assertThat(dir.resolve("harvest/bob@customer.example.pem")).doesNotExist();
            assertThat(new HarvestCertificateSource(dir.resolve("harvest")).capabilities(ALICE))
                    .hasValueSatisfying(c -> assertThat(c.readsAesGcm()).isTrue());

            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                assertThat(
                                new SubmissionClient("127.0.0.1", relay.port())
                                        .send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(ALICE),
                                                BankMail.otp(ALICE, "314159"))
                                        .code())
                        .isEqualTo(250);
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
                Path eml =
                        Files.write(
                                dir.resolve("otp.eml"), world.sink().messages().get(0).content());
                assertThat(BankMail.opensslOpens(dir, eml, ALICE))
                        .contains("Your one-time code is 314159");
            }
            assertThat(CommandLineIT.mailseal("lookup", "-c", conf.toString(), ALICE).out())
                    .contains("source:      harvest:" + dir.resolve("harvest"));
        }
    }

    @Test
    void importRefusesWithoutAHarvestSourceNamingTheKey() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            DemoPki.Issued alice = world.addCustomer(ALICE, KeyKind.RSA);
            Path signed =
                    Files.write(
                            dir.resolve("alice.eml"), new SignedCustomerMail(ALICE, alice).eml());
            CommandLineIT.Run r =
                    CommandLineIT.mailseal(
                            "certs",
                            "import",
                            "-c",
                            world.writeConfig(BankMail.POLICIES).toString(),
                            signed.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err())
                    .contains(
                            "config error: mailseal.certificates.sources: has no { type = harvest } source");
        }
    }
}

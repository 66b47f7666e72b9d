package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.certs.HarvestFiles;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.SignedCustomerMail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
                    .contains("stored in harvest:" + dir.resolve("harvest"));
            assertThat(dir.resolve("harvest/bob@customer.example.pem")).doesNotExist();
            assertThat(new HarvestFiles(dir.resolve("harvest")).capabilities(ALICE))
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

    /**
     * Issue 18: the relay has cached "not found" for the customer (negative-ttl, minutes); {@code
     * mailseal certs import} tells it over the admin port, and the very next code is encrypted.
     */
    @Test
    void importMakesTheRunningRelayDropItsCachedNotFoundAtOnce() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            DemoPki.Issued alice = world.addCustomer(ALICE, KeyKind.RSA);
            Files.writeString(dir.resolve("admin.token"), "s3cret-token\n");
            int adminPort = LoopbackPorts.free();
            // certs import finds the relay by admin.listen: a fixed port, not 0
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            String.join(
                                    "\n",
                                    "certificates.sources = [ { type = harvest } ]",
                                    "admin.listen = \"127.0.0.1:" + adminPort + "\"",
                                    "admin.token-file = admin.token"));
            Path signed =
                    Files.write(
                            dir.resolve("alice.eml"),
                            new SignedCustomerMail(ALICE, alice)
                                    .including(world.pki().ca().certificate())
                                    .eml());

            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                SubmissionClient.Reply before =
                        bank.send(
                                DemoWorld.BANK_SENDER,
                                List.of(ALICE),
                                BankMail.otp(ALICE, "111111"));
                assertThat(before.code()).as(before.text()).isEqualTo(550);
                assertThat(before.text()).contains("no valid certificate");

                HttpClient http = HttpClient.newHttpClient();
                String refresh =
                        "http://127.0.0.1:" + adminPort + "/v1/recipients/" + ALICE + "/refresh";
                assertThat(
                                http.send(
                                                HttpRequest.newBuilder(URI.create(refresh))
                                                        .POST(HttpRequest.BodyPublishers.noBody())
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode())
                        .as("no token")
                        .isEqualTo(401);
                assertThat(
                                http.send(
                                                HttpRequest.newBuilder(URI.create(refresh))
                                                        .header(
                                                                "Authorization",
                                                                "Bearer s3cret-token")
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode())
                        .as("GET")
                        .isEqualTo(405);
                HttpResponse<String> notAnAddress =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + adminPort
                                                                + "/v1/recipients/nobody/refresh"))
                                        .header("Authorization", "Bearer s3cret-token")
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(notAnAddress.statusCode()).isEqualTo(400);
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(ALICE),
                                                BankMail.otp(ALICE, "222222"))
                                        .code())
                        .as("the refused requests changed nothing: still the cached not found")
                        .isEqualTo(550);

                CommandLineIT.Run imported =
                        CommandLineIT.mailseal(
                                "certs", "import", "-c", conf.toString(), signed.toString());
                assertThat(imported.exit()).as(imported.err()).isZero();
                assertThat(imported.out())
                        .contains(ALICE + ": imported from " + signed)
                        .contains(
                                "the relay on 127.0.0.1:"
                                        + adminPort
                                        + " dropped its cached answers for 1 address(es)");

                SubmissionClient.Reply after =
                        bank.send(
                                DemoWorld.BANK_SENDER,
                                List.of(ALICE),
                                BankMail.otp(ALICE, "314159"));
                assertThat(after.code()).as("the very next code: " + after.text()).isEqualTo(250);
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
                Path eml =
                        Files.write(
                                dir.resolve("otp.eml"), world.sink().messages().get(0).content());
                assertThat(BankMail.opensslOpens(dir, eml, ALICE))
                        .contains("Your one-time code is 314159");
            }

            CommandLineIT.Run noRelay =
                    CommandLineIT.mailseal(
                            "certs", "import", "-c", conf.toString(), signed.toString());
            assertThat(noRelay.exit()).as("the import itself succeeded").isZero();
            assertThat(noRelay.out())
                    .contains(
                            "no relay answers on 127.0.0.1:"
                                    + adminPort
                                    + "; it picks the certificates up when its cached answer expires");
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

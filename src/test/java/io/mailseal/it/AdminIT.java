package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port as Prometheus, a load balancer and the bank's channel chooser use it. */
class AdminIT {
    @TempDir Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsHealthReadinessAndRecipientLookup() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer("alice@customer.example", KeyKind.RSA);
            world.addCustomer("bob@customer.example", KeyKind.EC);
            try (Relay relay =
                    Relay.start(
                            ConfigLoader.load(world.writeConfig(BankMail.POLICIES)),
                            Clock.systemUTC())) {
                int admin = relay.adminPort();
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                bank.send(
                        DemoWorld.BANK_SENDER,
                        List.of("alice@customer.example"),
                        BankMail.otp("alice@customer.example", "1"));
                bank.send(
                        DemoWorld.BANK_SENDER,
                        List.of("carol@customer.example"),
                        BankMail.otp("carol@customer.example", "2"));
                bank.send(
                        "news@bank.example",
                        List.of("x@other.example"),
                        "Subject: n\r\n\r\nhi\r\n");
                bank.send(
                        DemoWorld.BANK_SENDER,
                        List.of("bob@customer.example"),
                        BankMail.otp("bob@customer.example", "4"));

                String metrics = get(admin, "/metrics", null).body();
                assertThat(metrics)
                        .contains("mailseal_messages_sealed_otp_total 2")
                        .contains("mailseal_envelopes_ec_recipients_total 1")
                        .contains("mailseal_messages_refused_otp_total 1")
                        .contains("mailseal_messages_passed_default_total 1")
                        .contains("mailseal_seal{quantile=\"0.99\"}")
                        .contains("mailseal_certificate_lookup_count")
                        .containsPattern("(?m)^mailseal_timestamp_count [1-9]")
                        .containsPattern("(?m)^mailseal_spool_write_count [1-9]")
                        .containsPattern("(?m)^mailseal_spool_messages [0-9]")
                        .containsPattern("(?m)^mailseal_spool_oldest_age_seconds [0-9]")
                        .containsPattern("(?m)^mailseal_certificates_cache_hit_ratio [0-9.]+")
                        .containsPattern("(?m)^mailseal_smtp_sessions_open [0-9]");
                assertThat(world.sink().awaitMessages(3, java.time.Duration.ofSeconds(10)))
                        .as("alice, bob, news")
                        .isTrue();
                // the counter moves just after the sink has the message
                metrics =
                        Eventually.value(
                                "the delivered counters at 2 otp and 1 default",
                                Duration.ofSeconds(15),
                                () -> get(admin, "/metrics", null).body(),
                                m ->
                                        m.contains("mailseal_messages_delivered_otp_total 2")
                                                && m.contains(
                                                        "mailseal_messages_delivered_default_total 1"));
                assertThat(metrics)
                        .contains("mailseal_messages_delivered_otp_total 2")
                        .contains("mailseal_messages_delivered_default_total 1")
                        .containsPattern("(?m)^mailseal_delivery_count [3-9]")
                        .contains("mailseal_delivery{quantile=\"0.99\"}");

                assertThat(get(admin, "/health", null).statusCode()).isEqualTo(200);
                assertThat(get(admin, "/ready", null).statusCode()).isEqualTo(200);

                HttpResponse<String> alice =
                        get(admin, "/v1/recipients/alice@customer.example", null);
                assertThat(alice.statusCode()).isEqualTo(200);
                assertThat(alice.body())
                        .contains("\"encryptable\":true")
                        .contains("\"fingerprintSha256\":\"")
                        .contains("CN=alice@customer.example")
                        .contains("\"caveat\":null");
                // EC: encryptable, but NSS-based clients cannot open ECDH (docs/INTEROP.md)
                assertThat(get(admin, "/v1/recipients/bob@customer.example", null).body())
                        .contains("\"encryptable\":true")
                        .contains("\"caveat\":\"EC certificate: mail is encrypted with ECDH");
                assertThat(get(admin, "/v1/recipients/carol@customer.example", null).body())
                        .contains("\"encryptable\":false")
                        .contains("\"reason\":\"no certificate found\"");
                assertThat(get(admin, "/v1/recipients/not-an-address", null).statusCode())
                        .isEqualTo(400);

                world.tsa().setDown(true);
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("alice@customer.example"),
                                                BankMail.otp("alice@customer.example", "3"))
                                        .code())
                        .isEqualTo(451);
                HttpResponse<String> ready = get(admin, "/ready", null);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("\"timestamp\":");
                assertThat(get(admin, "/metrics", null).body())
                        .contains("mailseal_tsa_failures_127_0_0_1_");
            }
        }
    }

    /** Issue 17: not ready before the spool's disk is full, so traffic goes elsewhere first. */
    @Test
    @SuppressWarnings("try") // the relay only has to run
    void notReadyWhenTheSpoolHasLessFreeSpaceThanSpoolMinFree() throws Exception {
        int admin = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                Relay relay =
                        Relay.start(
                                ConfigLoader.load(
                                        world.writeConfig(
                                                BankMail.POLICIES,
                                                "admin.listen = \"127.0.0.1:"
                                                        + admin
                                                        + "\"\nspool.min-free = 1000000TiB")),
                                Clock.systemUTC())) {
            HttpResponse<String> ready = get(admin, "/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"spool_space\":").contains("below spool.min-free");
            assertThat(get(admin, "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void bearerTokenGuardsEverythingButHealth() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Files.writeString(dir.resolve("admin.token"), "s3cret-token\n");
            try (Relay relay =
                    Relay.start(
                            ConfigLoader.load(
                                    world.writeConfig(
                                            BankMail.POLICIES, "admin.token-file = admin.token")),
                            Clock.systemUTC())) {
                int admin = relay.adminPort();
                assertThat(get(admin, "/health", null).statusCode()).isEqualTo(200);
                assertThat(get(admin, "/metrics", null).statusCode()).isEqualTo(401);
                assertThat(get(admin, "/v1/recipients/a@b.example", "wrong").statusCode())
                        .isEqualTo(401);
                assertThat(get(admin, "/v1/recipients/a@b.example", "s3cret-token").statusCode())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void recipientApiAnswersWithEveryFieldForACustomerWithAndWithoutACertificate()
            throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            X509Certificate alice =
                    world.addCustomer("alice@customer.example", KeyKind.RSA).certificate();
            try (Relay relay =
                    Relay.start(
                            ConfigLoader.load(world.writeConfig(BankMail.POLICIES)),
                            Clock.systemUTC())) {
                int admin = relay.adminPort();
                String expected =
                        "{\"address\":\"alice@customer.example\",\"encryptable\":true,\"source\":\"directory:"
                                + dir.resolve("certs/recipients")
                                + "\",\"subject\":\""
                                + alice.getSubjectX500Principal().getName()
                                + "\",\"issuer\":\""
                                + alice.getIssuerX500Principal().getName()
                                + "\",\"notAfter\":\""
                                + alice.getNotAfter().toInstant()
                                + "\",\"fingerprintSha256\":\""
                                + HexFormat.of()
                                        .formatHex(
                                                MessageDigest.getInstance("SHA-256")
                                                        .digest(alice.getEncoded()))
                                + "\",\"reason\":null,\"caveat\":null}\n";
                for (String path :
                        List.of(
                                "/v1/recipients/alice@customer.example",
                                "/v1/recipients/alice%40customer.example")) {
                    HttpResponse<String> with = get(admin, path, null);
                    assertThat(with.statusCode()).isEqualTo(200);
                    assertThat(with.headers().firstValue("Content-Type"))
                            .contains("application/json");
                    assertThat(with.body()).isEqualTo(expected);
                }
                HttpResponse<String> without =
                        get(admin, "/v1/recipients/carol+otp@customer.example", null);
                assertThat(without.statusCode())
                        .as("'+' is part of the address, not a space")
                        .isEqualTo(200);
                assertThat(without.body())
                        .isEqualTo(
                                "{\"address\":\"carol+otp@customer.example\",\"encryptable\":false,"
                                        + "\"source\":null,\"subject\":null,\"issuer\":null,\"notAfter\":null,\"fingerprintSha256\":null,"
                                        + "\"reason\":\"no certificate found\",\"caveat\":null}\n");
                for (String bad :
                        List.of(
                                "not-an-address",
                                "alice@",
                                "@customer.example",
                                "a%20b@customer.example",
                                "%3Calice@customer.example%3E",
                                "alice@localhost",
                                "a..b@customer.example")) {
                    HttpResponse<String> r = get(admin, "/v1/recipients/" + bad, null);
                    assertThat(r.statusCode()).as(bad).isEqualTo(400);
                    assertThat(r.body()).isEqualTo("{\"error\":\"not a mail address\"}\n");
                }
            }
        }
    }

    @Test
    void recipientApiSaysUnknownNotNoWhenTheSourceIsDown() throws Exception {
        int closed = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            """
                    certificates.sources = [ { type = http, url = "http://127.0.0.1:%d/certs/{address}", timeout = 1s } ]"""
                                    .formatted(closed));
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                HttpResponse<String> r =
                        get(relay.adminPort(), "/v1/recipients/alice@customer.example", null);
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body())
                        .contains("\"encryptable\":null")
                        .contains("\"reason\":\"lookup unavailable: http:");
            }
        }
    }
}

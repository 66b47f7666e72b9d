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
import io.mailseal.testing.MutableClock;
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
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port as Prometheus, a load balancer and the bank's channel chooser use it. */
class AdminIT {
    static final String DELIVERED_OTP =
            "mailseal_delivery_outcomes_total{outcome=\"delivered\",policy=\"otp\"} 2.0";
    static final String DELIVERED_DEFAULT =
            "mailseal_delivery_outcomes_total{outcome=\"delivered\",policy=\"default\"} 1.0";

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
                        .contains("mailseal_messages_total{outcome=\"sealed\",policy=\"otp\"} 2.0")
                        .contains("mailseal_envelopes_ec_recipients_total 1.0")
                        .contains("mailseal_messages_total{outcome=\"refused\",policy=\"otp\"} 1.0")
                        .contains(
                                "mailseal_messages_total{outcome=\"passed\",policy=\"default\"} 1.0")
                        .contains(
                                "# HELP mailseal_messages_total Messages at the end of DATA by policy")
                        .contains("# TYPE mailseal_seal_duration_seconds summary")
                        .contains("mailseal_seal_duration_seconds{quantile=\"0.99\"}")
                        .contains("mailseal_certificate_lookup_duration_seconds_count")
                        .containsPattern("(?m)^mailseal_timestamp_duration_seconds_count [1-9]")
                        .containsPattern("(?m)^mailseal_spool_write_duration_seconds_count [1-9]")
                        .containsPattern("(?m)^mailseal_spool_messages [0-9]")
                        .containsPattern("(?m)^mailseal_spool_oldest_age_seconds [0-9]")
                        .containsPattern("(?m)^mailseal_certificates_cache_hit_ratio [0-9.]+")
                        .containsPattern("(?m)^mailseal_smtp_sessions_open [0-9]")
                        .containsPattern(
                                "(?m)^mailseal_build_info\\{commit=\"([0-9a-f]{12}|unknown)\",version=\"[^\"]+\"} 1$")
                        .containsPattern(
                                "(?m)^mailseal_certificate_expiry_seconds\\{key=\"mailseal.identities\\[0]\",kind=\"signing\",subject=\"[^\"]*CN=otp@bank.example\"} [0-9][0-9.E]*$");
                assertThat(world.sink().awaitMessages(3, java.time.Duration.ofSeconds(10)))
                        .as("alice, bob, news")
                        .isTrue();
                // the counter moves just after the sink has the message
                metrics =
                        Eventually.value(
                                "the delivered counters at 2 otp and 1 default",
                                Duration.ofSeconds(15),
                                () -> get(admin, "/metrics", null).body(),
                                m -> m.contains(DELIVERED_OTP) && m.contains(DELIVERED_DEFAULT));
                assertThat(metrics)
                        .contains(DELIVERED_OTP)
                        .contains(DELIVERED_DEFAULT)
                        .containsPattern("(?m)^mailseal_delivery_duration_seconds_count [3-9]")
                        .contains("mailseal_delivery_duration_seconds{quantile=\"0.99\"}");

                HttpResponse<String> health = get(admin, "/health", null);
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body())
                        .matches(
                                "\\{\"status\":\"up\",\"version\":\"[^\"]+\",\"commit\":\"([0-9a-f]{12}|unknown)\"}\n");
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
                        .contains(
                                "mailseal_tsa_failures_total{url=\"" + world.tsa().url() + "\"} ");
            }
        }
    }

    @Test
    void aSigningCertificateThatExpiresWhileTheRelayRunsMakesItNotReady() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            MutableClock clock = new MutableClock(Instant.now());
            try (Relay relay =
                    Relay.start(ConfigLoader.load(world.writeConfig(BankMail.POLICIES)), clock)) {
                int admin = relay.adminPort();
                assertThat(get(admin, "/ready", null).statusCode()).isEqualTo(200);
                clock.advance(Duration.ofDays(366)); // the demo signer is valid for 365 days
                HttpResponse<String> ready = get(admin, "/ready", null);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body())
                        .startsWith("{\"ready\":false,\"problems\":{")
                        .contains(
                                "\"signing-certificate\":\"mailseal.identities[0] (O=mailseal demo,CN=otp@bank.example) expired on ")
                        .contains(": customers' clients reject its signatures\"");
                assertThat(get(admin, "/metrics", null).body())
                        .containsPattern(
                                "(?m)^mailseal_certificate_expiry_seconds\\{key=\"mailseal.identities\\[0]\",kind=\"signing\",[^}]*} -");
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
                HttpResponse<String> health = get(admin, "/health", null);
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body())
                        .matches(
                                "\\{\"status\":\"up\",\"version\":\"[^\"]+\",\"commit\":\"([0-9a-f]{12}|unknown)\"}\n");
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

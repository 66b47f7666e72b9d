package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.certs.HttpCertificateSource;
import io.mailseal.certs.Lookup;
import io.mailseal.config.CertificatesConfig.HttpSource;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.it.KeyService.Answer;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates from an HTTP key service on loopback: every answer it can give, and through the
 * relay.
 */
class HttpKeyServiceIT {
    static final String TOKEN = "key-service-t0ken";
    @TempDir Path dir;

    private static HttpCertificateSource source(String url, String token) {
        return new HttpCertificateSource(
                new HttpSource(url, Duration.ofMillis(500), Optional.empty(), Optional.empty()),
                Optional.of(token));
    }

    private static String reason(Lookup l) {
        assertThat(l).isInstanceOf(Lookup.Unavailable.class);
        return ((Lookup.Unavailable) l).reason();
    }

    @Test
    void eachAnswerOfTheKeyServiceMapsToFoundNotFoundOrUnavailable() throws Exception {
        DemoPki pki = new DemoPki(Clock.systemUTC(), "key service CA");
        X509Certificate alice = pki.customer("alice@customer.example", KeyKind.RSA).certificate();
        X509Certificate bob = pki.customer("bob@customer.example", KeyKind.EC).certificate();
        String url;
        try (KeyService keys = new KeyService(TOKEN)) {
            url = keys.url();
            keys.answer("alice@customer.example", Answer.PEM, alice, pki.ca().certificate());
            keys.answer("bob@customer.example", Answer.DER, bob);
            keys.answer("a+tag/x@customer.example", Answer.DER, bob);
            keys.answer("broken@customer.example", Answer.ERROR);
            keys.answer("slow@customer.example", Answer.HANG);
            keys.answer("garbage@customer.example", Answer.GARBAGE);
            HttpCertificateSource source = source(url, TOKEN);

            assertThat(source.lookup("alice@customer.example"))
                    .isEqualTo(new Lookup.Found(List.of(alice, pki.ca().certificate())));
            assertThat(source.lookup("bob@customer.example"))
                    .isEqualTo(new Lookup.Found(List.of(bob)));
            assertThat(source.lookup("a+tag/x@customer.example"))
                    .as("the address reaches the service intact")
                    .isEqualTo(new Lookup.Found(List.of(bob)));
            assertThat(source.lookup("carol@customer.example")).isInstanceOf(Lookup.NotFound.class);
            assertThat(reason(source.lookup("broken@customer.example")))
                    .isEqualTo("HTTP 500 from the key service");
            assertThat(reason(source.lookup("garbage@customer.example")))
                    .startsWith(
                            "HTTP 200 body (application/x-pem-file) is not a readable certificate");
            assertThat(reason(source(url, "wrong").lookup("alice@customer.example")))
                    .as(
                            "a refused token is a misconfiguration, not a customer without a certificate")
                    .startsWith("HTTP 401: the key service refused the request");
            assertThat(keys.requests("alice@customer.example")).isEqualTo(2);
            long start = System.nanoTime();
            assertThat(reason(source.lookup("slow@customer.example")))
                    .isEqualTo("127.0.0.1: did not answer within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(5));
            int asked = keys.requests("bob@customer.example");
            assertThat(reason(source.lookup("bob@customer.example")))
                    .as("the key service is skipped while its circuit is open")
                    .startsWith("127.0.0.1: not asked, it did not answer recently (circuit open");
            assertThat(keys.requests("bob@customer.example")).isEqualTo(asked);
        }
        assertThat(reason(source(url, TOKEN).lookup("alice@customer.example")))
                .as("connection refused")
                .startsWith("127.0.0.1: java.net.ConnectException");
    }

    @Test
    void relayEncryptsToTheServedCertificateAsksOnceAndAnswers451WhenTheServiceFails()
            throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                KeyService keys = new KeyService(TOKEN)) {
            String alice = "alice@customer.example";
            keys.answer(alice, Answer.PEM, world.addCustomer(alice, KeyKind.RSA).certificate());
            keys.answer("broken@customer.example", Answer.ERROR);
            keys.answer("slow@customer.example", Answer.HANG);
            Files.writeString(dir.resolve("keys/keyservice.token"), TOKEN + "\n");
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            """
                    certificates.sources = [ { type = http, url = "%s", timeout = 1s,
                      bearer-token-file = "keys/keyservice.token" } ]"""
                                    .formatted(keys.url()));
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(alice),
                                                BankMail.otp(alice, "271828"))
                                        .code())
                        .isEqualTo(250);
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
                Path eml =
                        Files.write(
                                dir.resolve("alice.eml"), world.sink().messages().get(0).content());
                assertThat(BankMail.opensslOpens(dir, eml, alice))
                        .contains("Your one-time code is 271828");

                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(alice),
                                                BankMail.otp(alice, "2"))
                                        .code())
                        .isEqualTo(250);
                assertThat(keys.requests(alice))
                        .as("the second lookup within ttl is answered by the cache")
                        .isEqualTo(1);

                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("nobody@customer.example"),
                                                BankMail.otp("nobody@customer.example", "3"))
                                        .line())
                        .isEqualTo(
                                SmtpReply.NO_CERTIFICATE.line("<nobody@customer.example>", "otp"));
                for (String failing : List.of("broken@customer.example", "slow@customer.example")) {
                    assertThat(
                                    bank.send(
                                                    DemoWorld.BANK_SENDER,
                                                    List.of(failing),
                                                    BankMail.otp(failing, "4"))
                                            .line())
                            .as(failing)
                            .isEqualTo(
                                    SmtpReply.CERTIFICATES_UNAVAILABLE.line("<" + failing + ">"));
                }

                keys.stop();
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("dave@customer.example"),
                                                BankMail.otp("dave@customer.example", "5"))
                                        .line())
                        .as("key service down")
                        .isEqualTo(
                                SmtpReply.CERTIFICATES_UNAVAILABLE.line("<dave@customer.example>"));
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(alice),
                                                BankMail.otp(alice, "6"))
                                        .code())
                        .as("cached while the key service is down")
                        .isEqualTo(250);
            }
        }
    }
}

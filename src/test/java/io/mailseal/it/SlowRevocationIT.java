package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static io.mailseal.testing.BankMail.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.TricklingHttpServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OCSP responder that answers one byte a second, under {@code revocation = soft-fail}: a
 * one-time code waits for it at most {@code revocation-timeout}, and the next one not at all while
 * its circuit is open.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class SlowRevocationIT {
    static final Duration REVOCATION_TIMEOUT = Duration.ofSeconds(1);

    @TempDir Path dir;

    @Test
    void aTricklingOcspResponderHoldsACodeAtMostTheRevocationTimeout() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                TricklingHttpServer responder =
                        new TricklingHttpServer(
                                "application/ocsp-response", Duration.ofSeconds(1))) {
            URI ocsp = responder.url("/ocsp");
            for (String customer : List.of(ALICE, BOB)) {
                world.publish(
                        customer,
                        world.pki()
                                .certificate(customer, KeyKind.RSA)
                                .ocspUrl(ocsp.toString())
                                .build());
            }
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            "certificates { revocation = soft-fail, revocation-timeout = 1s }");
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
                long start = System.nanoTime();
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(ALICE),
                                                BankMail.otp(ALICE, "1"))
                                        .code())
                        .isEqualTo(250);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isLessThan(REVOCATION_TIMEOUT.plusMillis(1500));
                Eventually.await(
                        "the relay hung up on the trickling responder",
                        Duration.ofSeconds(5),
                        () -> responder.abandoned() == 1);

                start = System.nanoTime();
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(BOB),
                                                BankMail.otp(BOB, "2"))
                                        .code())
                        .isEqualTo(250);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("the responder's circuit is open: not asked")
                        .isLessThan(REVOCATION_TIMEOUT);
                assertThat(responder.requests()).isEqualTo(1);

                HttpResponse<String> ready =
                        AdminPort.get(relay.adminPort(), "/ready", Duration.ofSeconds(5));
                assertThat(ready.statusCode())
                        .as("an open OCSP circuit alone is not unready")
                        .isEqualTo(200);
                assertThat(ready.body()).contains("\"openCircuits\":{\"" + ocsp + "\":\"");
                assertThat(world.sink().awaitMessages(2, Duration.ofSeconds(15))).isTrue();
            }
        }
    }
}

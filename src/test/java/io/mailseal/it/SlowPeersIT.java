package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.RelayProcess;
import io.mailseal.testing.TricklingHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and stuck peers against the jar as its own process with the shipped JVM options: a TSA that
 * answers one byte a second, and clients of the admin port that send one byte a second. After each
 * the process is alive, a control one-time code is accepted and delivered, and no code is logged.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class SlowPeersIT {
    static final Duration TSA_TIMEOUT = Duration.ofSeconds(2);

    /** Start-up of a cold JVM's first seal, scheduling, loopback: what a reply may take beyond. */
    static final Duration MARGIN = Duration.ofMillis(2500);

    @TempDir Path dir;
    final int smtp;
    final int admin;

    SlowPeersIT() throws IOException {
        smtp = LoopbackPorts.free();
        admin = LoopbackPorts.free();
    }

    private String listen(String more) {
        return "smtp.listen = \"127.0.0.1:%d\"\nadmin.listen = \"127.0.0.1:%d\"\n%s"
                .formatted(smtp, admin, more);
    }

    private static String tsas(URI... urls) {
        List<String> quoted = new ArrayList<>();
        for (URI u : urls) {
            quoted.add("\"" + u + "\"");
        }
        return "timestamp { urls = [" + String.join(", ", quoted) + "], timeout = 2s }";
    }

    private record Timed(String line, Duration took) {}

    private static Timed otp(SubmissionClient bank, String code) throws Exception {
        long start = System.nanoTime();
        String line =
                bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), BankMail.otp(ALICE, code)).line();
        return new Timed(line, Duration.ofNanos(System.nanoTime() - start));
    }

    private HttpResponse<String> get(String path, Duration timeout) throws Exception {
        return AdminPort.get(admin, path, timeout);
    }

    @Test
    void aTsaAnsweringOneBytePerSecondCostsOneTimeoutThenItsCircuitIsOpen() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                TricklingHttpServer slow =
                        new TricklingHttpServer(
                                "application/timestamp-reply", Duration.ofSeconds(1))) {
            world.addCustomer(ALICE, KeyKind.RSA);
            URI slowTsa = slow.url("/tsr");
            Path conf = world.writeConfig(BankMail.POLICIES, listen(tsas(slowTsa)));
            try (RelayProcess relay = RelayProcess.start(conf, smtp, dir.resolve("relay.log"))) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", smtp);

                Timed first = otp(bank, "111111");
                assertThat(first.line()).isEqualTo(SmtpReply.TIMESTAMP_UNAVAILABLE.line());
                assertThat(first.took()).isLessThan(TSA_TIMEOUT.plus(MARGIN));
                Eventually.await(
                        "the relay hung up on the trickling TSA",
                        Duration.ofSeconds(5),
                        () -> slow.abandoned() == 1);

                Timed second = otp(bank, "222222");
                assertThat(second.line()).isEqualTo(SmtpReply.TIMESTAMP_UNAVAILABLE.line());
                assertThat(second.took())
                        .as("skipped, not waited for")
                        .isLessThan(Duration.ofSeconds(1));
                assertThat(slow.requests()).isEqualTo(1);
                HttpResponse<String> ready = get("/ready", Duration.ofSeconds(5));
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body())
                        .contains("\"timestamp\":")
                        .contains("\"openCircuits\":{\"" + slowTsa + "\":\"");
                assertThat(get("/metrics", Duration.ofSeconds(5)).body())
                        .contains("mailseal_circuit_opened_total{url=\"" + slowTsa + "\"} 1")
                        .contains("mailseal_circuits_open 1");

                // failover: the slow TSA first again (a reload starts with closed circuits)
                world.writeConfig(BankMail.POLICIES, listen(tsas(slowTsa, world.tsa().url())));
                relay.hangUp();
                Eventually.await(
                        "relay.conf reloaded",
                        Duration.ofSeconds(20),
                        () -> relay.log().contains("relay.conf reloaded"));
                Timed failedOver = otp(bank, "333333");
                assertThat(failedOver.line()).startsWith("250");
                assertThat(failedOver.took()).isLessThan(TSA_TIMEOUT.plus(MARGIN));
                assertThat(slow.requests()).isEqualTo(2);

                Timed control = otp(bank, "424242");
                assertThat(control.line()).startsWith("250");
                assertThat(control.took()).isLessThan(Duration.ofSeconds(1));
                assertThat(slow.requests()).as("the slow TSA skipped").isEqualTo(2);
                ready = get("/ready", Duration.ofSeconds(5));
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains("\"openCircuits\":{\"" + slowTsa + "\":\"");

                assertThat(world.sink().awaitMessages(2, Duration.ofSeconds(20))).isTrue();
                assertThat(relay.isAlive()).isTrue();
                assertThat(relay.log())
                        .doesNotContain("111111")
                        .doesNotContain("222222")
                        .doesNotContain("333333")
                        .doesNotContain("424242");
            }
        }
    }

    @Test
    void adminClientsSendingOneBytePerSecondDoNotDelayHealthReadyOrMetrics() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer(ALICE, KeyKind.RSA);
            Path conf = world.writeConfig(BankMail.POLICIES, listen(""));
            ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
            List<Socket> slowClients = new ArrayList<>();
            AtomicInteger cut = new AtomicInteger();
            List<AtomicInteger> progress = new ArrayList<>();
            try (RelayProcess relay = RelayProcess.start(conf, smtp, dir.resolve("relay.log"))) {
                byte[] request =
                        ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "
                                        + "x".repeat(200)
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 10; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), admin);
                    slowClients.add(s);
                    AtomicInteger sent = new AtomicInteger();
                    progress.add(sent);
                    trickle.scheduleAtFixedRate(
                            () -> {
                                try {
                                    s.getOutputStream().write(request[sent.getAndIncrement()]);
                                } catch (IOException e) {
                                    // cut by the server: the reader below counts it
                                }
                            },
                            0,
                            1,
                            TimeUnit.SECONDS);
                    Thread reader = new Thread(() -> awaitClose(s, cut), "slow-admin-client");
                    reader.setDaemon(true);
                    reader.start();
                }
                Eventually.await(
                        "every slow client has sent two bytes of its request",
                        Duration.ofSeconds(5),
                        () -> progress.stream().allMatch(n -> n.get() >= 2));
                for (String path : List.of("/health", "/ready", "/metrics")) {
                    long start = System.nanoTime();
                    HttpResponse<String> r = get(path, Duration.ofSeconds(3));
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(r.statusCode()).as(path).isEqualTo(200);
                    assertThat(took).as(path).isLessThan(Duration.ofSeconds(1));
                }
                assertThat(cut.get())
                        .as("the slow clients were still holding their connections")
                        .isZero();
                Eventually.await(
                        "the slow clients cut by sun.net.httpserver.maxReqTime",
                        Duration.ofSeconds(12),
                        () -> cut.get() == slowClients.size());

                Timed control = otp(new SubmissionClient("127.0.0.1", smtp), "515151");
                assertThat(control.line()).startsWith("250");
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(20))).isTrue();
                assertThat(relay.isAlive()).isTrue();
                assertThat(relay.log()).doesNotContain("515151");
            } finally {
                trickle.shutdownNow();
                for (Socket s : slowClients) {
                    s.close();
                }
            }
        }
    }

    /** Reads until the server closes the connection (or answers and closes), then counts it. */
    private static void awaitClose(Socket s, AtomicInteger cut) {
        try (InputStream in = s.getInputStream()) {
            while (in.read() >= 0) {
                // an error reply, if any: the close is what counts
            }
        } catch (IOException e) {
            // reset: closed all the same
        }
        cut.incrementAndGet();
    }
}

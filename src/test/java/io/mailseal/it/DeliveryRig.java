package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.HostPort;
import io.mailseal.delivery.DeliveryScheduler;
import io.mailseal.delivery.NextHopClient;
import io.mailseal.delivery.OutboundTls;
import io.mailseal.delivery.Router;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import io.mailseal.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A spool and a delivery scheduler on a hand-moved clock, as the relay wires them. */
final class DeliveryRig implements AutoCloseable {
    static final String BANK = "otp@bank.example";
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T08:00:00Z"));
    final LinkedBlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
    final Spool spool;
    final DeliveryScheduler scheduler;

    DeliveryRig(Path dir, DeliveryConfig config, Optional<Set<TrustAnchor>> anchors) throws Exception {
        this.spool = new Spool(dir);
        this.scheduler = new DeliveryScheduler(spool, Router.of(config), new NextHopClient(config, "relay.test",
                new OutboundTls(config.tls(), anchors)), config, "relay.test", clock,
                (policy, outcome) -> outcomes.add(outcome));
    }

    /** Smarthost delivery; retry 1m doubling to 8m. */
    static DeliveryConfig smarthost(int port, DeliveryConfig.TlsLevel tls) {
        return new DeliveryConfig(DeliveryConfig.Mode.SMARTHOST, new HostPort("127.0.0.1", port), 25, List.of(), tls,
                Optional.empty(), 2, Duration.ofMinutes(1), Duration.ofMinutes(8), Duration.ofDays(5),
                Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    void queue(String id, Duration maxAge, String... recipients) throws Exception {
        SpooledMessage m = new SpooledMessage(id, BANK, List.of(recipients), "otp", clock.instant(),
                clock.instant().plus(maxAge), ("Subject: [...]\r\nMessage-ID: <" + id + "@bank.example>\r\n\r\n"
                + "ciphertext\r\n").getBytes(StandardCharsets.US_ASCII));
        spool.write(List.of(m));
        scheduler.submit(m);
    }

    /** Waits for an attempt that ends {@code outcome}, skipping others. */
    void awaitOutcome(String outcome) throws InterruptedException {
        String o;
        do {
            o = outcomes.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("an attempt ending " + outcome).isNotNull();
        } while (!o.equals(outcome));
    }

    @Override
    public void close() {
        scheduler.close();
    }
}

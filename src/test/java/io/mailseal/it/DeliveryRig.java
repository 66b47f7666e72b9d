package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.HostPort;
import io.mailseal.config.MtaStsConfig;
import io.mailseal.config.PolicyConfig;
import io.mailseal.delivery.DeliveryEvidence;
import io.mailseal.delivery.DeliveryOutcomes;
import io.mailseal.delivery.DeliveryScheduler;
import io.mailseal.delivery.MtaSts;
import io.mailseal.delivery.NextHopClient;
import io.mailseal.delivery.OutboundTls;
import io.mailseal.delivery.Route;
import io.mailseal.delivery.Router;
import io.mailseal.delivery.SpooledContent;
import io.mailseal.delivery.TlsLevels;
import io.mailseal.demo.CaptureSink;
import io.mailseal.dns.ValidatingDns;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/**
 * A spool and a delivery scheduler on a hand-moved clock, as the relay wires them, with the
 * delivery package's log lines kept for the test to read.
 */
final class DeliveryRig implements AutoCloseable {
    static final String BANK = "otp@bank.example";
    static final Instant START = Instant.parse("2026-11-25T08:00:00Z");
    final MutableClock clock = new MutableClock(START);
    final LinkedBlockingQueue<String> outcomes = new LinkedBlockingQueue<>();

    /** The TLS of each transaction a hop accepted, in order. */
    final LinkedBlockingQueue<String> tlsResults = new LinkedBlockingQueue<>();

    private final DeliveryOutcomes reports =
            new DeliveryOutcomes() {
                @Override
                public void outcome(String policy, String outcome) {
                    failIfAsked(outcome);
                    outcomes.add(outcome);
                }

                @Override
                public void tls(String result) {
                    tlsResults.add(result);
                }

                @Override
                public void attempted(Duration took) {
                    failIfAsked("attempted"); // timings themselves are AdminIT's concern
                }
            };

    /**
     * The next report of this outcome ({@code "attempted"}: of an attempt's time) throws, as broken
     * metrics would.
     */
    final AtomicReference<String> metricsFailOnce = new AtomicReference<>();

    /**
     * The next routing decision throws, as a bug would: nothing in the delivery path catches it.
     */
    final AtomicBoolean routingFailsOnce = new AtomicBoolean();

    final Spool spool;
    final DeliveryScheduler scheduler;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    DeliveryRig(Path dir, DeliveryConfig config, Optional<Set<TrustAnchor>> anchors)
            throws Exception {
        this(dir, config, null, anchors, List.of());
    }

    /** MX delivery ({@link #mx}) resolving through {@code dns}. */
    DeliveryRig(
            Path dir, DeliveryConfig config, ValidatingDns dns, Optional<Set<TrustAnchor>> anchors)
            throws Exception {
        this(dir, config, dns, anchors, List.of());
    }

    DeliveryRig(
            Path dir,
            DeliveryConfig config,
            Optional<Set<TrustAnchor>> anchors,
            List<PolicyConfig> policies)
            throws Exception {
        this(dir, config, null, anchors, policies);
    }

    /**
     * With {@code policies}' {@code delivery-tls}: a message spooled under one is sent at its
     * level; {@code dns} only for MX delivery (null: smarthost).
     */
    DeliveryRig(
            Path dir,
            DeliveryConfig config,
            ValidatingDns dns,
            Optional<Set<TrustAnchor>> anchors,
            List<PolicyConfig> policies)
            throws Exception {
        log.start();
        deliveryLogger().addAppender(log);
        this.spool = new Spool(dir);
        // the test CA in anchors issues the policy hosts' certificates as well as the MX hosts'
        Optional<MtaSts> sts =
                config.mtaSts().enabled()
                        ? Optional.of(new MtaSts(dns, config.mtaSts(), anchors, clock))
                        : Optional.empty();
        this.scheduler =
                new DeliveryScheduler(
                        spool,
                        failingOnceWhenAsked(Router.of(config, dns, sts)),
                        new NextHopClient(
                                config,
                                "relay.test",
                                new OutboundTls(anchors),
                                new TlsLevels(
                                        config.tls(),
                                        config.dsnTls().orElse(config.tls()),
                                        policies),
                                dns,
                                reports,
                                clock),
                        config,
                        "relay.test",
                        clock,
                        reports,
                        SpooledContent.AS_SPOOLED,
                        DeliveryEvidence.NONE);
    }

    private Router failingOnceWhenAsked(Router router) {
        return new Router() {
            @Override
            public String destination(String recipient) {
                if (routingFailsOnce.getAndSet(false)) {
                    throw new IllegalStateException("a bug in routing");
                }
                return router.destination(recipient);
            }

            @Override
            public Route route(String destination) {
                return router.route(destination);
            }
        };
    }

    private void failIfAsked(String report) {
        if (metricsFailOnce.compareAndSet(report, null)) {
            throw new IllegalStateException("metrics registry broken at " + report);
        }
    }

    private static Logger deliveryLogger() {
        return (Logger) LoggerFactory.getLogger("io.mailseal.delivery");
    }

    /** Smarthost delivery; retry 1m doubling to 8m. */
    static DeliveryConfig smarthost(int port, DeliveryConfig.TlsLevel tls) {
        return new DeliveryConfig(
                DeliveryConfig.Mode.SMARTHOST,
                new HostPort("127.0.0.1", port),
                25,
                tls,
                Optional.empty(),
                2,
                Duration.ofMinutes(1),
                Duration.ofMinutes(8),
                Duration.ofDays(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                java.util.Optional.empty(),
                MtaStsConfig.off());
    }

    /** MX delivery; every MX host listens on {@code mxPort}. */
    static DeliveryConfig mx(int mxPort, DeliveryConfig.TlsLevel tls) {
        return mx(mxPort, tls, MtaStsConfig.off());
    }

    /** MX delivery with MTA-STS as {@code sts} says. */
    static DeliveryConfig mx(int mxPort, DeliveryConfig.TlsLevel tls, MtaStsConfig sts) {
        return new DeliveryConfig(
                DeliveryConfig.Mode.MX,
                new HostPort("127.0.0.1", 25),
                mxPort,
                tls,
                Optional.empty(),
                2,
                Duration.ofMinutes(1),
                Duration.ofMinutes(8),
                Duration.ofDays(5),
                Duration.ofSeconds(3),
                Duration.ofSeconds(5),
                java.util.Optional.empty(),
                sts);
    }

    /**
     * {@code config} with another number of parallel deliveries, next-hop timeout and shutdown
     * grace.
     */
    static DeliveryConfig with(
            DeliveryConfig c, int connections, Duration timeout, Duration shutdownGrace) {
        return new DeliveryConfig(
                c.mode(),
                c.smarthost(),
                c.mxPort(),
                c.tls(),
                c.tlsTrustAnchors(),
                connections,
                c.retryInitial(),
                c.retryMax(),
                c.maxAge(),
                timeout,
                shutdownGrace,
                c.dsnTls(),
                c.mtaSts());
    }

    /** Spools a message as the intake would, without telling the scheduler. */
    SpooledMessage spooled(String id, Duration maxAge, String... recipients) throws Exception {
        return spooled(BANK, id, maxAge, recipients);
    }

    /** From {@code sender}; {@code ""} is the null sender of a DSN. */
    SpooledMessage spooled(String sender, String id, Duration maxAge, String... recipients)
            throws Exception {
        return spooled(sender, "otp", id, maxAge, recipients);
    }

    /** Decided by {@code policy}. */
    SpooledMessage spooled(
            String sender, String policy, String id, Duration maxAge, String... recipients)
            throws Exception {
        SpooledMessage m =
                new SpooledMessage(
                        id,
                        sender,
                        List.of(recipients),
                        policy,
                        clock.instant(),
                        clock.instant().plus(maxAge),
                        ("Subject: [...]\r\nMessage-ID: <"
                                        + id
                                        + "@bank.example>\r\n\r\n"
                                        + "ciphertext\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
        spool.write(List.of(m));
        return m;
    }

    void queue(String id, Duration maxAge, String... recipients) throws Exception {
        scheduler.submit(spooled(id, maxAge, recipients));
    }

    /** Waits for an attempt that ends {@code outcome}, skipping others. */
    void awaitOutcome(String outcome) throws InterruptedException {
        awaitOutcomes(outcome);
    }

    /**
     * Waits until attempts ended with each of {@code expected}, in any order (a message's outcome
     * and its DSN's are reported by different workers), skipping others.
     */
    void awaitOutcomes(String... expected) throws InterruptedException {
        List<String> missing = new ArrayList<>(List.of(expected));
        while (!missing.isEmpty()) {
            String o = outcomes.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("attempts ending " + missing).isNotNull();
            missing.remove(o);
        }
    }

    /** What the delivery package logged so far, formatted. */
    /** Closes each of {@code servers} that was started (a class's fixtures after its tests). */
    static void closeAll(AutoCloseable... servers) throws Exception {
        for (AutoCloseable s : servers) {
            if (s != null) {
                s.close();
            }
        }
    }

    /**
     * Queues {@code id} to {@code recipient}: {@code sink} receives it once, over TLS reported as
     * {@code tls}.
     */
    void deliveredWith(CaptureSink sink, String id, String recipient, String tls) throws Exception {
        queue(id, Duration.ofDays(1), recipient);
        awaitOutcome("delivered");
        assertThat(tlsResults).containsExactly(tls);
        assertThat(to(sink, recipient))
                .singleElement()
                .extracting(CaptureSink.CapturedMessage::overTls)
                .isEqualTo(true);
    }

    /**
     * Queues {@code id} to {@code recipient}: deferred without a connection to {@code sink}, with a
     * log line containing {@code logged}.
     */
    void deferredWithoutConnecting(CaptureSink sink, String id, String recipient, String logged)
            throws Exception {
        int sessions = sink.sessionsOpened();
        queue(id, Duration.ofDays(1), recipient);
        awaitOutcome("deferred");
        assertThat(sink.sessionsOpened()).isEqualTo(sessions);
        assertThat(logLines()).anyMatch(l -> l.contains(logged));
    }

    /** What {@code sink} received for {@code recipient}. */
    static List<CaptureSink.CapturedMessage> to(CaptureSink sink, String recipient) {
        return sink.messages().stream().filter(m -> m.recipients().contains(recipient)).toList();
    }

    List<String> logLines() {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** Waits for a log line that starts with {@code prefix}; fails after 10 s. */
    void awaitLog(String prefix) throws Exception {
        Eventually.value(
                "a log line " + prefix,
                Duration.ofSeconds(10),
                this::logLines,
                lines -> lines.stream().anyMatch(l -> l.startsWith(prefix)));
    }

    @Override
    public void close() {
        scheduler.close();
        deliveryLogger().detachAppender(log);
    }
}

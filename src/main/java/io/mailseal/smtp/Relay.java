package io.mailseal.smtp;

import io.mailseal.admin.AdminServer;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.config.ConfigException;
import io.mailseal.delivery.DeliveryScheduler;
import io.mailseal.delivery.NextHopClient;
import io.mailseal.delivery.OutboundTls;
import io.mailseal.delivery.Router;
import io.mailseal.delivery.TlsLevels;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.DeliveryConfig;
import io.mailseal.delivery.Outbox;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import io.mailseal.config.ConfigLoader;
import io.mailseal.config.RelayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mailseal running: the intake plus the current {@link RelayComponents}. A reload builds a
 * complete new set from relay.conf and swaps it in atomically; messages in flight finish
 * under the set they started with; an invalid file leaves the running set in force.
 */
public final class Relay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private final IntakeServer intake;
    private final AdminServer admin;
    private final RelayMetrics metrics;
    private final AtomicReference<RelayComponents> current;
    private final Outbox outbox;
    private final DeliveryScheduler scheduler;
    private final TlsLevels tlsLevels;
    private final Clock clock;
    private ScheduledExecutorService watcher;
    private byte[] watchedDigest;

    private Relay(RelayComponents components, RelayMetrics metrics, Outbox outbox, DeliveryScheduler scheduler,
                  TlsLevels tlsLevels, Clock clock) {
        this.current = new AtomicReference<>(components);
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.tlsLevels = tlsLevels;
        this.metrics = metrics;
        this.clock = clock;
        RelayConfig config = components.config();
        try {
            Optional<String> token = config.adminTokenFile().isEmpty() ? Optional.empty()
                    : Optional.of(Files.readString(config.adminTokenFile().get()).strip());
            this.admin = new AdminServer(config.adminListen(), metrics, () -> current.get().certificates(),
                    () -> current.get().readinessProblems(), token, scheduler::flush);
        } catch (IOException e) {
            throw new ConfigException(List.of("mailseal.admin: cannot serve on " + config.adminListen() + ": " + e));
        }
        metrics.watchCertificateCache(() -> current.get().certificates()
                instanceof io.mailseal.certs.CachedRecipientCertificates c ? c.hitRatio() : 0);
        this.intake = new IntakeServer(config.smtp(), () -> current.get().pipeline(), clock).start();
        metrics.watchSessions(intake::openSessions);
    }

    /** Builds every stage; a bad keystore, trust anchor or certificate directory stops start-up. */
    public static Relay start(RelayConfig config, Clock clock) {
        RelayMetrics metrics = new RelayMetrics();
        Spool spool;
        List<SpooledMessage> left;
        try {
            spool = new Spool(config.spoolDirectory());
            left = spool.recover();
        } catch (IOException e) {
            throw new ConfigException(List.of("mailseal.spool.directory: \"" + config.spoolDirectory()
                    + "\" cannot be used: " + e));
        }
        // delivery and spool settings are read at start; a reload changes only the policies' delivery-tls
        TlsLevels tlsLevels = new TlsLevels(config.delivery().tls(), config.policies());
        DeliveryScheduler scheduler = new DeliveryScheduler(spool, Router.of(config.delivery()),
                new NextHopClient(config.delivery(), config.smtp().hostname(), outboundTls(config.delivery()), tlsLevels,
                        clock), config.delivery(), config.smtp().hostname(), clock, metrics);
        Outbox outbox = new Outbox(spool, scheduler);
        metrics.watchSpool(spool, clock);
        Relay relay;
        try {
            relay = new Relay(RelayComponents.open(config, clock, metrics, outbox), metrics, outbox, scheduler, tlsLevels,
                    clock);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
        scheduler.recover(left);
        if (!left.isEmpty()) {
            log.info("spool: {} message(s) from the previous run queued for delivery", left.size());
        }
        log.info("listening on {}:{}, next hop {}", config.smtp().listen().host(), relay.port(),
                config.delivery().mode() == DeliveryConfig.Mode.MX ? "by MX" : config.delivery().smarthost());
        return relay;
    }

    private static OutboundTls outboundTls(DeliveryConfig delivery) {
        return new OutboundTls(delivery.tlsTrustAnchors()
                .map(path -> TrustAnchors.load("mailseal.delivery.tls-trust-anchors", path)));
    }

    /** Re-reads relay.conf; true when the new configuration is in force. */
    public synchronized boolean reload() {
        RelayConfig old = current.get().config();
        try {
            RelayComponents next = RelayComponents.open(ConfigLoader.load(old.file()), clock, metrics, outbox);
            if (!next.config().smtp().equals(old.smtp())) {
                log.warn("relay.conf: changes to mailseal.smtp take effect only after a restart");
            }
            if (!next.config().delivery().equals(old.delivery())) {
                log.warn("relay.conf: changes to mailseal.delivery (delivery.tls included) take effect only after a"
                        + " restart; policies' delivery-tls take effect now");
            }
            tlsLevels.follow(next.config().policies()); // before the new policies decide a message
            RelayComponents previous = current.getAndSet(next);
            // messages in flight may still use the old set's connections: close it a little later
            java.util.concurrent.CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS).execute(() -> closeQuietly(previous));
            log.info("relay.conf reloaded: {} policies", next.config().policies().size());
            return true;
        } catch (ConfigException e) {
            e.problems().forEach(p -> log.error("relay.conf not reloaded, the running configuration stays: {}", p));
            return false;
        } catch (RuntimeException e) {
            log.error("relay.conf not reloaded, the running configuration stays: {}", e.toString());
            return false;
        }
    }

    /** Reloads whenever relay.conf's content changes (checked every {@code period}). */
    public synchronized Relay watchConfig(Duration period) {
        watchedDigest = digestOfConfig();
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-conf-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    private synchronized void reloadIfChanged() {
        byte[] now = digestOfConfig();
        if (now != null && !Arrays.equals(now, watchedDigest)) {
            watchedDigest = now;
            reload();
        }
    }

    private byte[] digestOfConfig() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(current.get().config().file()));
        } catch (IOException | NoSuchAlgorithmException e) {
            return null; // mid-rename or unreadable: try again next period
        }
    }

    public int port() {
        return intake.port();
    }

    public int adminPort() {
        return admin.port();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        // SIGTERM: no new transactions, those under way and deliveries may finish (delivery.shutdown-grace)
        intake.close(current.get().config().delivery().shutdownGrace());
        scheduler.close();
        admin.close();
        closeQuietly(current.get());
    }

    private static void closeQuietly(RelayComponents components) {
        try {
            components.close();
        } catch (Exception e) {
            log.warn("closing certificate sources: {}", e.toString());
        }
    }
}

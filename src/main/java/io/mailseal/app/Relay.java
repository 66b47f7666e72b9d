package io.mailseal.app;

import io.mailseal.admin.AdminServer;
import io.mailseal.admin.RelayControl;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.CertificateResolver;
import io.mailseal.config.ConfigException;
import io.mailseal.config.ConfigLoader;
import io.mailseal.config.RelayConfig;
import io.mailseal.delivery.DeliveryScheduler;
import io.mailseal.delivery.Outbox;
import io.mailseal.delivery.TlsLevels;
import io.mailseal.inbound.DecryptionKeys;
import io.mailseal.smtp.IntakeServer;
import io.mailseal.smtp.ReceivedMessage;
import io.mailseal.smtp.Verdict;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mailseal running: spool and delivery, the current {@link SealingStage}, the admin port and the
 * intake, started in that order (nothing listens before what it hands mail to exists) and stopped
 * in the reverse. A reload ({@code SIGHUP} or {@code POST /v1/reload}) validates relay.conf as
 * {@code check-config} does and swaps in a new stage, or changes nothing.
 */
public final class Relay implements AutoCloseable, RelayControl {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private final AtomicReference<SealingStage> current;
    private final RelayMetrics metrics;
    private final Outbox outbox;
    private final DeliveryScheduler scheduler;
    private final TlsLevels tlsLevels;
    private final Optional<InboundPath> inbound;
    private final Clock clock;
    private EvidenceRun evidence;
    private SharedStore shared;

    /** Stages a reload replaced, closed 30 s later or when the relay stops, whichever is first. */
    private final Set<SealingStage> retiring = ConcurrentHashMap.newKeySet();

    private AdminServer admin;
    private IntakeServer intake;
    private CertificateExpiryWatch expiryWatch;
    private TlsCheckWatch tlsWatch;

    private Relay(
            AtomicReference<SealingStage> current,
            RelayMetrics metrics,
            Outbox outbox,
            DeliveryScheduler scheduler,
            TlsLevels tlsLevels,
            Optional<InboundPath> inbound,
            Clock clock) {
        this.current = current;
        this.metrics = metrics;
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.tlsLevels = tlsLevels;
        this.inbound = inbound;
        this.clock = clock;
    }

    /** The inbound end of DATA under the current stage (a reload that removed it: 451). */
    private Verdict acceptInbound(ReceivedMessage received) {
        return current.get()
                .inbound()
                .orElseThrow(() -> new IllegalStateException("mailseal.inbound was removed"))
                .accept(received);
    }

    /**
     * Validates {@code config} (every problem at once, as check-config reports them), then starts;
     * what a failed step leaves open is closed before the failure is thrown.
     */
    public static Relay start(RelayConfig config, Clock clock) {
        RelayMetrics metrics = new RelayMetrics();
        ResourceStack opened = new ResourceStack();
        try {
            SharedStore shared = opened.add(SharedStore.open(config, clock));
            ValidatedConfig validated =
                    opened.add(RelayAssembly.validate(config, clock, metrics, shared));
            logWarnings(validated);
            Spool spool = StartSteps.openSpool(config);
            List<SpooledMessage> left = StartSteps.recover(spool, config);
            AtomicReference<SealingStage> current = new AtomicReference<>();
            EvidenceRun evidence = opened.add(EvidenceRun.open(config, shared.database(), clock));
            // delivery and spool settings are read at start; a reload changes only the policies'
            // delivery-tls
            TlsLevels tlsLevels =
                    new TlsLevels(
                            config.delivery().tls(),
                            config.delivery().dsnTls().orElse(config.delivery().tls()),
                            config.policies());
            DeliveryScheduler scheduler =
                    opened.add(
                            StartSteps.scheduler(
                                    validated,
                                    spool,
                                    tlsLevels,
                                    metrics,
                                    clock,
                                    evidence.delivery(p -> current.get().journaled(p))));
            Outbox outbox = new Outbox(spool, scheduler);
            metrics.gauges().watchSpool(spool, clock);
            Optional<InboundPath> inbound =
                    config.inbound()
                            .map(
                                    ic ->
                                            opened.add(
                                                    InboundPath.open(
                                                            config,
                                                            ic,
                                                            validated,
                                                            clock,
                                                            metrics,
                                                            DecryptionKeys.of(
                                                                    () ->
                                                                            current.get()
                                                                                    .identities()),
                                                            evidence.inboundDelivery())));
            current.set(
                    SealingStage.open(
                            validated, clock, metrics, outbox, inbound, evidence.evidence()));
            Relay relay = new Relay(current, metrics, outbox, scheduler, tlsLevels, inbound, clock);
            relay.evidence = evidence;
            relay.shared = shared;
            shared.follow(relay::forgetCertificates, metrics.gauges());
            evidence.start(() -> current.get().timestamps(), metrics, clock);
            relay.admin = opened.add(StartSteps.adminServer(config, metrics, relay, validated));
            metrics.gauges()
                    .watchCertificateCache(() -> relay.current.get().certificateCacheHitRatio());
            metrics.gauges().watchOpenCircuits(() -> relay.current.get().openCircuits().size());
            relay.expiryWatch =
                    opened.add(
                            CertificateExpiryWatch.start(
                                    config.smtp(),
                                    () -> relay.current.get().signingCertificates(),
                                    metrics,
                                    clock));
            relay.tlsWatch = opened.add(TlsCheckWatch.start(config.tlsChecks(), metrics, clock));
            relay.intake =
                    opened.add(
                            new IntakeServer(
                                    config.smtp(),
                                    received -> relay.current.get().pipeline().accept(received),
                                    clock));
            StartSteps.listen(relay.intake, "mailseal.smtp.listen", config.smtp().listen());
            inbound.ifPresent(path -> path.listen(relay::acceptInbound, clock));
            metrics.gauges().watchSessions(relay.intake::openSessions);
            metrics.gauges()
                    .watchIntake(
                            relay.intake::memoryInFlight,
                            relay.intake::memoryBudgetRefusals,
                            relay.intake::slowClientsCut);
            scheduler.recover(left);
            if (!left.isEmpty()) {
                log.info(
                        "spool: {} message(s) from the previous run queued for delivery",
                        left.size());
            }
            StartSteps.logListening(config, relay.port());
            return relay;
        } catch (RuntimeException e) {
            opened.closeAll();
            throw e;
        }
    }

    /**
     * Re-reads relay.conf and validates it as {@code check-config} does; only a file that passes
     * replaces the running stage. Returns the problems, empty when applied.
     */
    @Override
    public synchronized List<String> reload() {
        RelayConfig old = current.get().config();
        try {
            RelayConfig next = ConfigLoader.load(old.file());
            ValidatedConfig validated = RelayAssembly.validate(next, clock, metrics, shared);
            logWarnings(validated);
            SealingStage stage =
                    SealingStage.open(
                            validated, clock, metrics, outbox, inbound, evidence.evidence());
            RestartOnlyChanges.warn(old, next);
            tlsLevels.follow(next.policies()); // before the new policies decide a message
            SealingStage previous = current.getAndSet(stage);
            // messages in flight may still use the old stage's connections: close it a little later
            retiring.add(previous);
            CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS).execute(() -> retire(previous));
            log.info("relay.conf reloaded: {} policies", next.policies().size());
            return List.of();
        } catch (ConfigException e) {
            e.problems()
                    .forEach(
                            p ->
                                    log.error(
                                            "relay.conf not reloaded, the running configuration stays: {}",
                                            p));
            return e.problems();
        } catch (RuntimeException e) {
            String problem = "relay.conf cannot be used: " + Problems.reason(e);
            log.error("relay.conf not reloaded, the running configuration stays: {}", problem);
            return List.of(problem);
        }
    }

    private static void logWarnings(ValidatedConfig validated) {
        validated.warnings().forEach(w -> log.warn("relay.conf: {}", w));
    }

    @Override
    public CertificateResolver certificates() {
        return current.get().certificates();
    }

    @Override
    public Map<String, String> readinessProblems() {
        Map<String, String> problems = new LinkedHashMap<>(current.get().readinessProblems());
        inbound.flatMap(InboundPath::readinessProblem).ifPresent(p -> problems.put("inbound", p));
        evidence.problem().ifPresent(p -> problems.put("evidence", p));
        shared.problem().ifPresent(p -> problems.put("store", p));
        return problems;
    }

    @Override
    public Map<String, String> openCircuits() {
        return current.get().openCircuits();
    }

    @Override
    public Map<String, Object> tlsChecks() {
        return tlsWatch.detail();
    }

    @Override
    public void forgetCertificates(List<String> addresses) {
        current.get().forgetCertificates(addresses);
    }

    @Override
    public RelayControl.Flushed flushQueue() {
        return new RelayControl.Flushed(
                scheduler.flush(), inbound.map(InboundPath::flush).orElse(0));
    }

    public int port() {
        return intake.port();
    }

    /** The inbound listener's bound port; -1 without one. */
    public int inboundPort() {
        return inbound.map(InboundPath::port).orElse(-1);
    }

    public int adminPort() {
        return admin.port();
    }

    @Override
    public void close() {
        // SIGTERM: no new transactions, those under way and deliveries may finish
        // (delivery.shutdown-grace)
        intake.close(current.get().config().delivery().shutdownGrace());
        inbound.ifPresent(path -> path.close(current.get().config().delivery().shutdownGrace()));
        scheduler.close();
        evidence.close(); // the last anchor, while the stage's TSA client is open
        admin.close();
        expiryWatch.close();
        tlsWatch.close();
        retiring.forEach(this::retire);
        current.get().closeQuietly();
        shared.close(); // after everything that keeps data in it
    }

    private void retire(SealingStage stage) {
        if (retiring.remove(stage)) {
            stage.closeQuietly();
        }
    }
}

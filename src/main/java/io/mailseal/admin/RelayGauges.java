package io.mailseal.admin;

import io.mailseal.spool.Spool;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gauges (and running counts) mailseal reads at each scrape rather than counts as events: spool
 * depth, sessions, the certificate cache, open circuits, intake memory and the expiry of the
 * certificates it presents. Registered in {@link RelayMetrics}' registry.
 */
public final class RelayGauges {
    private final PrometheusRegistry registry;

    RelayGauges(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** Outbound URLs skipped now after failures. */
    public void watchOpenCircuits(IntSupplier open) {
        gauge(
                "mailseal_circuits_open",
                "Outbound URLs (TSA, OCSP, CRL, HTTP key service) skipped now after failures.",
                open::getAsInt);
    }

    /**
     * Queue depth, age of the oldest queued message and files set aside as corrupt, from the spool
     * directory; read at most every 5 s however often Prometheus scrapes.
     */
    public void watchSpool(Spool spool, Clock clock) {
        SpoolDepth depth = new SpoolDepth(spool, clock);
        gauge("mailseal_spool_messages", "Messages in the spool.", () -> depth.get().messages());
        GaugeWithCallback.builder()
                .name("mailseal_spool_oldest_age_seconds")
                .unit(Unit.SECONDS)
                .help("Age of the oldest message in the spool; 0 when it is empty.")
                .callback(
                        cb ->
                                cb.call(
                                        depth.get()
                                                .oldest()
                                                .map(
                                                        t ->
                                                                seconds(
                                                                        Duration.between(
                                                                                t,
                                                                                clock.instant())))
                                                .orElse(0.0)))
                .register(registry);
        gauge(
                "mailseal_spool_corrupt_files",
                "Spool files set aside as corrupt (to inspect by hand).",
                () -> depth.get().corrupt());
    }

    /**
     * The evidence journal: outcome records written since start, and seconds since the chain head
     * was last anchored by the TSA (since start while no anchor was made yet; alert when it passes
     * a few {@code evidence.anchor-interval}s).
     */
    public void watchEvidence(
            LongSupplier records, Supplier<Optional<Instant>> lastAnchor, Clock clock) {
        CounterWithCallback.builder()
                .name("mailseal_evidence_records")
                .help("Evidence journal records of outcomes written since start.")
                .callback(cb -> cb.call(records.getAsLong()))
                .register(registry);
        Instant start = clock.instant();
        GaugeWithCallback.builder()
                .name("mailseal_evidence_anchor_age_seconds")
                .unit(Unit.SECONDS)
                .help("Seconds since the evidence chain head was last timestamped by the TSA.")
                .callback(
                        cb ->
                                cb.call(
                                        seconds(
                                                Duration.between(
                                                        lastAnchor.get().orElse(start),
                                                        clock.instant()))))
                .register(registry);
    }

    /**
     * The shared store ({@code mailseal.store.type = postgresql}): whether this node is connected
     * to it now (1) or not (0), and harvests kept on its disk until the database takes them; 1 and
     * 0 with the embedded store, which is always there.
     */
    public void watchStore(BooleanSupplier up, IntSupplier pendingHarvests) {
        gauge(
                "mailseal_store_up",
                "1 while this node reaches its store (the shared PostgreSQL; always 1 when embedded),"
                        + " else 0.",
                () -> up.getAsBoolean() ? 1 : 0);
        gauge(
                "mailseal_store_harvest_pending",
                "Harvested certificates kept on this node's disk until the shared store takes them.",
                pendingHarvests::getAsInt);
    }

    /** SMTP sessions open now. */
    public void watchSessions(IntSupplier open) {
        gauge("mailseal_smtp_sessions_open", "SMTP sessions open now.", open::getAsInt);
    }

    /**
     * The intake's bytes in flight against {@code smtp.memory-budget}, messages refused 452 4.3.1
     * for it, and connections cut for slowness (all since start).
     */
    public void watchIntake(LongSupplier inFlight, LongSupplier budgetRefusals, LongSupplier cut) {
        GaugeWithCallback.builder()
                .name("mailseal_smtp_memory_in_flight_bytes")
                .unit(Unit.BYTES)
                .help("Message bytes the intake holds now (smtp.memory-budget).")
                .callback(cb -> cb.call(inFlight.getAsLong()))
                .register(registry);
        CounterWithCallback.builder()
                .name("mailseal_smtp_memory_budget_refusals")
                .help("Messages refused 452 4.3.1 because smtp.memory-budget was spent.")
                .callback(cb -> cb.call(budgetRefusals.getAsLong()))
                .register(registry);
        CounterWithCallback.builder()
                .name("mailseal_smtp_slow_clients_cut")
                .help(
                        "SMTP sessions closed 421 4.4.2 for their pace (command deadline, data rate,"
                                + " stress).")
                .callback(cb -> cb.call(cut.getAsLong()))
                .register(registry);
    }

    /** Share of certificate lookups answered from the cache (0..1). */
    public void watchCertificateCache(DoubleSupplier hitRatio) {
        gauge(
                "mailseal_certificates_cache_hit_ratio",
                "Share of recipient certificate lookups answered from the cache (0..1).",
                hitRatio);
    }

    /** One certificate mailseal presents, for the expiry gauge. */
    public record WatchedCertificate(String kind, String key, String subject, Instant notAfter) {}

    /**
     * {@code mailseal_certificate_expiry_seconds{kind,key,subject}}: seconds until each
     * certificate's notAfter (negative once expired), read from {@code certificates} at each
     * scrape, so it follows a reload.
     */
    public void watchCertificates(Supplier<List<WatchedCertificate>> certificates, Clock clock) {
        GaugeWithCallback.builder()
                .name("mailseal_certificate_expiry_seconds")
                .unit(Unit.SECONDS)
                .help(
                        "Seconds until the notAfter of a certificate mailseal presents: kind"
                                + " signing (mailseal.identities) or tls (mailseal.smtp.tls).")
                .labelNames("kind", "key", "subject")
                .callback(
                        cb ->
                                certificates
                                        .get()
                                        .forEach(
                                                c ->
                                                        cb.call(
                                                                seconds(
                                                                        Duration.between(
                                                                                clock.instant(),
                                                                                c.notAfter())),
                                                                c.kind(),
                                                                c.key(),
                                                                c.subject())))
                .register(registry);
    }

    /**
     * The last result of one {@code tls-checks} target: each check's severity ({@code ok}, {@code
     * warn}, {@code fail}; empty when the check could not run) and the first notAfter of its chain.
     */
    public record TlsCheckState(
            String target, Map<String, String> severities, Optional<Instant> notAfter) {}

    /**
     * {@code mailseal_tls_check_ok{target,check}} (1 when the check did not fail, warnings
     * included; 0 when it failed or could not run, {@code check="run"}) and {@code
     * mailseal_tls_certificate_expiry_seconds{target}}, read from {@code states} at each scrape.
     */
    public void watchTlsChecks(Supplier<List<TlsCheckState>> states, Clock clock) {
        GaugeWithCallback.builder()
                .name("mailseal_tls_check_ok")
                .help("1 when a tls-checks check of the target did not fail (warnings count as 1).")
                .labelNames("target", "check")
                .callback(
                        cb -> {
                            for (TlsCheckState t : states.get()) {
                                t.severities()
                                        .forEach(
                                                (check, severity) ->
                                                        cb.call(
                                                                severity.equals("fail") ? 0 : 1,
                                                                t.target(),
                                                                check));
                            }
                        })
                .register(registry);
        GaugeWithCallback.builder()
                .name("mailseal_tls_certificate_expiry_seconds")
                .unit(Unit.SECONDS)
                .help("Seconds until the first notAfter of a tls-checks target's chain.")
                .labelNames("target")
                .callback(
                        cb -> {
                            for (TlsCheckState t : states.get()) {
                                if (t.notAfter().isPresent()) {
                                    Duration left =
                                            Duration.between(clock.instant(), t.notAfter().get());
                                    cb.call(seconds(left), t.target());
                                }
                            }
                        })
                .register(registry);
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}

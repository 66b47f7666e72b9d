package io.mailseal.admin;

import io.mailseal.delivery.DeliveryOutcomes;
import io.mailseal.seal.SealingMetrics;
import io.mailseal.spool.Spool;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What mailseal counts, as Prometheus metric families with labels, HELP texts and base units
 * (seconds), registered directly with the Prometheus client library. Not through its Dropwizard
 * bridge: the bridge for Dropwizard 4 (1.4.x) maps one Dropwizard name to one family without labels
 * (its label mapper exists only for Dropwizard 5), so labels would have to be parsed back out of
 * names, and HELP texts and units could not be set.
 */
public final class RelayMetrics implements DeliveryOutcomes, SealingMetrics {
    /** The stages {@link #time} measures, with their HELP texts. */
    private static final Map<String, String> STAGES =
            Map.of(
                    "seal",
                    "Time to plan, sign, timestamp and encrypt one message at the end of DATA.",
                    "certificate_lookup",
                    "Time to find the certificates of one message's recipients.",
                    "spool_write",
                    "Time to write one transaction's files durably to the spool.");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter messages =
            counter(
                    "mailseal_messages",
                    "Messages at the end of DATA by policy and outcome (sealed, signed, passed,"
                            + " refused, deferred).",
                    "policy",
                    "outcome");
    private final Counter deliveries =
            counter(
                    "mailseal_delivery_outcomes",
                    "Delivery attempts' results by policy and outcome (delivered, deferred,"
                            + " bounced, expired, unrecorded); DSNs count under policy dsn.",
                    "policy",
                    "outcome");
    private final Counter tsaFailures =
            counter(
                    "mailseal_tsa_failures",
                    "RFC 3161 requests that failed, by time-stamping authority URL.",
                    "url");
    private final Counter circuitsOpened =
            counter(
                    "mailseal_circuit_opened",
                    "Times an outbound URL (TSA, OCSP, CRL, HTTP key service) failed and was skipped"
                            + " for a back-off.",
                    "url");
    private final Counter ecRecipients =
            counter(
                    "mailseal_envelopes_ec_recipients",
                    "Recipients of sealed mail with EC certificates (ECDH: NSS-based clients cannot"
                            + " open it).");
    private final Counter revocationUnknown =
            counter(
                    "mailseal_revocation_unknown",
                    "Recipient certificates used without a revocation answer (soft-fail).");
    private final Counter timestampsSkipped =
            counter(
                    "mailseal_timestamp_skipped",
                    "Signatures sent without a timestamp because every TSA failed (best-effort).");
    private final Summary delivery =
            duration(
                    "mailseal_delivery",
                    "Time of one delivery attempt: connection and SMTP dialogue.");
    private final Summary timestamp =
            duration(
                    "mailseal_timestamp", "Time to get one RFC 3161 timestamp, failover included.");
    private final Map<String, Summary> stages;

    public RelayMetrics() {
        stages =
                STAGES.entrySet().stream()
                        .collect(
                                java.util.stream.Collectors.toUnmodifiableMap(
                                        Map.Entry::getKey,
                                        e -> duration("mailseal_" + e.getKey(), e.getValue())));
        BuildInfo build = BuildInfo.current();
        Info.builder()
                .name("mailseal_build")
                .help("The version and git commit of the running mailseal; always 1.")
                .labelNames("version", "commit")
                .register(registry)
                .setLabelValues(build.version(), build.commit());
    }

    @Override
    public void message(String policy, String outcome) {
        messages.labelValues(policy, outcome).inc();
    }

    @Override
    public void outcome(String policy, String outcome) {
        deliveries.labelValues(policy, outcome).inc();
    }

    @Override
    public void attempted(Duration took) {
        delivery.observe(seconds(took));
    }

    /** One RFC 3161 request answered, failover included. */
    public void timestampTook(Duration took) {
        timestamp.observe(seconds(took));
    }

    public void tsaFailure(URI url) {
        tsaFailures.labelValues(url.toString()).inc();
    }

    /** A TSA, OCSP or CRL server or HTTP key service failed and is skipped for a back-off. */
    public void circuitOpened(URI url) {
        circuitsOpened.labelValues(url.toString()).inc();
    }

    /** Outbound URLs skipped now after failures. */
    public void watchOpenCircuits(IntSupplier open) {
        gauge(
                "mailseal_circuits_open",
                "Outbound URLs (TSA, OCSP, CRL, HTTP key service) skipped now after failures.",
                open::getAsInt);
    }

    @Override
    public void ecRecipientSealed() {
        ecRecipients.inc();
    }

    /**
     * A recipient certificate used without a revocation answer (certificates.revocation =
     * soft-fail).
     */
    public void revocationUnknown() {
        revocationUnknown.inc();
    }

    public void timestampSkipped() {
        timestampsSkipped.inc();
    }

    @Override
    public Timing time(String stage) {
        Summary summary = stages.get(stage);
        if (summary == null) {
            throw new IllegalArgumentException("no such stage: " + stage);
        }
        long start = System.nanoTime();
        return () -> summary.observe((System.nanoTime() - start) / 1e9);
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

    public void writePrometheus(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create()
                .write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    /** A summary of durations in seconds with the median, 90th and 99th percentiles. */
    private Summary duration(String name, String help) {
        return Summary.builder()
                .name(name + "_duration_seconds")
                .unit(Unit.SECONDS)
                .help(help)
                .quantile(0.5, 0.05)
                .quantile(0.9, 0.01)
                .quantile(0.99, 0.001)
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

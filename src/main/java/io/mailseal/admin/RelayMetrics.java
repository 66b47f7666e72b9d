package io.mailseal.admin;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.MetricRegistry;
import io.mailseal.delivery.DeliveryOutcomes;
import io.mailseal.seal.SealingMetrics;
import io.mailseal.seal.SealingMetrics.Timing;
import io.mailseal.spool.Spool;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What mailseal counts, in one Dropwizard registry, exported in the Prometheus text format by the
 * Prometheus Dropwizard bridge. The bridge (1.4.x) cannot merge several Dropwizard metrics into one
 * labelled family ("duplicate metric name"), so policy and outcome are part of the name: {@code
 * mailseal_messages_<outcome>_<policy>_total}.
 */
public final class RelayMetrics implements DeliveryOutcomes, SealingMetrics {
    private final MetricRegistry registry = new MetricRegistry();
    private final PrometheusRegistry prometheus = new PrometheusRegistry();

    public RelayMetrics() {
        DropwizardExports.builder().dropwizardRegistry(registry).register(prometheus);
    }

    @Override
    public void message(String policy, String outcome) {
        registry.counter("mailseal.messages." + outcome + "." + label(policy)).inc();
    }

    /** Delivery outcomes count as message outcomes of their policy. */
    @Override
    public void outcome(String policy, String outcome) {
        message(policy, outcome);
    }

    @Override
    public void attempted(Duration took) {
        registry.timer("mailseal.delivery").update(took);
    }

    /** One RFC 3161 request answered, failover included. */
    public void timestampTook(Duration took) {
        registry.timer("mailseal.timestamp").update(took);
    }

    public void tsaFailure(URI url) {
        registry.counter("mailseal.tsa.failures." + label(url.getHost() + ":" + url.getPort()))
                .inc();
    }

    @Override
    public void ecRecipientSealed() {
        registry.counter("mailseal.envelopes.ec_recipients").inc();
    }

    /**
     * A recipient certificate used without a revocation answer (certificates.revocation =
     * soft-fail).
     */
    public void revocationUnknown() {
        registry.counter("mailseal.revocation.unknown").inc();
    }

    public void timestampSkipped() {
        registry.counter("mailseal.timestamp.skipped").inc();
    }

    @Override
    public Timing time(String stage) {
        return registry.timer("mailseal." + stage).time()::close;
    }

    /**
     * Queue depth, age of the oldest queued message and files set aside as corrupt, from the spool
     * directory; read at most every 5 s however often Prometheus scrapes.
     */
    public void watchSpool(Spool spool, Clock clock) {
        CachedGauge<Spool.Depth> depth =
                new CachedGauge<>(5, TimeUnit.SECONDS) {
                    @Override
                    protected Spool.Depth loadValue() {
                        try {
                            return spool.depth();
                        } catch (IOException e) {
                            return new Spool.Depth(
                                    -1, Optional.empty(), -1); // unreadable: /ready says so
                        }
                    }
                };
        registry.gauge("mailseal.spool.messages", () -> () -> depth.getValue().messages());
        registry.gauge(
                "mailseal.spool.oldest_age_seconds",
                () ->
                        () ->
                                depth.getValue()
                                        .oldest()
                                        .map(t -> Duration.between(t, clock.instant()).toSeconds())
                                        .orElse(0L));
        registry.gauge("mailseal.spool.corrupt_files", () -> () -> depth.getValue().corrupt());
    }

    /** SMTP sessions open now. */
    public void watchSessions(IntSupplier open) {
        registry.gauge("mailseal.smtp.sessions_open", () -> open::getAsInt);
    }

    /**
     * The intake's bytes in flight against {@code smtp.memory-budget}, messages refused 452 4.3.1
     * for it, and connections cut for slowness (all since start).
     */
    public void watchIntake(LongSupplier inFlight, LongSupplier budgetRefusals, LongSupplier cut) {
        registry.gauge("mailseal.smtp.memory_in_flight_bytes", () -> inFlight::getAsLong);
        registry.gauge("mailseal.smtp.memory_budget_refusals", () -> budgetRefusals::getAsLong);
        registry.gauge("mailseal.smtp.slow_clients_cut", () -> cut::getAsLong);
    }

    /** Share of certificate lookups answered from the cache (0..1). */
    public void watchCertificateCache(DoubleSupplier hitRatio) {
        registry.gauge("mailseal.certificates.cache_hit_ratio", () -> hitRatio::getAsDouble);
    }

    public void writePrometheus(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create()
                .write(
                        out,
                        prometheus.scrape(),
                        io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
    }

    /** A name part: letters, digits and underscores only. */
    private static String label(String value) {
        return value.replaceAll("[^A-Za-z0-9]", "_");
    }
}

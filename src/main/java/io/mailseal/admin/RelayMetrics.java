package io.mailseal.admin;

import io.mailseal.delivery.DeliveryOutcomes;
import io.mailseal.inbound.InboundMetrics;
import io.mailseal.seal.SealingMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * What mailseal counts, as Prometheus metric families with labels, HELP texts and base units
 * (seconds), registered directly with the Prometheus client library. Not through its Dropwizard
 * bridge: the bridge for Dropwizard 4 (1.4.x) maps one Dropwizard name to one family without labels
 * (its label mapper exists only for Dropwizard 5), so labels would have to be parsed back out of
 * names, and HELP texts and units could not be set.
 */
public final class RelayMetrics implements DeliveryOutcomes, SealingMetrics, InboundMetrics {
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
    private final Counter deliveryTls =
            counter(
                    "mailseal_delivery_tls",
                    "Transactions a next hop accepted, by the TLS they had: dane-verified (DANE,"
                            + " RFC 7672), verified (CA chain and name), encrypted-unverified, none.",
                    "result");
    private final Counter inbound =
            counter(
                    "mailseal_inbound_messages",
                    "Customers' messages at the end of DATA on the inbound listener, by inbound"
                            + " policy, smime verdict (pass, fail, neutral, none, temperror,"
                            + " permerror) and outcome (queued, refused, deferred).",
                    "policy",
                    "verdict",
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
    private final Counter tokenErrors =
            counter(
                    "mailseal_token_errors",
                    "Signing attempts refused with 451 because a PKCS#11 token was away or failed,"
                            + " by token label.",
                    "token");
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
    private final RelayGauges gauges = new RelayGauges(registry);

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
    public void inbound(String policy, String verdict, String outcome) {
        inbound.labelValues(policy, verdict, outcome).inc();
    }

    @Override
    public void outcome(String policy, String outcome) {
        deliveries.labelValues(policy, outcome).inc();
    }

    @Override
    public void tls(String result) {
        deliveryTls.labelValues(result).inc();
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

    /** A signing key in the token labelled {@code token} could not be used. */
    public void tokenError(String token) {
        tokenErrors.labelValues(token).inc();
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

    /** The gauges read at each scrape (spool, sessions, certificates, intake memory). */
    public RelayGauges gauges() {
        return gauges;
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

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}

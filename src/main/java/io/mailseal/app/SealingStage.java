package io.mailseal.app;

import com.github.benmanes.caffeine.cache.Ticker;
import io.mailseal.admin.RelayGauges;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.CachedRecipientCertificates;
import io.mailseal.certs.CertificateResolver;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.RelayConfig;
import io.mailseal.crypto.SignatureTimestamps;
import io.mailseal.delivery.Outbox;
import io.mailseal.evidence.Evidence;
import io.mailseal.inbound.InboundPipeline;
import io.mailseal.net.CpuSlots;
import io.mailseal.seal.SealingPipeline;
import io.mailseal.spool.SpoolSpace;
import io.mailseal.tsa.TimestampAuthorityClient;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reload replaces as one piece: the policies, certificate sources and their cache, signing
 * identities, the TSA client and the pipeline over them, built from one {@link ValidatedConfig}.
 * Messages in flight finish under the stage they started with.
 */
final class SealingStage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SealingStage.class);
    private final ValidatedConfig validated;
    private final CachedRecipientCertificates certificates;
    private final SealingPipeline pipeline;
    private final Clock clock;
    private final Optional<InboundPipeline> inbound;

    private SealingStage(
            ValidatedConfig validated,
            CachedRecipientCertificates certificates,
            SealingPipeline pipeline,
            Optional<InboundPipeline> inbound,
            Clock clock) {
        this.validated = validated;
        this.certificates = certificates;
        this.pipeline = pipeline;
        this.inbound = inbound;
        this.clock = clock;
    }

    /**
     * Takes over {@code validated}: closing the stage closes its certificate sources. With {@code
     * inboundPath}, the stage has an inbound pipeline too, under the configuration's inbound
     * policies.
     */
    static SealingStage open(
            ValidatedConfig validated,
            Clock clock,
            RelayMetrics metrics,
            Outbox outbox,
            Optional<InboundPath> inboundPath,
            Evidence evidence) {
        RelayConfig config = validated.config();
        CachedRecipientCertificates certificates =
                new CachedRecipientCertificates(
                        validated.sources(),
                        config.certificates().cache(),
                        Ticker.systemTicker(),
                        clock);
        SealingPipeline pipeline =
                new SealingPipeline(
                        RelayAssembly.planner(config, certificates, metrics, validated.harvest()),
                        validated.identities(),
                        new SignatureTimestamps(
                                validated.timestamps(),
                                metrics::timestampSkipped,
                                metrics::timestampTook),
                        config.smtp().limits(),
                        new SealingPipeline.Spooling(
                                outbox, config.delivery().maxAge(), clock, evidence),
                        metrics,
                        CpuSlots.forCores());
        Optional<InboundPipeline> inbound =
                config.inbound()
                        .flatMap(
                                ic ->
                                        inboundPath.map(
                                                path ->
                                                        InboundStage.pipeline(
                                                                validated,
                                                                ic,
                                                                path.authservId(),
                                                                path.outbox(),
                                                                clock,
                                                                metrics,
                                                                addresses ->
                                                                        addresses.forEach(
                                                                                certificates
                                                                                        ::invalidate),
                                                                evidence)));
        return new SealingStage(validated, certificates, pipeline, inbound, clock);
    }

    /** The inbound end of DATA; empty when this configuration has no {@code inbound}. */
    Optional<InboundPipeline> inbound() {
        return inbound;
    }

    SigningIdentities identities() {
        return validated.identities();
    }

    RelayConfig config() {
        return validated.config();
    }

    /** The TSA client of this stage (the evidence journal's anchors use the current one). */
    TimestampAuthorityClient timestamps() {
        return validated.timestamps();
    }

    /**
     * Whether delivery results of a policy are journaled: those of a policy that signs, as at
     * acceptance (not pass mail, not DSNs).
     */
    boolean journaled(String policy) {
        return config().policies().stream().anyMatch(p -> p.name().equals(policy) && p.signs());
    }

    SealingPipeline pipeline() {
        return pipeline;
    }

    CertificateResolver certificates() {
        return certificates;
    }

    /** Drops the cached answers for these addresses; the next lookup asks the sources. */
    void forgetCertificates(List<String> addresses) {
        addresses.forEach(certificates::invalidate);
    }

    double certificateCacheHitRatio() {
        return certificates.hitRatio();
    }

    /** Why this stage is not ready to take mail, by check; empty when ready (for /ready). */
    Map<String, String> readinessProblems() {
        Map<String, String> problems = new LinkedHashMap<>();
        RelayAssembly.spoolProblem(config().spoolDirectory())
                .ifPresent(p -> problems.put("spool", p));
        SpoolSpace.shortage(config().spoolDirectory(), config().spoolMinFree())
                .ifPresent(p -> problems.put("spool_space", p));
        TimestampAuthorityClient tsa = validated.timestamps();
        if (config().policies().stream().anyMatch(PolicyConfig::requiresTimestamp)
                && !tsa.anyAvailable()) {
            problems.put(
                    "timestamp",
                    "every TSA failed recently; policies that require a timestamp answer 451");
        }
        validated
                .identities()
                .keyProblems()
                .forEach((key, why) -> problems.put("signing-key " + key, why));
        Instant now = clock.instant();
        List<String> unusable =
                signingCertificates().stream()
                        .filter(c -> !now.isBefore(c.notAfter()))
                        .map(c -> c.key() + " (" + c.subject() + ") expired on " + c.notAfter())
                        .toList();
        if (!unusable.isEmpty()) {
            problems.put(
                    "signing-certificate",
                    String.join("; ", unusable) + ": customers' clients reject its signatures");
        }
        return problems;
    }

    /**
     * The TSAs, OCSP and CRL servers and HTTP key services skipped now after failures, each with
     * the instant its back-off ends (ISO-8601), for /ready.
     */
    Map<String, String> openCircuits() {
        Map<String, String> open = new LinkedHashMap<>();
        validated
                .breaker()
                .openUntil()
                .forEach((url, until) -> open.put(url.toString(), until.toString()));
        return open;
    }

    /** The signing identities' certificates, for the expiry gauge, the daily check and /ready. */
    List<RelayGauges.WatchedCertificate> signingCertificates() {
        return validated.identities().entries().stream()
                .map(
                        e ->
                                IdentityChecks.watched(
                                        "signing",
                                        e.config().key(),
                                        e.active(clock.instant()).certificate()))
                .toList();
    }

    /** Closes, logging rather than throwing what the certificate sources raise. */
    void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("closing certificate sources: {}", e.toString());
        }
    }

    @Override
    public void close() {
        validated.close();
    }
}

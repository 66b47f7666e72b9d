package io.mailseal.app;

import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.CertificateResolver;
import io.mailseal.certs.HarvestStore;
import io.mailseal.certs.RecipientCertificates;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.config.ConfigException;
import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.MtaStsConfig;
import io.mailseal.config.RelayConfig;
import io.mailseal.config.TimestampConfig;
import io.mailseal.crypto.AlgorithmChoice;
import io.mailseal.crypto.CryptoProviders;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.delivery.MtaSts;
import io.mailseal.delivery.OutboundTls;
import io.mailseal.dns.ValidatingDns;
import io.mailseal.net.BlockingPost;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.policy.PolicyEngine;
import io.mailseal.seal.SealingMetrics;
import io.mailseal.seal.SealingPlanner;
import io.mailseal.smtp.IntakeServer;
import io.mailseal.tsa.TimestampAuthorityClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one validation of relay.conf that {@code run}, a reload and {@code check-config} all use: it
 * opens everything the file names (keystores, certificate sources and directories, trust anchors,
 * the intake's TLS key and users file, the admin token) and checks what the parts need of each
 * other (a signing identity for every signing policy's sender, a certificate that names it: {@link
 * IdentityChecks}), and reports all problems at once, each naming the key, the value and why.
 * Warnings (a certificate ending soon) do not stop it; they travel in the {@link ValidatedConfig}.
 */
public final class RelayAssembly {
    /** Stamps not on a session thread: the evidence journal's anchoring, a probe, a margin. */
    private static final int OTHER_STAMPERS = 8;

    private RelayAssembly() {}

    /**
     * {@code shared} supplies the harvest store (the database's or the harvest source's files); it
     * stays open after this.
     */
    public static ValidatedConfig validate(
            RelayConfig config, Clock clock, RelayMetrics metrics, SharedStore shared) {
        prepareJvm();
        Optional<HarvestStore> harvest = shared.harvest(config.certificates());
        Problems problems = new Problems();
        CircuitBreaker breaker =
                new CircuitBreaker(clock, (url, backoff) -> metrics.circuitOpened(url));
        ValidatingDns dns = problems.collect(() -> ValidatingDns.open(config.dns(), clock));
        RecipientCertificates sources =
                problems.collect(
                        () ->
                                CertificateSetup.open(
                                        config.certificates(),
                                        clock,
                                        metrics::revocationUnknown,
                                        breaker,
                                        dns,
                                        harvest));
        SigningIdentities identities =
                problems.collect(
                        () ->
                                SigningIdentities.open(
                                        config.identities(), clock, metrics::tokenError));
        TimestampAuthorityClient tsa =
                problems.collect(() -> timestampClient(config, breaker, metrics));
        OutboundTls outboundTls = problems.collect(() -> outboundTls(config.delivery()));
        Optional<MtaSts> mtaSts = problems.collect(() -> mtaSts(config.delivery(), dns, clock));
        String intake = problems.collect(() -> IntakeServer.check(config.smtp()));
        if (intake != null) {
            IdentityChecks.checkIntake(config.smtp(), clock, problems);
        }
        Optional<String> token = problems.collect(() -> adminToken(config));
        spoolProblem(config.spoolDirectory()).ifPresent(problems::add);
        if (config.evidence().enabled()) {
            if (!config.store().shared()) { // else the journal is in the database
                directoryProblem("mailseal.evidence.directory", config.evidence().directory())
                        .ifPresent(problems::add);
            }
            if (config.timestamp().urls().isEmpty()) {
                problems.add(
                        "mailseal.evidence.enabled: true but mailseal.timestamp.urls is empty: the"
                                + " journal's chain head could not be anchored");
            }
        }
        directoryProblems(config.certificates()).forEach(problems::add);
        String inbound = InboundChecks.check(config, identities, clock, problems);
        if (identities != null) {
            problems.addAll(SigningPolicyGaps.of(config.policies(), identities));
            IdentityChecks.check(config.policies(), identities, clock, problems);
        }
        if (!problems.isEmpty() && sources != null) {
            sources.close();
        }
        problems.throwIfAny();
        return new ValidatedConfig(
                config,
                sources,
                identities,
                tsa,
                outboundTls,
                token,
                inbound == null ? intake : intake + "; inbound: " + inbound,
                breaker,
                dns,
                mtaSts,
                harvest,
                problems.warnings());
    }

    /**
     * For {@code lookup} and {@code explain}: only the certificate sources, uncached, the harvest
     * source's store from {@code shared}; close them after use.
     */
    public static RecipientCertificates recipientCertificates(
            RelayConfig config, Clock clock, SharedStore shared) {
        prepareJvm();
        return CertificateSetup.open(
                config.certificates(),
                clock,
                () -> {},
                new CircuitBreaker(clock, (u, b) -> {}),
                ValidatingDns.open(config.dns(), clock),
                shared.harvest(config.certificates()));
    }

    /**
     * Policy and certificates per recipient, as the end of DATA and {@code explain} decide; {@code
     * harvest} has what customers' clients announced.
     */
    public static SealingPlanner planner(
            RelayConfig config,
            CertificateResolver certificates,
            SealingMetrics metrics,
            Optional<HarvestStore> harvest) {
        return new SealingPlanner(
                new PolicyEngine(config.policies()),
                certificates,
                new AlgorithmChoice(config.crypto()),
                metrics,
                CertificateSetup.announcedCapabilities(harvest));
    }

    /**
     * Why {@code spool.directory} cannot be used: it must be (or be creatable in) a writable
     * directory.
     */
    static Optional<String> spoolProblem(Path spool) {
        return directoryProblem("mailseal.spool.directory", spool);
    }

    /** Why the directory {@code key} names is not (or cannot be created as) a writable one. */
    private static Optional<String> directoryProblem(String key, Path directory) {
        Path existing = directory.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            return Optional.of(key + ": \"" + directory + "\" is not a writable directory");
        }
        return Optional.empty();
    }

    private static List<String> directoryProblems(CertificatesConfig certificates) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < certificates.sources().size(); i++) {
            if (certificates.sources().get(i) instanceof CertificatesConfig.DirectorySource d
                    && !Files.isDirectory(d.path())) {
                problems.add(
                        "mailseal.certificates.sources["
                                + i
                                + "].path: \""
                                + d.path()
                                + "\" is not a directory");
            }
        }
        return problems;
    }

    /**
     * Stamps run on the SMTP session threads (at most {@code smtp.max-connections}) and the
     * evidence journal's anchoring, one each at a time: the TSA pool lets them all be in flight at
     * once.
     */
    private static TimestampAuthorityClient timestampClient(
            RelayConfig relay, CircuitBreaker breaker, RelayMetrics metrics) {
        TimestampConfig config = relay.timestamp();
        TimestampVerifier verifier =
                new TimestampVerifier(
                        CertificateSetup.anchors(
                                "mailseal.timestamp.trust-anchors",
                                config.trustAnchors(),
                                !config.urls().isEmpty(),
                                "timestamp tokens cannot be verified without the TSA's CA"));
        BlockingPost http = BlockingPost.jdkTrust();
        http.allowConcurrent(relay.smtp().limits().maxConnections() + OTHER_STAMPERS);
        return new TimestampAuthorityClient(
                config.urls(),
                config.timeout(),
                verifier,
                breaker,
                http,
                (url, reason) -> metrics.tsaFailure(url));
    }

    private static OutboundTls outboundTls(DeliveryConfig delivery) {
        return new OutboundTls(
                delivery.tlsTrustAnchors()
                        .map(
                                path ->
                                        TrustAnchors.load(
                                                "mailseal.delivery.tls-trust-anchors", path)));
    }

    /** MTA-STS when {@code delivery.mta-sts.enabled}; its extra trust anchors read here. */
    private static Optional<MtaSts> mtaSts(
            DeliveryConfig delivery, ValidatingDns dns, Clock clock) {
        MtaStsConfig sts = delivery.mtaSts();
        if (!sts.enabled()) {
            return Optional.empty();
        }
        return Optional.of(
                new MtaSts(
                        dns,
                        sts,
                        sts.trustAnchors()
                                .map(
                                        path ->
                                                TrustAnchors.load(
                                                        "mailseal.delivery.mta-sts.trust-anchors",
                                                        path)),
                        clock));
    }

    private static Optional<String> adminToken(RelayConfig config) {
        if (config.adminTokenFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = config.adminTokenFile().get();
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(
                            "mailseal.admin.token-file: \""
                                    + file
                                    + "\" cannot be read: "
                                    + (e instanceof NoSuchFileException
                                            ? "no such file"
                                            : e.getMessage())));
        }
    }

    static void prepareJvm() {
        CryptoProviders.install();
        JakartaMailTuning.apply();
    }
}

package io.mailseal.smtp;

import com.github.benmanes.caffeine.cache.Ticker;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.CachedRecipientCertificates;
import io.mailseal.certs.CertificateResolver;
import io.mailseal.certs.CertificateSource;
import io.mailseal.certs.HarvestCertificateSource;
import io.mailseal.certs.RevocationChecker;
import io.mailseal.certs.HttpCertificateSource;
import io.mailseal.certs.LdapCertificateSource;
import io.mailseal.certs.DirectoryCertificateSource;
import io.mailseal.certs.RecipientCertificateValidator;
import io.mailseal.certs.RecipientCertificates;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.config.ConfigException;
import io.mailseal.config.RelayConfig;
import io.mailseal.crypto.AlgorithmChoice;
import io.mailseal.crypto.CryptoProviders;
import io.mailseal.crypto.MessageSealer;
import io.mailseal.crypto.SignatureTimestamps;
import io.mailseal.crypto.TimestampAuthorityClient;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.config.TimestampConfig;
import io.mailseal.delivery.Outbox;
import io.mailseal.policy.PolicyEngine;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every stage built from one relay.conf: opening it is the full check (keystores with their
 * passwords, trust anchors, certificate directories, TSA anchors) that check-config runs
 * and that `run` and a reload do before the first message.
 */
public record RelayComponents(RelayConfig config, PolicyEngine policies, CertificateResolver certificates,
                              SigningIdentities identities, SealingPipeline pipeline,
                              TimestampAuthorityClient timestamps, RecipientCertificates sources)
        implements AutoCloseable {

    /** For tools that decide but never send (check-config, explain). */
    public static RelayComponents open(RelayConfig config, Clock clock) {
        return open(config, clock, new RelayMetrics(), Outbox.closed());
    }

    public static RelayComponents open(RelayConfig config, Clock clock, RelayMetrics metrics, Outbox outbox) {
        CryptoProviders.install();
        JakartaMailTuning.apply();
        List<String> problems = new java.util.ArrayList<>();
        RecipientCertificates uncached = collect(problems, () -> recipientCertificates(config.certificates(), clock,
                metrics::revocationUnknown));
        SigningIdentities identities = collect(problems, () -> SigningIdentities.open(config.identities()));
        TimestampAuthorityClient tsa = collect(problems, () -> timestampClient(config.timestamp(), clock, metrics));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        PolicyEngine policies = new PolicyEngine(config.policies());
        CertificateResolver certificates = new CachedRecipientCertificates(uncached, config.certificates().cache(),
                Ticker.systemTicker(), clock);
        SealingPipeline pipeline = new SealingPipeline(
                new SealingPlanner(policies, certificates, new AlgorithmChoice(config.crypto()), metrics,
                        announcedCapabilities(config.certificates())),
                identities, new MessageSealer(), new SignatureTimestamps(tsa, metrics::timestampSkipped, metrics::timestampTook),
                outbox, config.delivery().maxAge(), clock, metrics,
                new SealableMime(config.smtp().limits().maxMimeDepth()));
        return new RelayComponents(config, policies, certificates, identities, pipeline, tsa, uncached);
    }

    /** Why this set is not ready to take mail, by check; empty when ready (for /ready). */
    public java.util.Map<String, String> readinessProblems() {
        java.util.Map<String, String> problems = new java.util.LinkedHashMap<>();
        java.nio.file.Path spool = config.spoolDirectory();
        java.nio.file.Path existing = spool;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !java.nio.file.Files.isWritable(existing)) {
            problems.put("spool", spool + " is not writable");
        }
        boolean stampsRequired = config.policies().stream()
                .anyMatch(p -> p.timestamp() == io.mailseal.config.PolicyConfig.TimestampMode.REQUIRED
                        && p.action() != io.mailseal.config.PolicyConfig.Action.PASS
                        && p.action() != io.mailseal.config.PolicyConfig.Action.REJECT);
        if (stampsRequired && !timestamps.anyAvailable()) {
            problems.put("timestamp", "every TSA failed recently; policies that require a timestamp answer 451");
        }
        return problems;
    }

    @Override
    public void close() {
        sources.close();
    }

    /** Opens one component; its problems join the others', so all are reported at once. */
    private static <T> T collect(List<String> problems, java.util.function.Supplier<T> opener) {
        try {
            return opener.get();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /**
     * Sealing policies whose literal envelope sender has no signing identity: such mail
     * would get 550 "no signing identity" at run time, so check-config reports it.
     */
    public List<String> identityGaps() {
        List<String> gaps = new java.util.ArrayList<>();
        for (int i = 0; i < config.policies().size(); i++) {
            var p = config.policies().get(i);
            boolean seals = p.action() == io.mailseal.config.PolicyConfig.Action.ENCRYPT
                    || p.action() == io.mailseal.config.PolicyConfig.Action.SIGN;
            if (!seals) {
                continue;
            }
            if (p.match().from().isPresent() && p.match().from().get().text().matches("[^*?/]+@[^*?/]+")) {
                String sender = p.match().from().get().text();
                if (identities.forSender(sender).isEmpty()) {
                    gaps.add("mailseal.policies[" + i + "].match.from: \"" + sender + "\" (policy " + p.name()
                            + ", action " + p.action().name().toLowerCase() + ") has no signing identity in mailseal.identities");
                }
            } else if (identities.all().isEmpty()) {
                gaps.add("mailseal.policies[" + i + "]: policy " + p.name() + " signs, but mailseal.identities is empty");
            }
        }
        return gaps;
    }

    /** The harvest store's record of what each customer's client announced; none without a harvest source. */
    private static java.util.function.Function<String, Optional<byte[]>> announcedCapabilities(CertificatesConfig c) {
        return c.sources().stream().filter(CertificatesConfig.HarvestSource.class::isInstance).findFirst()
                .map(s -> new HarvestCertificateSource(((CertificatesConfig.HarvestSource) s).path()))
                .<java.util.function.Function<String, Optional<byte[]>>>map(h -> h::announcedCapabilities)
                .orElse(address -> Optional.empty());
    }

    static RecipientCertificates recipientCertificates(CertificatesConfig config, Clock clock,
                                                       Runnable revocationUnknown) {
        RecipientCertificateValidator validator = recipientValidator(config, clock);
        List<CertificateSource> sources = new java.util.ArrayList<>();
        for (int i = 0; i < config.sources().size(); i++) {
            CertificatesConfig.Source s = config.sources().get(i);
            String key = "mailseal.certificates.sources[" + i + "]";
            if (s instanceof CertificatesConfig.DirectorySource d) {
                sources.add(new DirectoryCertificateSource(d.path()));
            } else if (s instanceof CertificatesConfig.HarvestSource h) {
                sources.add(new HarvestCertificateSource(h.path()));
            } else if (s instanceof CertificatesConfig.HttpSource h) {
                try {
                    sources.add(HttpCertificateSource.open(h));
                } catch (java.io.IOException e) {
                    throw new ConfigException(List.of(key + ".bearer-token-file: \"" + h.tokenFile().orElseThrow()
                            + "\" cannot be read: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())));
                }
            } else {
                try {
                    sources.add(new LdapCertificateSource((CertificatesConfig.LdapSource) s));
                } catch (java.io.IOException | IllegalArgumentException e) {
                    throw new ConfigException(List.of(key + ": " + e.getMessage()));
                }
            }
        }
        return new RecipientCertificates(sources, validator,
                new RevocationChecker(config.revocation(), config.revocationTimeout(), clock), revocationUnknown);
    }

    /** What every recipient certificate must pass; also before a harvested one is stored. */
    public static RecipientCertificateValidator recipientValidator(CertificatesConfig config, Clock clock) {
        Set<TrustAnchor> anchors = anchors("mailseal.certificates.trust-anchors", config.trustAnchors(),
                !config.sources().isEmpty(), "recipient certificates cannot be validated without trusted CAs");
        return new RecipientCertificateValidator(anchors, clock);
    }

    static TimestampAuthorityClient timestampClient(TimestampConfig config, Clock clock, RelayMetrics metrics) {
        Set<TrustAnchor> anchors = anchors("mailseal.timestamp.trust-anchors", config.trustAnchors(),
                !config.urls().isEmpty(), "timestamp tokens cannot be verified without the TSA's CA");
        return new TimestampAuthorityClient(config.urls(), config.timeout(), new TimestampVerifier(anchors), clock,
                TimestampAuthorityClient.defaultHttpClient(config.timeout()),
                (url, reason) -> metrics.tsaFailure(url));
    }

    private static Set<TrustAnchor> anchors(String key, java.util.Optional<java.nio.file.Path> path, boolean needed,
                                            String why) {
        if (path.isEmpty()) {
            if (needed) {
                throw new ConfigException(List.of(key + ": is missing; " + why));
            }
            return Set.of();
        }
        return TrustAnchors.load(key, path.get());
    }
}

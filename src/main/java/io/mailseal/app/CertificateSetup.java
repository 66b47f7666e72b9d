package io.mailseal.app;

import io.mailseal.certs.CertificateSource;
import io.mailseal.certs.DirectoryCertificateSource;
import io.mailseal.certs.HarvestCertificateSource;
import io.mailseal.certs.HarvestStore;
import io.mailseal.certs.HttpCertificateSource;
import io.mailseal.certs.LdapCertificateSource;
import io.mailseal.certs.RecipientCertificateValidator;
import io.mailseal.certs.RecipientCertificates;
import io.mailseal.certs.RevocationChecker;
import io.mailseal.certs.SmimeaCertificateSource;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.config.ConfigException;
import io.mailseal.dns.ValidatingDns;
import io.mailseal.net.CircuitBreaker;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Opens what {@code mailseal.certificates} names: its sources in order, the trust anchors,
 * revocation.
 */
public final class CertificateSetup {
    private CertificateSetup() {}

    /**
     * Every source, or every problem of every source at once; what was opened before a problem is
     * closed again (an LDAP pool must not outlive a refused configuration).
     */
    static RecipientCertificates open(
            CertificatesConfig config,
            Clock clock,
            Runnable revocationUnknown,
            CircuitBreaker breaker,
            ValidatingDns dns,
            Optional<HarvestStore> harvest) {
        List<String> problems = new ArrayList<>();
        RecipientCertificateValidator validator = null;
        try {
            validator = recipientValidator(config, clock);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        List<CertificateSource> sources = new ArrayList<>();
        for (int i = 0; i < config.sources().size(); i++) {
            try {
                sources.add(
                        source(
                                config.sources().get(i),
                                "mailseal.certificates.sources[" + i + "]",
                                breaker,
                                dns,
                                harvest));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        RecipientCertificates opened =
                new RecipientCertificates(
                        sources,
                        validator,
                        new RevocationChecker(
                                config.revocation(), config.revocationTimeout(), clock, breaker),
                        revocationUnknown);
        if (!problems.isEmpty()) {
            opened.close();
            throw new ConfigException(problems);
        }
        return opened;
    }

    /** What every recipient certificate must pass; also before a harvested one is stored. */
    public static RecipientCertificateValidator recipientValidator(
            CertificatesConfig config, Clock clock) {
        Set<TrustAnchor> anchors =
                anchors(
                        "mailseal.certificates.trust-anchors",
                        config.trustAnchors(),
                        !config.sources().isEmpty(),
                        "recipient certificates cannot be validated without trusted CAs");
        return new RecipientCertificateValidator(anchors, clock, config.allowSha1Signatures());
    }

    /**
     * The harvest store's record of what each customer's client announced; none without a harvest
     * source.
     */
    static Function<String, Optional<byte[]>> announcedCapabilities(
            Optional<HarvestStore> harvest) {
        return harvest.<Function<String, Optional<byte[]>>>map(h -> h::announcedCapabilities)
                .orElse(address -> Optional.empty());
    }

    /**
     * CA certificates from {@code key}; an absent key is a problem only when something {@code
     * needed} them.
     */
    static Set<TrustAnchor> anchors(String key, Optional<Path> path, boolean needed, String why) {
        if (path.isEmpty()) {
            if (needed) {
                throw new ConfigException(List.of(key + ": is missing; " + why));
            }
            return Set.of();
        }
        return TrustAnchors.load(key, path.get());
    }

    /**
     * {@code dns} serves SMIMEA; null only when it could not be opened (a problem already). {@code
     * harvest} is the store of the harvest source.
     */
    private static CertificateSource source(
            CertificatesConfig.Source s,
            String key,
            CircuitBreaker breaker,
            ValidatingDns dns,
            Optional<HarvestStore> harvest) {
        if (s instanceof CertificatesConfig.SmimeaSource) {
            return new SmimeaCertificateSource(dns);
        }
        if (s instanceof CertificatesConfig.DirectorySource d) {
            return new DirectoryCertificateSource(d.path());
        }
        if (s instanceof CertificatesConfig.HarvestSource) {
            return new HarvestCertificateSource(harvest.orElseThrow());
        }
        if (s instanceof CertificatesConfig.HttpSource h) {
            try {
                return HttpCertificateSource.open(h, breaker);
            } catch (IOException e) {
                throw new ConfigException(
                        List.of(
                                key
                                        + ".bearer-token-file: \""
                                        + h.tokenFile().orElseThrow()
                                        + "\" cannot be read: "
                                        + (e instanceof NoSuchFileException
                                                ? "no such file"
                                                : e.getMessage())));
            }
        }
        try {
            return new LdapCertificateSource((CertificatesConfig.LdapSource) s);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(List.of(key + ": " + e.getMessage()));
        }
    }
}

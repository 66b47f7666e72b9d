package io.mailseal.smtp;

import io.mailseal.certs.CertificateSource;
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
import io.mailseal.delivery.NextHopClient;
import io.mailseal.policy.PolicyEngine;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** mailseal assembled from relay.conf: every stage built once, then the intake started. */
public final class Relay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private final IntakeServer intake;

    private Relay(IntakeServer intake) {
        this.intake = intake;
    }

    /** Builds every stage; a bad keystore, trust anchor or certificate directory stops start-up. */
    public static Relay start(RelayConfig config, Clock clock) {
        CryptoProviders.install();
        SealingPipeline pipeline = new SealingPipeline(
                new SealingPlanner(new PolicyEngine(config.policies()), recipientCertificates(config.certificates(), clock),
                        new AlgorithmChoice(config.crypto())),
                SigningIdentities.open(config.identities()), new MessageSealer(),
                new SignatureTimestamps(timestampClient(config.timestamp(), clock), () -> { }),
                new NextHopClient(config.delivery(), config.smtp().hostname()));
        IntakeServer intake = new IntakeServer(config.smtp(), pipeline, clock).start();
        log.info("listening on {}:{}, next hop {}", config.smtp().listen().host(), intake.port(),
                config.delivery().smarthost());
        return new Relay(intake);
    }

    /** Opens trust anchors and certificate sources as {@link #start} would, for check-config. */
    public static void checkCertificates(RelayConfig config, Clock clock) {
        recipientCertificates(config.certificates(), clock);
        timestampClient(config.timestamp(), clock);
    }

    static RecipientCertificates recipientCertificates(CertificatesConfig config, Clock clock) {
        Set<TrustAnchor> anchors = config.trustAnchors()
                .map(p -> TrustAnchors.load("mailseal.certificates.trust-anchors", p)).orElse(Set.of());
        if (anchors.isEmpty() && !config.sources().isEmpty()) {
            throw new ConfigException(List.of("mailseal.certificates.trust-anchors: is missing; "
                    + "recipient certificates cannot be validated without trusted CAs"));
        }
        List<CertificateSource> sources = config.sources().stream()
                .map(s -> (CertificateSource) new DirectoryCertificateSource(((CertificatesConfig.DirectorySource) s).path()))
                .toList();
        return new RecipientCertificates(sources, new RecipientCertificateValidator(anchors, clock));
    }

    static TimestampAuthorityClient timestampClient(TimestampConfig config, Clock clock) {
        Set<TrustAnchor> anchors = config.trustAnchors()
                .map(p -> TrustAnchors.load("mailseal.timestamp.trust-anchors", p)).orElse(Set.of());
        if (anchors.isEmpty() && !config.urls().isEmpty()) {
            throw new ConfigException(List.of("mailseal.timestamp.trust-anchors: is missing; "
                    + "timestamp tokens cannot be verified without the TSA's CA"));
        }
        return new TimestampAuthorityClient(config.urls(), config.timeout(), new TimestampVerifier(anchors), clock,
                TimestampAuthorityClient.defaultHttpClient(config.timeout()),
                (url, reason) -> { });
    }

    public int port() {
        return intake.port();
    }

    @Override
    public void close() {
        intake.close();
    }
}

package io.mailseal.seal;

import io.mailseal.certs.CertificateResolver;
import io.mailseal.certs.Resolution;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.PolicyConfig.MissingCertificate;
import io.mailseal.crypto.AlgorithmChoice;
import io.mailseal.crypto.EnvelopeRecipient;
import io.mailseal.policy.MessageFacts;
import io.mailseal.policy.PolicyEngine;
import io.mailseal.seal.SealingPlan.Decision;
import io.mailseal.seal.SealingPlan.Placement;
import io.mailseal.seal.SealingPlan.Refusal;
import io.mailseal.seal.SealingPlan.Treatment;
import io.mailseal.seal.SealingPlan.Unavailable;
import io.mailseal.smtp.SmtpReply;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies policy and certificate lookups to every recipient and groups them into a {@link
 * SealingPlan}.
 */
public final class SealingPlanner {
    private static final Logger log = LoggerFactory.getLogger(SealingPlanner.class);
    private final PolicyEngine policies;
    private final CertificateResolver certificates;
    private final AlgorithmChoice algorithms;
    private final SealingMetrics metrics;
    private final Function<String, Optional<byte[]>> announcedCapabilities;

    /**
     * @param announcedCapabilities what a customer's client announced in signed mail it sent
     *     (harvest), by address
     */
    public SealingPlanner(
            PolicyEngine policies,
            CertificateResolver certificates,
            AlgorithmChoice algorithms,
            SealingMetrics metrics,
            Function<String, Optional<byte[]>> announcedCapabilities) {
        this.metrics = metrics;
        this.announcedCapabilities = announcedCapabilities;
        this.policies = policies;
        this.certificates = certificates;
        this.algorithms = algorithms;
    }

    SealingPlan plan(MessageFacts facts, List<String> recipients) {
        return SealingPlan.of(recipients.stream().map(rcpt -> decide(facts, rcpt)).toList());
    }

    PolicyEngine policies() {
        return policies;
    }

    CertificateResolver certificates() {
        return certificates;
    }

    private Decision decide(MessageFacts facts, String rcpt) {
        PolicyConfig policy = policies.decide(facts, rcpt);
        return switch (policy.action()) {
            case REJECT -> new Refusal(rcpt, policy, SmtpReply.REFUSED_BY_POLICY);
            case PASS -> unencrypted(rcpt, Treatment.PASS, policy);
            case SIGN -> unencrypted(rcpt, Treatment.SIGN, policy);
            case ENCRYPT -> encrypted(rcpt, policy);
        };
    }

    @SuppressWarnings(
            "try") // the timer only times the block; javac ignores the annotation on the resource
    // itself
    private Decision encrypted(String rcpt, PolicyConfig policy) {
        Resolution r;
        try (var timer = metrics.time("certificate_lookup")) {
            r = certificates.resolve(rcpt);
        }
        if (r instanceof Resolution.Usable u) {
            AlgorithmChoice.Choice c =
                    algorithms.forRecipient(
                            rcpt, u.certificate(), announcedCapabilities.apply(rcpt));
            log.info(
                    "recipient={} policy={} certificate={} source={}",
                    rcpt,
                    policy.name(),
                    u.certificate().getSerialNumber().toString(16),
                    u.source());
            return new Placement(
                    rcpt,
                    Treatment.ENCRYPT,
                    policy,
                    Optional.of(c.contentEncryption()),
                    Optional.of(new EnvelopeRecipient(u.certificate(), c.keyTransport())),
                    Optional.empty());
        }
        if (r instanceof Resolution.Missing m) {
            log.info(
                    "recipient={} policy={} no usable certificate: {}",
                    rcpt,
                    policy.name(),
                    m.reason());
            return policy.onMissingCertificate() == MissingCertificate.REJECT
                    ? new Refusal(rcpt, policy, SmtpReply.NO_CERTIFICATE)
                    : new Placement(
                            rcpt,
                            Treatment.SIGN,
                            policy,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.of(m.reason()));
        }
        log.warn(
                "recipient={} policy={} certificate lookup unavailable: {}",
                rcpt,
                policy.name(),
                ((Resolution.Unavailable) r).reason());
        return new Unavailable(rcpt);
    }

    private static Placement unencrypted(String rcpt, Treatment treatment, PolicyConfig policy) {
        return new Placement(
                rcpt, treatment, policy, Optional.empty(), Optional.empty(), Optional.empty());
    }
}

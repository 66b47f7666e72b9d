package io.mailseal.smtp;

import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.CertificateResolver;
import io.mailseal.certs.Resolution;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.PolicyConfig.MissingCertificate;
import io.mailseal.crypto.AlgorithmChoice;
import io.mailseal.crypto.ContentEncryption;
import io.mailseal.crypto.EnvelopeRecipient;
import io.mailseal.policy.MessageFacts;
import io.mailseal.policy.PolicyEngine;
import io.mailseal.smtp.SealingPlan.Group;
import io.mailseal.smtp.SealingPlan.Refusal;
import io.mailseal.smtp.SealingPlan.Treatment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies policy and certificate lookups to every recipient and groups them into a {@link SealingPlan}. */
final class SealingPlanner {
    private static final Logger log = LoggerFactory.getLogger(SealingPlanner.class);
    private final PolicyEngine policies;
    private final CertificateResolver certificates;
    private final AlgorithmChoice algorithms;
    private final RelayMetrics metrics;
    private final Function<String, Optional<byte[]>> announcedCapabilities;

    /** @param announcedCapabilities what a customer's client announced in signed mail it sent (harvest), by address */
    SealingPlanner(PolicyEngine policies, CertificateResolver certificates, AlgorithmChoice algorithms,
                   RelayMetrics metrics, Function<String, Optional<byte[]>> announcedCapabilities) {
        this.metrics = metrics;
        this.announcedCapabilities = announcedCapabilities;
        this.policies = policies;
        this.certificates = certificates;
        this.algorithms = algorithms;
    }

    private record GroupKey(Treatment treatment, String policy, Optional<ContentEncryption> content) {
    }

    SealingPlan plan(MessageFacts facts, List<String> recipients) {
        List<Refusal> refusals = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        Map<GroupKey, Group> groups = new LinkedHashMap<>();
        for (String rcpt : recipients) {
            PolicyConfig policy = policies.decide(facts, rcpt);
            switch (policy.action()) {
                case REJECT -> refusals.add(new Refusal(rcpt, policy, SmtpReply.REFUSED_BY_POLICY));
                case PASS -> add(groups, Treatment.PASS, policy, Optional.empty(), rcpt, null);
                case SIGN -> add(groups, Treatment.SIGN, policy, Optional.empty(), rcpt, null);
                case ENCRYPT -> {
                    Resolution r;
                    try (var timer = metrics.time("certificate_lookup")) {
                        r = certificates.resolve(rcpt);
                    }
                    if (r instanceof Resolution.Usable u) {
                        AlgorithmChoice.Choice c = algorithms.forRecipient(rcpt, u.certificate(),
                                announcedCapabilities.apply(rcpt));
                        log.info("recipient={} policy={} certificate={} source={}", rcpt, policy.name(),
                                u.certificate().getSerialNumber().toString(16), u.source());
                        add(groups, Treatment.ENCRYPT, policy, Optional.of(c.contentEncryption()), rcpt,
                                new EnvelopeRecipient(u.certificate(), c.keyTransport()));
                    } else if (r instanceof Resolution.Missing m) {
                        log.info("recipient={} policy={} no usable certificate: {}", rcpt, policy.name(), m.reason());
                        if (policy.onMissingCertificate() == MissingCertificate.REJECT) {
                            refusals.add(new Refusal(rcpt, policy, SmtpReply.NO_CERTIFICATE));
                        } else {
                            add(groups, Treatment.SIGN, policy, Optional.empty(), rcpt, null);
                        }
                    } else {
                        log.warn("recipient={} policy={} certificate lookup unavailable: {}", rcpt, policy.name(),
                                ((Resolution.Unavailable) r).reason());
                        unavailable.add(rcpt);
                    }
                }
            }
        }
        return new SealingPlan(refusals, unavailable, List.copyOf(groups.values()));
    }

    private static void add(Map<GroupKey, Group> groups, Treatment t, PolicyConfig policy,
                            Optional<ContentEncryption> content, String rcpt, EnvelopeRecipient envelope) {
        Group g = groups.computeIfAbsent(new GroupKey(t, policy.name(), content),
                k -> new Group(t, policy, content, new ArrayList<>(), new ArrayList<>()));
        g.recipients().add(rcpt);
        if (envelope != null) {
            g.envelopeRecipients().add(envelope);
        }
    }
}

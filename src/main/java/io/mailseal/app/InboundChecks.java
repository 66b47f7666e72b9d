package io.mailseal.app;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.InboundConfig;
import io.mailseal.config.InboundConfig.InboundPolicy;
import io.mailseal.config.InboundConfig.Requirement;
import io.mailseal.config.Keywords;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.RelayConfig;
import io.mailseal.smtp.IntakeServer;

/**
 * What {@code mailseal.inbound} needs of the rest of relay.conf, checked by the one validation: its
 * listener's STARTTLS key and users file open as the intake's do; a policy that requires encryption
 * for a literal address needs an identity (its key decrypts that mail); a policy that requires
 * signatures needs trust anchors to check them against.
 */
final class InboundChecks {
    private InboundChecks() {}

    /** A one-line summary of the inbound listener for check-config, or null when there is none. */
    static String check(
            RelayConfig config,
            SigningIdentities identities,
            java.time.Clock clock,
            Problems problems) {
        if (config.inbound().isEmpty()) {
            return null;
        }
        InboundConfig inbound = config.inbound().get();
        String intake = problems.collect(() -> IntakeServer.check(inbound.intake()));
        if (intake != null) {
            IdentityChecks.checkIntake(inbound.intake(), clock, problems);
        }
        for (int i = 0; i < inbound.policies().size(); i++) {
            InboundPolicy p = inbound.policies().get(i);
            String key = "mailseal.inbound.policies[" + i + "]";
            Requirement r = p.require();
            String to = p.match().to().map(PolicyConfig.TextPattern::text).orElse("");
            if (r.needsEncryption()
                    && identities != null
                    && to.matches("[^*?/]+@[^*?/]+")
                    && identities.certificateFor(to).isEmpty()) {
                problems.add(
                        key
                                + ".match.to: \""
                                + to
                                + "\" (policy "
                                + p.name()
                                + ", require "
                                + Keywords.kebab(r)
                                + ") has no identity in mailseal.identities: the bank holds no key"
                                + " to decrypt its mail");
            }
            if (r.needsEncryption() && identities != null && to.matches("[^*?/]+@[^*?/]+")) {
                identities
                        .certificateFor(to)
                        .flatMap(InboundChecks::unfitForEncryption)
                        .ifPresent(
                                lack ->
                                        problems.warn(
                                                key
                                                        + ".match.to: \""
                                                        + to
                                                        + "\" (policy "
                                                        + p.name()
                                                        + "): the identity's certificate "
                                                        + lack
                                                        + ": clients that honour it (gpgsm)"
                                                        + " cannot encrypt to the bank"));
            }
            if (r.needsSignature() && config.certificates().trustAnchors().isEmpty()) {
                problems.add(
                        "mailseal.certificates.trust-anchors: is missing; inbound policy "
                                + p.name()
                                + " requires "
                                + Keywords.kebab(r)
                                + " mail, whose signers are checked against it");
            }
        }
        return intake;
    }

    /** What keyUsage lacks for a customer to encrypt to {@code c}; empty when fit. */
    private static java.util.Optional<String> unfitForEncryption(
            java.security.cert.X509Certificate c) {
        boolean[] ku = c.getKeyUsage();
        boolean ec = c.getPublicKey() instanceof java.security.interfaces.ECPublicKey;
        int bit = ec ? 4 : 2; // keyAgreement, keyEncipherment (RFC 5280 §4.2.1.3)
        if (ku == null || (ku.length > bit && ku[bit])) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(
                "has keyUsage without " + (ec ? "keyAgreement" : "keyEncipherment"));
    }
}

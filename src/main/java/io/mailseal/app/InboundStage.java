package io.mailseal.app;

import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.CertificateImport;
import io.mailseal.certs.RevocationChecker;
import io.mailseal.certs.SignerTrust;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.config.InboundConfig;
import io.mailseal.delivery.Outbox;
import io.mailseal.evidence.Evidence;
import io.mailseal.inbound.DecryptionKeys;
import io.mailseal.inbound.InboundPipeline;
import io.mailseal.inbound.InboundPolicies;
import io.mailseal.inbound.SignerHarvest;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the inbound pipeline of one {@link SealingStage}: its policies, the signer trust over
 * {@code certificates.trust-anchors} and {@code certificates.revocation}, the stage's identities as
 * decryption keys, and the harvest into the store the outbound path reads.
 */
final class InboundStage {
    private static final Logger log = LoggerFactory.getLogger(InboundStage.class);

    private InboundStage() {}

    static InboundPipeline pipeline(
            ValidatedConfig validated,
            InboundConfig inbound,
            String authservId,
            Outbox outbox,
            Clock clock,
            RelayMetrics metrics,
            Consumer<List<String>> forgetCertificates,
            Evidence evidence) {
        CertificatesConfig c = validated.config().certificates();
        SignerTrust trust =
                new SignerTrust(
                        CertificateSetup.anchors(
                                "mailseal.certificates.trust-anchors", c.trustAnchors(), false, ""),
                        new RevocationChecker(
                                c.revocation(), c.revocationTimeout(), clock, validated.breaker()),
                        clock);
        return new InboundPipeline(
                new InboundPolicies(inbound.policies()),
                trust,
                DecryptionKeys.of(validated::identities),
                authservId,
                harvest(validated, clock, forgetCertificates),
                new InboundPipeline.Spooling(
                        outbox, validated.config().delivery().maxAge(), clock, evidence),
                metrics);
    }

    /**
     * Into the harvest store of {@code certificates.sources} (files, or the shared store),
     * validated as {@code certs import} does; nothing without one. The outbound cache forgets what
     * it said about the address.
     */
    private static SignerHarvest harvest(
            ValidatedConfig validated, Clock clock, Consumer<List<String>> forget) {
        return validated
                .harvest()
                .<SignerHarvest>map(
                        h -> {
                            CertificateImport store =
                                    new CertificateImport(
                                            h,
                                            CertificateSetup.recipientValidator(
                                                    validated.config().certificates(), clock));
                            return (message, origin) -> harvest(store, message, origin, forget);
                        })
                .orElse(SignerHarvest.NONE);
    }

    private static void harvest(
            CertificateImport store, byte[] message, String origin, Consumer<List<String>> forget) {
        try {
            for (CertificateImport.Outcome o : store.importData(message, origin)) {
                if (o.imported()) {
                    forget.accept(List.of(o.address()));
                    log.info("harvested <{}> from {}: {}", o.address(), origin, o.detail());
                } else {
                    log.info("nothing harvested from {}: {}", origin, o.detail());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "harvest from {} failed, the message is delivered all the same: {}", origin, e);
        }
    }
}

package io.mailseal.app;

import io.mailseal.admin.RelayMetrics;
import io.mailseal.config.RelayConfig;
import io.mailseal.crypto.TimestampAuthority;
import io.mailseal.delivery.DeliveryEvidence;
import io.mailseal.evidence.Anchoring;
import io.mailseal.evidence.Evidence;
import io.mailseal.evidence.Journal;
import io.mailseal.store.Database;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The evidence journal of a running relay, or nothing when {@code evidence.enabled} is false: what
 * the pipeline and delivery report to, the anchoring through the current stage's TSA client, its
 * gauges, and its readiness. Opened before the stages, closed after delivery (the last anchor).
 */
final class EvidenceRun implements AutoCloseable {
    private final RelayConfig config;
    private final Optional<Journal> journal;
    private Anchoring anchoring;

    private EvidenceRun(RelayConfig config, Optional<Journal> journal) {
        this.config = config;
        this.journal = journal;
    }

    /** {@code database}: the shared store's, where the journal is kept when there is one. */
    static EvidenceRun open(RelayConfig config, Optional<Database> database, Clock clock) {
        return new EvidenceRun(config, StartSteps.openJournal(config, database, clock));
    }

    Evidence evidence() {
        return journal.<Evidence>map(j -> j).orElse(Evidence.NONE);
    }

    /**
     * @param journaled whether a policy's delivery results are journaled (it signs)
     */
    DeliveryEvidence delivery(Predicate<String> journaled) {
        return journal.<DeliveryEvidence>map(j -> new DeliveryJournal(j, journaled, true))
                .orElse(DeliveryEvidence.NONE);
    }

    /** For the inbound path's deliveries inside: customers' mail, DSNs left out, no hash. */
    DeliveryEvidence inboundDelivery() {
        return journal.<DeliveryEvidence>map(
                        j -> new DeliveryJournal(j, p -> p.startsWith("inbound:"), false))
                .orElse(DeliveryEvidence.NONE);
    }

    /** Anchors now, then every {@code evidence.anchor-interval}, through {@code tsa}'s client. */
    void start(Supplier<TimestampAuthority> tsa, RelayMetrics metrics, Clock clock) {
        journal.ifPresent(
                j -> {
                    anchoring =
                            new Anchoring(
                                    j,
                                    data -> tsa.get().stamp(data),
                                    config.evidence().anchorInterval(),
                                    config.evidence().retention(),
                                    clock);
                    metrics.gauges().watchEvidence(j::written, j::lastAnchor, clock);
                });
    }

    /** Why the journal takes no records (for /ready under "evidence"). */
    Optional<String> problem() {
        return journal.flatMap(Journal::problem);
    }

    /** The last anchor and the journal's close. */
    @Override
    public void close() {
        if (anchoring != null) {
            anchoring.close();
        } else {
            journal.ifPresent(Anchoring::closeQuietly);
        }
    }
}

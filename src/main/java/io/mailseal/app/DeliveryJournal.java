package io.mailseal.app;

import io.mailseal.delivery.DeliveryEvidence;
import io.mailseal.delivery.DeliveryResult;
import io.mailseal.evidence.Evidence;
import io.mailseal.evidence.Outcome;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery's results as evidence records: delivered (next hop, its final reply, the TLS of the
 * connection), deferred, bounced, expired — for the messages whose policy signs (pass mail and DSNs
 * are not journaled, as at acceptance). A delivery cannot be taken back, so a record that cannot be
 * written is logged as ERROR and the journal's failure shows on {@code /ready}.
 */
final class DeliveryJournal implements DeliveryEvidence {
    private static final Logger log = LoggerFactory.getLogger(DeliveryJournal.class);
    private final Evidence evidence;
    private final Predicate<String> journaled;
    private final boolean hashed;

    /**
     * @param journaled whether messages of a policy (by name) are journaled: those that sign
     * @param hashed whether the SHA-256 of the bytes is recorded: not for inbound mail, which is
     *     sent decrypted (its hash would be a hash of the plaintext)
     */
    DeliveryJournal(Evidence evidence, Predicate<String> journaled, boolean hashed) {
        this.evidence = evidence;
        this.journaled = journaled;
        this.hashed = hashed;
    }

    @Override
    public void attempted(SpooledMessage m, Map<String, DeliveryResult> results) {
        if (!journaled.test(m.policy())) {
            return;
        }
        Outcome base =
                Outcome.of("-")
                        .with("queue_id", m.id())
                        .with("from", m.envelopeFrom())
                        .with("policy", m.policy())
                        .withHex("sha256", hashed ? m.bytes().sha256AsSent() : null);
        List<Outcome> records = new ArrayList<>();
        results.forEach((rcpt, r) -> records.add(record(base.with("to", rcpt), r)));
        try {
            evidence.record(records, List.of());
        } catch (IOException | RuntimeException e) {
            log.error(
                    "evidence journal: the delivery results of {} could not be recorded: {}",
                    m.id(),
                    e.toString());
        }
    }

    private static Outcome record(Outcome o, DeliveryResult r) {
        if (r instanceof DeliveryResult.Delivered d) {
            return o.with(Outcome.OUTCOME, "delivered")
                    .with("next_hop", d.nextHop())
                    .with("reply", d.reply())
                    .with("tls", d.tls());
        }
        if (r instanceof DeliveryResult.Failed f) {
            return o.with(Outcome.OUTCOME, "bounced")
                    .with("next_hop", f.remoteMta().orElse(""))
                    .with("reply", f.code() + " " + f.reason());
        }
        if (r instanceof DeliveryResult.Expired) {
            return o.with(Outcome.OUTCOME, "expired").with("reply", "not delivered within max-age");
        }
        return o.with(Outcome.OUTCOME, "deferred")
                .with("reply", ((DeliveryResult.Deferred) r).reason());
    }
}

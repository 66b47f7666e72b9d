package io.mailseal.delivery;

import io.mailseal.spool.SpooledMessage;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * One message in the scheduler's memory (ids and times only; the message is read from the spool
 * when due). {@code unrecorded}: the last attempt's result, while it is not yet fully in the spool
 * — then recording it is what is retried, never the delivery. {@code dsn}: from the null sender, a
 * delivery status notification.
 */
record Pending(
        String id,
        boolean dsn,
        Instant due,
        Instant expires,
        int attempts,
        Optional<Settlement> unrecorded) {
    /**
     * Order of the messages due for delivery: DSNs first (a DSN is what tells the bank to send the
     * code by SMS instead, and it lives 5 days), then the one that expires first (a one-time code).
     */
    static final Comparator<Pending> DUE_ORDER =
            Comparator.comparing((Pending p) -> !p.dsn())
                    .thenComparing(Pending::expires)
                    .thenComparing(Pending::due);

    static Pending of(SpooledMessage m, Instant due) {
        return new Pending(
                m.id(), m.envelopeFrom().isEmpty(), due, m.expires(), 0, Optional.empty());
    }

    Pending nextAttemptAt(Instant when) {
        return new Pending(id, dsn, when, expires, attempts + 1, Optional.empty());
    }

    Pending recordAt(Instant when, Settlement rest) {
        return new Pending(id, dsn, when, expires, attempts, Optional.of(rest));
    }
}

package io.mailseal.delivery;

import io.mailseal.spool.SpooledMessage;
import java.time.Instant;
import java.util.Optional;

/**
 * One message in the scheduler's memory (ids and times only; the message is read from the
 * spool when due). {@code unrecorded}: the last attempt's result, while it is not yet fully
 * in the spool — then recording it is what is retried, never the delivery.
 */
record Pending(String id, Instant due, Instant expires, int attempts, Optional<Settlement> unrecorded) {

    static Pending of(SpooledMessage m, Instant due) {
        return new Pending(m.id(), due, m.expires(), 0, Optional.empty());
    }

    Pending nextAttemptAt(Instant when) {
        return new Pending(id, when, expires, attempts + 1, Optional.empty());
    }

    Pending recordAt(Instant when, Settlement rest) {
        return new Pending(id, when, expires, attempts, Optional.of(rest));
    }
}

package io.mailseal.delivery;

import io.mailseal.spool.SpooledMessage;
import java.util.Map;

/**
 * What the scheduler reports for the evidence journal after each attempt: every recipient's result
 * with the message it is about. Implemented in {@code app} over {@code evidence}, so delivery
 * imports no journal. Called once per attempt (by {@code MessageDelivery}), before the result is
 * recorded in the spool (a recording that is retried does not report again); it must not throw: a
 * journal that fails says so itself.
 */
public interface DeliveryEvidence {
    void attempted(SpooledMessage message, Map<String, DeliveryResult> results);

    /** Without a journal. */
    DeliveryEvidence NONE = (message, results) -> {};
}

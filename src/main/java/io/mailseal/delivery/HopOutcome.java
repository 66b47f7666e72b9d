package io.mailseal.delivery;

import java.util.Map;

/**
 * One transaction with one host: each recipient's result, and whether the final "." of
 * DATA went out (after it the message may have been taken even when no reply came).
 */
record HopOutcome(Map<String, DeliveryResult> results, boolean endOfDataSent) {

    /** The next MX may be tried: this host took nothing and cannot have taken anything (RFC 1047). */
    boolean nextHostMayBeTried() {
        return !endOfDataSent && results.values().stream().allMatch(DeliveryResult.Deferred.class::isInstance);
    }
}

package io.mailseal.delivery;

import java.util.List;
import java.util.Map;

/**
 * One transaction with one host: each recipient's result, and whether the final "." of DATA went
 * out (after it the message may have been taken even when no reply came).
 */
record HopOutcome(Map<String, DeliveryResult> results, boolean endOfDataSent) {

    /**
     * The next MX may be tried: this host took nothing and cannot have taken anything (RFC 1047).
     * What this relay refused itself (an unparseable address) is refused by every host alike: it
     * must not keep the other recipients from the next one.
     */
    boolean nextHostMayBeTried() {
        List<DeliveryResult> fromHost =
                results.values().stream()
                        .filter(
                                r ->
                                        !(r instanceof DeliveryResult.Failed f
                                                && f.source() == DeliveryResult.Source.RELAY))
                        .toList();
        return !endOfDataSent
                && !fromHost.isEmpty()
                && fromHost.stream().allMatch(DeliveryResult.Deferred.class::isInstance);
    }
}

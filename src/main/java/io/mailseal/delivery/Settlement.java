package io.mailseal.delivery;

import io.mailseal.spool.SpooledMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one attempt decided for a message: the recipients still waiting, the bounces the sender must
 * hear about, and the outcomes to count once both are recorded. {@code dsnWritten}: the DSN for the
 * bounces is spooled (or none is due); what is left to record is the spool update.
 */
record Settlement(
        SpooledMessage message,
        List<String> waiting,
        List<Bounce> bounces,
        Set<String> outcomes,
        boolean dsnWritten) {
    private static final Logger log = LoggerFactory.getLogger(Settlement.class);

    Settlement {
        waiting = List.copyOf(waiting);
        bounces = List.copyOf(bounces);
    }

    /** Sorts the results of attempt number {@code attempt}, one log line per recipient. */
    static Settlement of(SpooledMessage m, Map<String, DeliveryResult> results, int attempt) {
        List<String> waiting = new ArrayList<>();
        List<Bounce> bounces = new ArrayList<>();
        Set<String> outcomes = new LinkedHashSet<>();
        results.forEach(
                (rcpt, r) -> {
                    if (r instanceof DeliveryResult.Delivered d) {
                        log.info(
                                "delivered rcpt={} policy={} attempts={}: {}",
                                rcpt,
                                m.policy(),
                                attempt,
                                d.describe());
                        outcomes.add("delivered");
                    } else if (r instanceof DeliveryResult.Failed f) {
                        Bounce bounce = Bounce.of(rcpt, f);
                        log.warn(
                                "bounced rcpt={} policy={}: {}",
                                rcpt,
                                m.policy(),
                                bounce.diagnostic());
                        bounces.add(bounce);
                        outcomes.add("bounced");
                    } else if (r instanceof DeliveryResult.Expired) {
                        log.warn(
                                "expired rcpt={} policy={}: not delivered within max-age",
                                rcpt,
                                m.policy());
                        bounces.add(Bounce.expired(rcpt, m.policy()));
                        outcomes.add("expired");
                    } else {
                        log.info(
                                "deferred rcpt={} policy={}: {}",
                                rcpt,
                                m.policy(),
                                ((DeliveryResult.Deferred) r).reason());
                        waiting.add(rcpt);
                        outcomes.add("deferred");
                    }
                });
        return new Settlement(m, waiting, bounces, outcomes, false);
    }

    /** Nothing was done for any recipient: the spooled message is right as it is. */
    boolean nothingDone() {
        return waiting.size() == message.recipients().size();
    }

    /** The recipients the next hop took: neither waiting nor bounced. */
    List<String> delivered() {
        Set<String> notDelivered = new LinkedHashSet<>(waiting);
        bounces.forEach(b -> notDelivered.add(b.recipient()));
        return message.recipients().stream().filter(r -> !notDelivered.contains(r)).toList();
    }

    Settlement withDsnWritten() {
        return new Settlement(message, waiting, bounces, outcomes, true);
    }
}

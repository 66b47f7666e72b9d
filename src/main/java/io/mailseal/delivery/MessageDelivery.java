package io.mailseal.delivery;

import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One attempt at a spooled message: one transaction per destination, its hosts tried in order. The
 * next host is tried only when the one before took nothing and cannot have (RFC 1047: after the
 * final "." without a reply the message waits, it is not sent again elsewhere). Expiry is checked
 * before every host, and no host is waited for longer than the message has left to live.
 */
final class MessageDelivery {
    private final Router router;
    private final NextHopClient nextHop;
    private final Clock clock;
    private final SpooledContent content;
    private final DeliveryEvidence evidence;

    MessageDelivery(
            Router router,
            NextHopClient nextHop,
            Clock clock,
            SpooledContent content,
            DeliveryEvidence evidence) {
        this.router = router;
        this.nextHop = nextHop;
        this.clock = clock;
        this.content = content;
        this.evidence = evidence;
    }

    /** Every recipient's result, reported once to the evidence journal. */
    Map<String, DeliveryResult> deliver(SpooledMessage m) {
        Map<String, List<String>> byDestination = new LinkedHashMap<>();
        m.recipients()
                .forEach(
                        r ->
                                byDestination
                                        .computeIfAbsent(
                                                router.destination(r), d -> new ArrayList<>())
                                        .add(r));
        Map<String, DeliveryResult> results = new LinkedHashMap<>();
        byDestination.forEach(
                (destination, recipients) -> {
                    try {
                        results.putAll(toDestination(m, destination, recipients));
                    } catch (RuntimeException e) {
                        results.putAll(
                                all(
                                        recipients,
                                        new DeliveryResult.Deferred(
                                                "routing " + destination + ": " + e)));
                    }
                });
        evidence.attempted(m, results);
        return results;
    }

    private Map<String, DeliveryResult> toDestination(
            SpooledMessage m, String destination, List<String> recipients) {
        if (expired(m)) {
            return all(recipients, new DeliveryResult.Expired());
        }
        Route route = router.route(destination);
        if (route instanceof Route.Unroutable u) {
            return all(recipients, u.result());
        }
        OutboundMessage message;
        try {
            message = new OutboundMessage(m.envelopeFrom(), recipients, content.toSend(m));
        } catch (IOException e) {
            return all(recipients, new DeliveryResult.Deferred(e.getMessage()));
        }
        Map<String, DeliveryResult> results = Map.of();
        for (NextHop hop : ((Route.Hosts) route).hosts()) {
            if (expired(m)) {
                return all(recipients, new DeliveryResult.Expired());
            }
            HopOutcome outcome =
                    nextHop.deliver(
                            hop, message, m, Duration.between(clock.instant(), m.expires()));
            results = outcome.results();
            if (!outcome.nextHostMayBeTried()) {
                break;
            }
        }
        return results;
    }

    /** {@code result} for each of {@code recipients}, in order. */
    static Map<String, DeliveryResult> all(List<String> recipients, DeliveryResult result) {
        Map<String, DeliveryResult> out = new LinkedHashMap<>();
        recipients.forEach(r -> out.put(r, result));
        return out;
    }

    private boolean expired(SpooledMessage m) {
        return !clock.instant().isBefore(m.expires());
    }
}

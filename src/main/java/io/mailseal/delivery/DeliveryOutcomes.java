package io.mailseal.delivery;

import java.time.Duration;

/**
 * What delivery reports: each outcome per policy, the TLS each accepted transaction had, and how
 * long attempts take.
 */
public interface DeliveryOutcomes {
    /** outcome: delivered, deferred, bounced, expired, unrecorded. */
    void outcome(String policy, String outcome);

    /**
     * The TLS of one transaction a next hop accepted: dane-verified, verified, encrypted-unverified
     * or none.
     */
    void tls(String result);

    /** One attempt at a message's next hops, connection and SMTP dialogue included. */
    void attempted(Duration took);
}

package io.mailseal.delivery;

import java.time.Duration;

/** What the scheduler reports: each outcome per policy, and how long attempts take. */
public interface DeliveryOutcomes {
    /** outcome: delivered, deferred, bounced, expired, unrecorded. */
    void outcome(String policy, String outcome);

    /** One attempt at a message's next hops, connection and SMTP dialogue included. */
    void attempted(Duration took);
}

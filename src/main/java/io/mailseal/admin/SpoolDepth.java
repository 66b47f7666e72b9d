package io.mailseal.admin;

import io.mailseal.spool.Spool;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The spool's depth for the gauges, read from the directory at most every 5 s however often
 * Prometheus scrapes (three gauges read it per scrape).
 */
final class SpoolDepth {
    private static final Duration FRESH = Duration.ofSeconds(5);
    private final Spool spool;
    private final Clock clock;
    private Spool.Depth last;
    private Instant readAt = Instant.MIN;

    SpoolDepth(Spool spool, Clock clock) {
        this.spool = spool;
        this.clock = clock;
    }

    synchronized Spool.Depth get() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(readAt.plus(FRESH))) {
            last = read();
            readAt = now;
        }
        return last;
    }

    private Spool.Depth read() {
        try {
            return spool.depth();
        } catch (IOException e) {
            return new Spool.Depth(-1, Optional.empty(), -1); // unreadable: /ready says so
        }
    }
}

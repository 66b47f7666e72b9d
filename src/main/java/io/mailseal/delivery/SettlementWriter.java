package io.mailseal.delivery;

import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes what an attempt decided into the spool: first the recipients still waiting, then the DSN. */
final class SettlementWriter {
    private static final Logger log = LoggerFactory.getLogger(SettlementWriter.class);
    private final Spool spool;
    private final String hostname;
    private final Duration dsnMaxAge;
    private final Clock clock;

    SettlementWriter(Spool spool, String hostname, Duration dsnMaxAge, Clock clock) {
        this.spool = spool;
        this.hostname = hostname;
        this.dsnMaxAge = dsnMaxAge;
        this.clock = clock;
    }

    /** False when nothing is left to retry (all done, or an operator deleted the message meanwhile). */
    boolean updateSpool(Settlement s) throws IOException {
        SpooledMessage m = s.message();
        if (s.waiting().isEmpty()) {
            spool.remove(m.id());
            return false;
        }
        if (s.nothingDone() || spool.replace(m.withRecipients(s.waiting()))) {
            return true;
        }
        log.info("removed from the queue during the attempt: no retry");
        return false;
    }

    /** The DSN for the bounces, spooled; none to the null sender (RFC 5321 §4.5.5). */
    Optional<SpooledMessage> bounce(Settlement s) throws IOException {
        SpooledMessage m = s.message();
        if (m.envelopeFrom().isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        SpooledMessage dsn = new SpooledMessage(m.id() + ".dsn" + now.toEpochMilli(), "", List.of(m.envelopeFrom()),
                "dsn", now, now.plus(dsnMaxAge), DeliveryStatusNotification.build(m, hostname, s.bounces(), now));
        spool.write(List.of(dsn));
        return Optional.of(dsn);
    }

    /** A result given up on while stopping: the spool is as it was, and this says what it misses. */
    static void reportUnrecorded(String id, Settlement s) {
        if (!s.spoolUpdated()) {
            log.error("stopping with the last attempt at {} not in the spool: after a restart {} get it again",
                    id, s.delivered());
        }
        if (!s.bounces().isEmpty() && !s.message().envelopeFrom().isEmpty()) {
            log.error("stopping with the DSN for {} not written: the sender is not told about {}", id,
                    s.bounces().stream().map(Bounce::recipient).toList());
        }
    }
}

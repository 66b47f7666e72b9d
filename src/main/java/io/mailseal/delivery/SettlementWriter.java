package io.mailseal.delivery;

import io.mailseal.config.PolicyConfig;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what an attempt decided into the spool, as Postfix does: first the DSN, then the
 * recipients still waiting, so no DSN is lost. A crash in between leaves the message as it was: it
 * is tried again and bounces again under the same DSN id, and a DSN still queued is not written
 * twice (one delivered meanwhile is: a duplicate, as after any crash, never a loss).
 */
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

    /**
     * False when nothing is left to retry (all done, or an operator deleted the message meanwhile).
     */
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

    /**
     * The DSN for the bounces, spooled and to be delivered; empty when there is none to send: no
     * bounces, the null sender (RFC 5321 §4.5.5), or queued already under its id.
     */
    Optional<SpooledMessage> bounce(Settlement s) throws IOException {
        SpooledMessage m = s.message();
        if (s.bounces().isEmpty() || m.envelopeFrom().isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        SpooledMessage dsn =
                new SpooledMessage(
                        dsnId(m.id(), s.bounces()),
                        "",
                        List.of(m.envelopeFrom()),
                        PolicyConfig.DSN,
                        now,
                        now.plus(dsnMaxAge),
                        DeliveryStatusNotification.build(m, hostname, s.bounces(), now));
        try {
            spool.write(List.of(dsn));
        } catch (FileAlreadyExistsException e) {
            log.info("DSN {} is queued already: not written again", dsn.id());
            return Optional.empty();
        }
        return Optional.of(dsn);
    }

    /**
     * The same bounces of a message always get the same DSN id: a recipient bounces once, unless
     * the spool update after its DSN was lost — and then it is the same DSN. Not the attempt
     * number: that starts at 0 again after a restart, so two DSNs about different recipients could
     * share it and the second be taken for written.
     */
    private static String dsnId(String id, List<Bounce> bounces) {
        String recipients =
                String.join("\n", bounces.stream().map(Bounce::recipient).sorted().toList());
        return id + ".dsn-" + UUID.nameUUIDFromBytes(recipients.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A result given up on while stopping: the spool is as it was, so a restart tries the message
     * again (and bounces again what bounced); this says who would get it twice.
     */
    static void reportUnrecorded(String id, Settlement s) {
        log.error(
                "stopping with the last attempt at {} not in the spool: after a restart {} get it again",
                id,
                s.delivered());
    }
}

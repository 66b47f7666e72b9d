package io.mailseal.evidence;

import io.mailseal.crypto.TimestampAuthority;
import io.mailseal.crypto.TimestampUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal anchored and pruned while the relay runs: the chain head is timestamped at
 * start, every {@code evidence.anchor-interval} and when the relay stops; days older than {@code
 * evidence.retention} are dropped (after an anchor, see {@link Journal#prune}) at start and at each
 * anchor. A TSA that cannot answer is logged and tried again at the next interval; the anchor age
 * gauge shows how long the head has waited.
 */
public final class Anchoring implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Anchoring.class);
    private final Journal journal;
    private final TimestampAuthority tsa;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "evidence-anchor");
                        t.setDaemon(true);
                        return t;
                    });

    public Anchoring(
            Journal journal,
            TimestampAuthority tsa,
            Duration interval,
            Duration retention,
            Clock clock) {
        this.journal = journal;
        this.tsa = tsa;
        this.retention = retention;
        this.clock = clock;
        timer.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            journal.anchor(tsa);
            LocalDate oldestKept =
                    LocalDate.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC);
            int dropped = journal.prune(oldestKept, tsa);
            if (dropped > 0) {
                log.info(
                        "evidence: {} day(s) before {} pruned (evidence.retention)",
                        dropped,
                        oldestKept);
            }
        } catch (IOException | TimestampUnavailableException | RuntimeException e) {
            log.warn("evidence: the chain head could not be anchored now: {}", e.getMessage());
        }
    }

    /** The last anchor, then the journal closes. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("evidence: an anchor still under way after 30 s");
            }
            journal.anchor(tsa);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | TimestampUnavailableException | RuntimeException e) {
            log.error(
                    "evidence: the chain head could not be anchored at shutdown: {}",
                    e.getMessage());
        }
        closeQuietly(journal);
    }

    /** Closes a journal that was never anchored by this process (a start that failed). */
    public static void closeQuietly(Journal journal) {
        try {
            journal.close();
        } catch (IOException e) {
            log.error("evidence: closing the journal: {}", e.getMessage());
        }
    }
}

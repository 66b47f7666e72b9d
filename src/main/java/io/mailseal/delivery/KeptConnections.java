package io.mailseal.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections kept open per next hop and TLS level for the messages that follow, at most {@code
 * perHop} each: one that went without TLS at level {@code may} never carries mail that needs {@code
 * encrypt}. A connection idle longer than {@link #IDLE_LIMIT} is closed by a check every second (a
 * hop's connection slots are not ours to hold), and all are closed on shutdown.
 *
 * <p>Closing sends QUIT and Angus waits for its reply, up to {@code delivery.timeout} from a hop
 * that does not answer. So each close runs on a thread of its own: the idle check never waits for
 * one, and shutdown waits for all of them together, {@link #QUIT_GRACE} at most.
 */
final class KeptConnections implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeptConnections.class);

    /** RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for a command; 5 s is well inside. */
    private static final Duration FRESH = Duration.ofSeconds(5);

    static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

    /**
     * Shutdown waits this long for the QUIT replies; a hop still silent then is cut off with the
     * process.
     */
    static final Duration QUIT_GRACE = Duration.ofSeconds(1);

    private final Map<HopAtLevel, BlockingQueue<Kept>> idle = new ConcurrentHashMap<>();
    private final int perHop;
    private final Clock clock;
    private final ScheduledExecutorService idleCheck;
    private final ExecutorService quitting =
            Executors.newCachedThreadPool(daemons("delivery-quit"));
    private volatile boolean closed;

    private record Kept(HopTransport transport, Instant since) {}

    KeptConnections(int perHop, Clock clock) {
        this.perHop = perHop;
        this.clock = clock;
        this.idleCheck =
                Executors.newSingleThreadScheduledExecutor(daemons("delivery-idle-connections"));
        idleCheck.scheduleWithFixedDelay(this::closeIdle, 1, 1, TimeUnit.SECONDS);
    }

    private static ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * A kept connection to {@code hop} at its level, or null: one used in the last few seconds is
     * taken as it is (a NOOP before every message would cost a round trip; if the hop closed it
     * after all, the caller retries on a new one); an older one must answer NOOP.
     */
    HopTransport take(HopAtLevel hop) {
        BlockingQueue<Kept> q = idle.get(hop);
        Kept k;
        while (q != null && (k = q.poll()) != null) {
            if (Duration.between(k.since(), clock.instant()).compareTo(FRESH) < 0
                    || k.transport().isConnected()) {
                return k.transport();
            }
            k.transport().closeQuietly();
        }
        return null;
    }

    /**
     * Keeps {@code t} for the next message to {@code hop}, or closes it when that is not wanted.
     */
    void keep(HopAtLevel hop, HopTransport t) {
        BlockingQueue<Kept> q = idle.computeIfAbsent(hop, h -> new ArrayBlockingQueue<>(perHop));
        if (closed || !t.reusable() || !q.offer(new Kept(t, clock.instant()))) {
            t.closeQuietly();
        } else if (closed) {
            drain(q); // closed while it was being kept
        }
    }

    /** An exception escaping here would cancel every later check: it is logged instead. */
    private void closeIdle() {
        try {
            Instant limit = clock.instant().minus(IDLE_LIMIT);
            for (BlockingQueue<Kept> q : idle.values()) {
                List<Kept> stale = new ArrayList<>();
                q.removeIf(k -> k.since().isBefore(limit) && stale.add(k));
                stale.forEach(this::quit);
            }
        } catch (RuntimeException e) {
            log.error(
                    "closing idle connections failed; checked again in a second: {}", e.toString());
        }
    }

    private void drain(BlockingQueue<Kept> q) {
        Kept k;
        while ((k = q.poll()) != null) {
            quit(k);
        }
    }

    private void quit(Kept k) {
        try {
            quitting.execute(k.transport()::closeQuietly);
        } catch (RejectedExecutionException e) {
            k.transport().closeQuietly(); // kept after shutdown: nothing else would close it
        }
    }

    @Override
    public void close() {
        closed = true;
        idleCheck.shutdown();
        idle.values().forEach(this::drain);
        quitting.shutdown();
        try {
            quitting.awaitTermination(QUIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

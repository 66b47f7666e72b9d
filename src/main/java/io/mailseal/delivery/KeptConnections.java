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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Connections kept open per next hop for the messages that follow, at most {@code perHop}
 * each. A connection idle longer than {@link #IDLE_LIMIT} is closed by a check every second
 * (a hop's connection slots are not ours to hold), and all are closed on shutdown.
 */
final class KeptConnections implements AutoCloseable {
    /** RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for a command; 5 s is well inside. */
    private static final Duration FRESH = Duration.ofSeconds(5);
    static final Duration IDLE_LIMIT = Duration.ofSeconds(30);
    private final Map<NextHop, BlockingQueue<Kept>> idle = new ConcurrentHashMap<>();
    private final int perHop;
    private final Clock clock;
    private final ScheduledExecutorService idleCheck;
    private volatile boolean closed;

    private record Kept(HopTransport transport, Instant since) {
    }

    KeptConnections(int perHop, Clock clock) {
        this.perHop = perHop;
        this.clock = clock;
        this.idleCheck = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "delivery-idle-connections");
            t.setDaemon(true);
            return t;
        });
        idleCheck.scheduleWithFixedDelay(this::closeIdle, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * A kept connection to {@code hop}, or null: one used in the last few seconds is taken as
     * it is (a NOOP before every message would cost a round trip; if the hop closed it after
     * all, the caller retries on a new one); an older one must answer NOOP.
     */
    HopTransport take(NextHop hop) {
        BlockingQueue<Kept> q = idle.get(hop);
        Kept k;
        while (q != null && (k = q.poll()) != null) {
            if (Duration.between(k.since(), clock.instant()).compareTo(FRESH) < 0 || k.transport().isConnected()) {
                return k.transport();
            }
            k.transport().closeQuietly();
        }
        return null;
    }

    /** Keeps {@code t} for the next message to {@code hop}, or closes it when that is not wanted. */
    void keep(NextHop hop, HopTransport t) {
        BlockingQueue<Kept> q = idle.computeIfAbsent(hop, h -> new ArrayBlockingQueue<>(perHop));
        if (closed || !t.reusable() || !q.offer(new Kept(t, clock.instant()))) {
            t.closeQuietly();
        } else if (closed) {
            drain(q); // closed while it was being kept
        }
    }

    private void closeIdle() {
        Instant limit = clock.instant().minus(IDLE_LIMIT);
        for (BlockingQueue<Kept> q : idle.values()) {
            List<Kept> stale = new ArrayList<>();
            q.removeIf(k -> k.since().isBefore(limit) && stale.add(k));
            stale.forEach(k -> k.transport().closeQuietly());
        }
    }

    private static void drain(BlockingQueue<Kept> q) {
        Kept k;
        while ((k = q.poll()) != null) {
            k.transport().closeQuietly();
        }
    }

    @Override
    public void close() {
        closed = true;
        idleCheck.shutdown();
        idle.values().forEach(KeptConnections::drain);
    }
}

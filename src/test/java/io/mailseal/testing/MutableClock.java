package io.mailseal.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand, so back-off and expiry are tested without waiting. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;
    private final Map<String, AtomicInteger> readsSinceAdvance = new ConcurrentHashMap<>();

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
        readsSinceAdvance.clear();
    }

    /**
     * How often the thread named {@code threadName} read the time since the last {@link #advance}:
     * lets a test know that a periodic task has run (and, at two reads, has finished a run) on the
     * new time.
     */
    public int readsSinceAdvance(String threadName) {
        AtomicInteger n = readsSinceAdvance.get(threadName);
        return n == null ? 0 : n.get();
    }

    @Override
    public Instant instant() {
        // counted before the time is read: a read counted after an advance saw the advanced time
        readsSinceAdvance
                .computeIfAbsent(Thread.currentThread().getName(), t -> new AtomicInteger())
                .incrementAndGet();
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}

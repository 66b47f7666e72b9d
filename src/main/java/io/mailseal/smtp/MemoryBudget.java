package io.mailseal.smtp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of message content all SMTP sessions together may hold ({@code smtp.memory-budget}).
 * Each session reserves what it buffers, in chunks, before it allocates them, and gives them back
 * once the sink has answered for the message or the transaction failed; a session that finds the
 * budget spent answers {@code 452 4.3.1} instead of growing the heap until the JVM dies.
 */
final class MemoryBudget {
    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    MemoryBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when they are not left. */
    boolean tryReserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (bytes > capacity - now) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** Counts one message answered 452 because the budget was spent. */
    void refused() {
        refusals.incrementAndGet();
    }

    long capacity() {
        return capacity;
    }

    /** Bytes reserved now by all sessions. */
    long reserved() {
        return reserved.get();
    }

    /** Messages answered 452 4.3.1 since start. */
    long refusals() {
        return refusals.get();
    }
}

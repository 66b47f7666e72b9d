package io.mailseal.smtp;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of message content all SMTP sessions together may hold ({@code smtp.memory-budget}).
 * Each session reserves what it buffers, in chunks, before it allocates them, and gives them back
 * once the sink has answered for the message or the transaction failed; a session that finds the
 * budget spent answers {@code 452 4.3.1} instead of growing the heap until the JVM dies.
 *
 * <p>While the sink decides, a message may take several times its size: a pass message is spooled
 * from the intake's own array (a dropped Bcc rewrites only the header section), but signing and
 * encryption build new entities (the 7-bit form, the signed entity, the envelope, the message
 * around it). Measured on the jar with {@code -Xlog:gc} (IntakeHeapIT), one 50 MB message under an
 * encrypt + timestamp policy leaves at most 330 MiB live above the idle heap: about seven copies,
 * one of them the intake's, which DATA reserved already. So the messages the sink works on at once
 * are bounded by the budget too, each weighing {@link #SINK_COPIES} times its size; one message may
 * always go in, however large, so that every message the intake took can be decided. The heap then
 * holds at most about twice the budget in messages.
 */
final class MemoryBudget {
    /** The copies of a message the sink makes besides the intake's own. */
    static final int SINK_COPIES = 6;

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private long deciding; // weight of the messages the sink works on; guarded by this

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

    /** Whether {@code bytes} could be reserved now (nothing is taken). */
    boolean fits(long bytes) {
        return bytes <= capacity - reserved.get();
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /**
     * Waits until the sink may take on a message of {@code size} bytes: while others are being
     * decided, only when their weight and its own fit in the budget. False after {@code patience}.
     */
    synchronized boolean enterSink(long size, Duration patience) {
        long weight = size * SINK_COPIES;
        long deadline = System.nanoTime() + patience.toNanos();
        while (deciding > 0 && weight > capacity - deciding) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        deciding += weight;
        return true;
    }

    /** The sink has answered for a message of {@code size} bytes. */
    synchronized void leaveSink(long size) {
        deciding -= size * SINK_COPIES;
        notifyAll();
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

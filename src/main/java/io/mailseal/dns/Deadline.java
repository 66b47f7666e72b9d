package io.mailseal.dns;

import java.time.Duration;

/**
 * The end of one operation's time, on the monotonic clock: every query of the operation waits at
 * most what is left of it, so retries, CNAMEs and the validation chain cannot add up beyond it.
 */
public final class Deadline {
    private final long end;
    private final Duration total;

    private Deadline(Duration total) {
        this.total = total;
        this.end = System.nanoTime() + total.toNanos();
    }

    public static Deadline after(Duration total) {
        return new Deadline(total);
    }

    /** What is left; zero or negative once passed. */
    public Duration remaining() {
        return Duration.ofNanos(end - System.nanoTime());
    }

    /** The whole time it was set for, for messages ("no answer within 10s"). */
    public Duration total() {
        return total;
    }
}

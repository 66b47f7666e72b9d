package io.mailseal.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Polls until something observable holds, at most {@code timeout}; on timeout fails with what was
 * awaited and the last value seen. The one polling loop of the tests.
 */
public final class Eventually {
    private static final long PAUSE_MILLIS = 20;

    private Eventually() {}

    /** Waits until {@code condition} is true. */
    public static void await(String what, Duration timeout, Callable<Boolean> condition)
            throws Exception {
        value(what, timeout, condition, Boolean.TRUE::equals);
    }

    /** The first value of {@code probe} that {@code done} accepts. */
    public static <T> T value(
            String what, Duration timeout, Callable<T> probe, Predicate<? super T> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.call();
        while (!done.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        what + ": not so after " + timeout + "; last seen: " + last);
            }
            Thread.sleep(PAUSE_MILLIS);
            last = probe.call();
        }
        return last;
    }
}

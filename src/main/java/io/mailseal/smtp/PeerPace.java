package io.mailseal.smtp;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether one SMTP client keeps pace, on a nanosecond ticker: a command line must arrive whole
 * within {@code smtp.command-deadline} however it trickles, and inside DATA every window of {@link
 * #WINDOW} that brings any bytes must bring {@code smtp.min-data-rate} (a window without any is
 * silence, which {@code data-timeout} bounds). Under stress (Postfix's stress adaptation) a client
 * that is idle or slow for {@link #WINDOW} loses its connection. While the intake itself works (a
 * command executes, the sink decides) the client is never blamed.
 */
final class PeerPace {
    /**
     * The grace before the data rate is first measured, the window it is measured over, and the
     * longest wait for a client while the intake is under stress.
     */
    static final Duration WINDOW = Duration.ofSeconds(10);

    private static final long WINDOW_NANOS = WINDOW.toNanos();

    private enum Phase {
        COMMAND,
        DATA,
        BUSY,
        CUT
    }

    private final long commandDeadline;
    private final long minDataRate;
    private Phase phase = Phase.COMMAND;
    private long since;
    private long bytes;
    private long lastByte;
    private long windowStart;
    private long windowBytes;

    PeerPace(Duration commandDeadline, long minDataRate, long now) {
        this.commandDeadline = commandDeadline.toNanos();
        this.minDataRate = minDataRate;
        this.since = now;
    }

    /** A reply went out; the client's next command line is awaited from {@code now}. */
    synchronized void awaitCommand(long now) {
        enter(Phase.COMMAND, now);
    }

    /** The intake works on a command; false once the client was cut. */
    synchronized boolean busy(long now) {
        return enter(Phase.BUSY, now);
    }

    /** DATA content is read from {@code now}. */
    synchronized void receiveData(long now) {
        if (enter(Phase.DATA, now)) {
            bytes = 0;
            lastByte = now;
            windowStart = now;
            windowBytes = 0;
        }
    }

    synchronized void received(int n, long now) {
        if (n > 0) {
            bytes += n;
            lastByte = now;
        }
    }

    /**
     * Why the client should lose its connection at {@code now}, if it should; once answered, the
     * client counts as cut and nothing else is asked of it.
     */
    synchronized Optional<String> overdue(long now, boolean stressed) {
        Optional<String> why = reason(now, stressed);
        if (why.isPresent()) {
            phase = Phase.CUT;
        }
        return why;
    }

    private Optional<String> reason(long now, boolean stressed) {
        if (phase == Phase.COMMAND) {
            long waited = now - since;
            if (waited > commandDeadline) {
                return Optional.of(
                        "Command not complete within "
                                + Duration.ofNanos(commandDeadline).toSeconds()
                                + " s");
            }
            return stressed && waited > WINDOW_NANOS ? underStress() : Optional.empty();
        }
        if (phase != Phase.DATA) {
            return Optional.empty();
        }
        if (stressed && now - lastByte > WINDOW_NANOS) {
            return underStress();
        }
        long window = now - windowStart;
        if (window < WINDOW_NANOS) {
            return Optional.empty();
        }
        long got = bytes - windowBytes;
        windowStart = now;
        windowBytes = bytes;
        // a window without a byte is silence, left to data-timeout
        if (got > 0 && got * 1_000_000_000.0 / window < minDataRate) {
            return Optional.of("Message data slower than " + minDataRate + " bytes/s");
        }
        return Optional.empty();
    }

    private static Optional<String> underStress() {
        return Optional.of(
                "Idle or slow for " + WINDOW.toSeconds() + " s while the server is busy");
    }

    private boolean enter(Phase next, long now) {
        if (phase == Phase.CUT) {
            return false;
        }
        phase = next;
        since = now;
        return true;
    }
}

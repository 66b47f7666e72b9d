package io.mailseal.smtp;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Queue ids that sort by arrival and never repeat across restarts: milliseconds since the epoch and
 * 40 random bits, in Crockford base 32 (no I/L/O/U, safe in file names and logs).
 */
final class QueueIds {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    QueueIds(Clock clock) {
        this.clock = clock;
    }

    String next() {
        StringBuilder id = new StringBuilder(17);
        append(id, clock.millis(), 9);
        append(id, random.nextLong() & 0xFF_FFFF_FFFFL, 8);
        return id.toString();
    }

    private static void append(StringBuilder out, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out.append(ALPHABET[(int) (value >>> (5 * i)) & 31]);
        }
    }
}

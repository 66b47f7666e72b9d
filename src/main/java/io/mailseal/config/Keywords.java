package io.mailseal.config;

import java.time.Duration;
import java.util.Locale;

/**
 * How relay.conf, the logs and the tools write an enumerated value (lower-case kebab, e.g. {@code
 * soft-fail}) and a duration ({@code 10m}, as in relay.conf, never {@code PT10M}).
 */
public final class Keywords {
    private Keywords() {}

    public static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * {@code d} in the largest HOCON unit that holds it whole: {@code 5d}, {@code 90m}, {@code 3s},
     * {@code 1500ms}; what a reader can paste back into relay.conf.
     */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        long[] sizes = {86_400, 3600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (s % sizes[i] == 0) {
                return s / sizes[i] + units[i];
            }
        }
        return s + "s";
    }
}

package io.mailseal.config;

import java.util.Locale;

/**
 * How relay.conf, the logs and the tools write an enumerated value: lower-case kebab, e.g. {@code
 * soft-fail}.
 */
public final class Keywords {
    private Keywords() {}

    public static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

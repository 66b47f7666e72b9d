package io.mailseal.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An MTA-STS policy (RFC 8461 §3.2) as fetched from {@code
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt}.
 *
 * @param mx the MX host patterns: a name, or {@code *.} and a name (one leftmost label)
 * @param maxAge how long the policy may be cached, within RFC 8461's bounds
 */
record StsPolicy(Mode mode, List<String> mx, Duration maxAge) {
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
    static final long MAX_AGE_LIMIT = 31_557_600;

    enum Mode {
        ENFORCE,
        TESTING,
        NONE
    }

    /** A policy text that is not one (the fetch counts as failed, RFC 8461 §3.3). */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    StsPolicy {
        mx = List.copyOf(mx);
    }

    /**
     * The policy in {@code text}: lines of {@code key: value} (CRLF or LF); unknown keys ignored,
     * the first of a repeated key kept (§3.2), {@code mx} repeatable.
     */
    static StsPolicy parse(String text) throws Invalid {
        String version = null;
        String mode = null;
        String maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "version" -> version = version == null ? value : version;
                case "mode" -> mode = mode == null ? value : mode;
                case "max_age" -> maxAge = maxAge == null ? value : maxAge;
                case "mx" -> mx.add(value.toLowerCase(Locale.ROOT));
                default -> {
                    // an extension this sender does not know (§3.2)
                }
            }
        }
        if (!"STSv1".equals(version)) {
            throw new Invalid("version is not STSv1");
        }
        Mode m =
                switch (mode == null ? "" : mode) {
                    case "enforce" -> Mode.ENFORCE;
                    case "testing" -> Mode.TESTING;
                    case "none" -> Mode.NONE;
                    default -> throw new Invalid("mode is not enforce, testing or none");
                };
        if (maxAge == null || !maxAge.matches("[0-9]{1,10}")) {
            throw new Invalid("max_age is not a number of seconds");
        }
        if (m != Mode.NONE && mx.isEmpty()) {
            throw new Invalid("mode " + mode + " without an mx line");
        }
        long seconds = Math.min(Long.parseLong(maxAge), MAX_AGE_LIMIT);
        return new StsPolicy(m, mx, Duration.ofSeconds(seconds));
    }

    /**
     * Whether {@code host} is one of the policy's MX names (RFC 8461 §4.1): exactly, or under a
     * {@code *.} pattern by one leftmost label only; case-insensitive, a trailing dot ignored.
     */
    boolean lists(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        int dot = h.indexOf('.');
        for (String pattern : mx) {
            if (pattern.equals(h)
                    || pattern.startsWith("*.")
                            && dot > 0
                            && h.substring(dot + 1).equals(pattern.substring(2))) {
                return true;
            }
        }
        return false;
    }
}

package io.mailseal.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** Reads {@code mailseal.store}. */
final class StoreConfigReader {
    private static final List<String> SHARED_ONLY =
            List.of(
                    "url",
                    "user",
                    "password-env",
                    "password-file",
                    "pool-size",
                    "node",
                    "timeout",
                    "recheck-interval");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** More than a few connections per node only queue inside PostgreSQL. */
    static final int MAX_POOL = 64;

    private StoreConfigReader() {}

    static StoreConfig read(ConfigSection s) {
        String type = s.string("type", "embedded");
        if (type.equals("embedded")) {
            for (String key : SHARED_ONLY) {
                if (s.has(key)) {
                    s.problem(key, s.value(key), "is read only with type = postgresql");
                }
            }
            s.finish();
            return StoreConfig.EMBEDDED;
        }
        if (!type.equals("postgresql")) {
            s.problem("type", s.value("type"), "is not embedded or postgresql");
        }
        StoreConfig c =
                new StoreConfig(
                        StoreConfig.Type.POSTGRESQL,
                        s.string("url", ""),
                        s.string("user", ""),
                        SecretKeys.optional(s, "password-env", "password-file"),
                        s.integer("pool-size", 8, 1),
                        s.optionalString("node"),
                        s.duration("timeout", Duration.ofSeconds(2)),
                        s.duration("recheck-interval", Duration.ofSeconds(30)));
        if (c.url().isEmpty()) {
            s.problem(
                    "url", "is missing (e.g. \"jdbc:postgresql://db.bank.example:5432/mailseal\")");
        } else if (!c.url().startsWith("jdbc:postgresql://")) {
            s.problem("url", s.value("url"), "is not a jdbc:postgresql:// URL");
        }
        if (c.user().isEmpty()) {
            s.problem("user", "is missing (the database role mailseal connects as)");
        }
        if (c.poolSize() > MAX_POOL) {
            s.problem("pool-size", s.value("pool-size"), "is more than " + MAX_POOL);
        }
        if (c.node().isPresent() && !NODE.matcher(c.node().get()).matches()) {
            s.problem("node", s.value("node"), "is not a name of letters, digits, '.', '_' or '-'");
        }
        s.finish();
        return c;
    }
}

package io.mailseal.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code store { ... }}: where what several relay nodes share is kept — harvested certificates and
 * the evidence journal (issue 24). {@code embedded}: files beside the spool, for one node (the
 * default); {@code postgresql}: one database for every node. {@code node}: this node's name in the
 * shared store (its evidence chain, who stored a harvest), the host name when not given; {@code
 * timeout}: how long a query may wait for a connection or an answer before the store counts as
 * unavailable; {@code recheckInterval}: how often a node looks for changes it may have missed
 * notice of.
 */
public record StoreConfig(
        Type type,
        String url,
        String user,
        Optional<IdentityConfig.PasswordSource> password,
        int poolSize,
        Optional<String> node,
        Duration timeout,
        Duration recheckInterval) {

    public enum Type {
        EMBEDDED,
        POSTGRESQL
    }

    public static final StoreConfig EMBEDDED =
            new StoreConfig(
                    Type.EMBEDDED,
                    "",
                    "",
                    Optional.empty(),
                    0,
                    Optional.empty(),
                    Duration.ZERO,
                    Duration.ZERO);

    /** Whether the harvest store and the journal are in the database. */
    public boolean shared() {
        return type == Type.POSTGRESQL;
    }
}

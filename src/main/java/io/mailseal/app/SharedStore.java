package io.mailseal.app;

import io.mailseal.config.ConfigException;
import io.mailseal.config.RelayConfig;
import io.mailseal.config.StoreConfig;
import io.mailseal.store.Database;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of {@code mailseal.store.type = postgresql}, or none with the embedded store. Opened
 * before what keeps its data there and closed after. A database that does not answer at start is no
 * reason not to start (the spool still has mail to deliver; lookups that need it answer 451); one
 * that answers with a schema older than this mailseal's is a refused start, naming the command that
 * migrates it.
 */
final class SharedStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedStore.class);
    static final SharedStore EMBEDDED = new SharedStore(Optional.empty());

    private final Optional<Database> database;

    private SharedStore(Optional<Database> database) {
        this.database = database;
    }

    static SharedStore open(RelayConfig config) {
        StoreConfig c = config.store();
        if (!c.shared()) {
            return EMBEDDED;
        }
        Database db = database(c);
        try {
            Database.Schema schema = db.schema();
            if (!schema.upToDate()) {
                db.close();
                throw new ConfigException(List.of("mailseal.store.url: " + schema.describe()));
            }
            log.info("shared store {} as node {}: {}", c.url(), db.node(), schema.describe());
        } catch (SQLException e) {
            log.warn(
                    "shared store {} does not answer ({}); starting without it: what needs it is"
                            + " deferred until it answers",
                    c.url(),
                    e.getMessage());
        }
        return new SharedStore(Optional.of(db));
    }

    /** Opens the pool without connecting; the password file's problem names its key. */
    static Database database(StoreConfig c) {
        try {
            return Database.open(c, node(c));
        } catch (IOException e) {
            // the one file read here
            throw new ConfigException(
                    List.of(
                            "mailseal.store.password-file: \""
                                    + c.password().map(p -> p.origin()).orElse("")
                                    + "\" cannot be read: "
                                    + Problems.reason(e)));
        } catch (RuntimeException e) {
            // an unset password-env, or a URL no driver takes
            throw new ConfigException(List.of("mailseal.store: " + Problems.reason(e)));
        }
    }

    /** {@code store.node}, else this machine's host name. */
    static String node(StoreConfig c) {
        return c.node()
                .orElseGet(
                        () -> {
                            try {
                                return InetAddress.getLocalHost().getHostName();
                            } catch (UnknownHostException e) {
                                throw new ConfigException(
                                        List.of(
                                                "mailseal.store.node: is not set and this"
                                                        + " machine's host name cannot be found: "
                                                        + e.getMessage()));
                            }
                        });
    }

    Optional<Database> database() {
        return database;
    }

    @Override
    public void close() {
        database.ifPresent(Database::close);
    }
}

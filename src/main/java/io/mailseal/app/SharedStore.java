package io.mailseal.app;

import io.mailseal.admin.RelayGauges;
import io.mailseal.certs.HarvestFiles;
import io.mailseal.certs.HarvestStore;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.config.ConfigException;
import io.mailseal.config.RelayConfig;
import io.mailseal.config.StoreConfig;
import io.mailseal.store.Database;
import io.mailseal.store.HarvestChanges;
import io.mailseal.store.PostgresHarvest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of {@code mailseal.store.type = postgresql}, or none with the embedded store, and
 * the harvest store that follows from it. Opened before what keeps its data there and closed after.
 * A database that does not answer at start is no reason not to start (the spool still has mail to
 * deliver; lookups that need it answer 451); one that answers with a schema older than this
 * mailseal's is a refused start, naming the command that migrates it.
 */
public final class SharedStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedStore.class);
    static final SharedStore EMBEDDED =
            new SharedStore(StoreConfig.EMBEDDED, Optional.empty(), Optional.empty());

    private final StoreConfig config;
    private final Optional<Database> database;
    private final Optional<PostgresHarvest> harvest;
    private volatile Optional<HarvestChanges> changes = Optional.empty();

    private SharedStore(
            StoreConfig config, Optional<Database> database, Optional<PostgresHarvest> harvest) {
        this.config = config;
        this.database = database;
        this.harvest = harvest;
    }

    /**
     * For a relay: harvests the database cannot take wait in {@code harvest-pending} beside the
     * spool directory.
     */
    static SharedStore open(RelayConfig config, Clock clock) {
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
        return new SharedStore(
                c,
                Optional.of(db),
                Optional.of(PostgresHarvest.keepingPending(db, pendingDirectory(config), clock)));
    }

    /**
     * For a command ({@code certs import}, {@code lookup}, {@code check-config}, {@code store}):
     * the pool, not yet connected, whatever the schema; a harvest the database cannot take is an
     * error. Close it after use.
     */
    public static SharedStore forCommand(RelayConfig config, Clock clock) {
        StoreConfig c = config.store();
        if (!c.shared()) {
            return EMBEDDED;
        }
        Database db = database(c);
        return new SharedStore(c, Optional.of(db), Optional.of(PostgresHarvest.direct(db, clock)));
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

    /**
     * One line on the shared store for {@code check-config} and {@code store status}: where, as
     * which node, and the schema or why it does not answer; {@code answers} and {@code upToDate}
     * for the exit code.
     */
    public record State(String line, boolean answers, boolean upToDate) {}

    /** Asks the database now (within {@code store.timeout}); empty with the embedded store. */
    public Optional<State> state() {
        return database.map(
                db -> {
                    String where = "store postgresql " + db.url() + " as node " + db.node() + ": ";
                    try {
                        Database.Schema schema = db.schema();
                        return new State(where + schema.describe(), true, schema.upToDate());
                    } catch (SQLException e) {
                        return new State(
                                where + "does not answer: " + Problems.reason(e), false, false);
                    }
                });
    }

    /** Harvests {@code config}'s relay keeps on its disk until the database takes them. */
    public int pendingHarvests(RelayConfig config) {
        return database.map(
                        db ->
                                PostgresHarvest.keepingPending(
                                                db, pendingDirectory(config), Clock.systemUTC())
                                        .pendingCount())
                .orElse(0);
    }

    /** {@code harvest-pending} beside the spool directory. */
    private static Path pendingDirectory(RelayConfig config) {
        return config.spoolDirectory().resolveSibling("harvest-pending");
    }

    /** The database; empty with the embedded store. */
    public Optional<Database> database() {
        return database;
    }

    /**
     * The store of {@code certificates.sources}' harvest source: the database's with a shared
     * store, else the source's files; empty without a harvest source.
     */
    public Optional<HarvestStore> harvest(CertificatesConfig c) {
        return c.sources().stream()
                .filter(CertificatesConfig.HarvestSource.class::isInstance)
                .map(CertificatesConfig.HarvestSource.class::cast)
                .findFirst()
                .map(
                        s ->
                                harvest.<HarvestStore>map(h -> h)
                                        .orElseGet(() -> new HarvestFiles(s.path())));
    }

    /**
     * A relay follows the harvests of every node: {@code forget} gets the addresses whose harvest
     * changed anywhere, harvests kept on disk move in when the database answers, and the gauges
     * show both. With the embedded store the gauges say 1 and 0 (one alert rule serves both).
     */
    void follow(Consumer<List<String>> forget, RelayGauges gauges) {
        if (database.isEmpty() || harvest.isEmpty()) {
            gauges.watchStore(() -> true, () -> 0);
            return;
        }
        HarvestChanges c =
                new HarvestChanges(
                        database.get(),
                        config.recheckInterval(),
                        forget,
                        harvest.get()::databaseAnswers);
        changes = Optional.of(c.start());
        gauges.watchStore(() -> c.problem().isEmpty(), harvest.get()::pendingCount);
    }

    /** Why this node does not reach the shared store now (for /ready); never waits. */
    Optional<String> problem() {
        return changes.flatMap(HarvestChanges::problem);
    }

    @Override
    public void close() {
        changes.ifPresent(HarvestChanges::close);
        database.ifPresent(Database::close);
    }
}

package io.mailseal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mailseal.config.StoreConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * The shared PostgreSQL database ({@code mailseal.store}): a HikariCP pool that does not need the
 * database to be up when it is opened (a relay starts and delivers its spool while the database is
 * away), every wait bounded by {@code store.timeout}, and the schema as Flyway keeps it ({@code
 * src/main/resources/db/migration}, history in {@code mailseal_schema_history}).
 */
public final class Database implements AutoCloseable {
    /** HikariCP's lower bound for a connection or validation wait. */
    private static final long MIN_WAIT_MS = 250;

    private final HikariDataSource pool;
    private final String node;

    private Database(HikariDataSource pool, String node) {
        this.pool = pool;
        this.node = node;
    }

    /**
     * A connection of its own, outside the pool, for a session that lasts (LISTEN): the pool's
     * connections keep no session state between users. Within {@code store.timeout}.
     */
    public Connection dedicatedConnection() throws SQLException {
        Properties p = new Properties();
        // as text: the driver reads properties with getProperty, which skips any other type
        pool.getDataSourceProperties().forEach((k, v) -> p.setProperty((String) k, v.toString()));
        p.setProperty("user", pool.getUsername());
        if (pool.getPassword() != null) {
            p.setProperty("password", pool.getPassword());
        }
        return DriverManager.getConnection(pool.getJdbcUrl(), p);
    }

    /**
     * A Flyway per use: one that met a database going away keeps a closed connection and fails
     * after the database is back.
     */
    private Flyway flyway() {
        return Flyway.configure(Database.class.getClassLoader())
                .dataSource(pool)
                .locations("classpath:db/migration")
                .table("mailseal_schema_history")
                .load();
    }

    /** What the schema is and what this mailseal needs. */
    public record Schema(Optional<String> current, String needed, int pending) {
        public boolean upToDate() {
            return pending == 0 && current.isPresent();
        }

        public String describe() {
            return upToDate()
                    ? "schema version " + needed
                    : "schema version "
                            + current.orElse("none")
                            + ", this mailseal needs "
                            + needed
                            + " ("
                            + pending
                            + " migration(s) pending): run mailseal store migrate";
        }
    }

    /** Opens the pool; {@code node} names this relay in the database (and in its sessions). */
    public static Database open(StoreConfig c, String node) throws IOException {
        long timeoutMs = Math.max(MIN_WAIT_MS, c.timeout().toMillis());
        int timeoutSeconds = (int) Math.max(1, (timeoutMs + 999) / 1000);
        HikariConfig h = new HikariConfig();
        h.setPoolName("mailseal-store");
        h.setJdbcUrl(c.url());
        h.setUsername(c.user());
        if (c.password().isPresent()) {
            h.setPassword(new String(c.password().get().read()));
        }
        h.setMaximumPoolSize(c.poolSize());
        h.setMinimumIdle(1);
        h.setConnectionTimeout(timeoutMs);
        h.setValidationTimeout(timeoutMs);
        // the pool opens without the database; a query then waits at most connectionTimeout
        h.setInitializationFailTimeout(-1);
        // as text: HikariCP hands these to the driver as Properties, whose getProperty ignores
        // any value that is not a String (an Integer here was no timeout at all)
        h.addDataSourceProperty("connectTimeout", Integer.toString(timeoutSeconds));
        h.addDataSourceProperty("socketTimeout", Integer.toString(timeoutSeconds * 5));
        h.addDataSourceProperty("tcpKeepAlive", "true");
        h.addDataSourceProperty("ApplicationName", "mailseal " + node);
        return new Database(new HikariDataSource(h), node);
    }

    /** The JDBC URL (no password in it: that comes from password-env or password-file). */
    public String url() {
        return pool.getJdbcUrl();
    }

    /** This relay's name in the shared store. */
    public String node() {
        return node;
    }

    /** A pooled connection, within {@code store.timeout}; close it to give it back. */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** What a query does with its connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection; once more on a fresh one when the first was lost
     * (the database restarted since it was last used: the pool finds out only by using it). {@code
     * work} must be safe to repeat.
     */
    public <T> T run(Work<T> work) throws SQLException {
        try (Connection c = connection()) {
            return work.run(c);
        } catch (SQLException e) {
            if (!lost(e)) {
                throw e;
            }
        }
        try (Connection c = connection()) {
            return work.run(c);
        }
    }

    /** The schema's state; an exception when the database does not answer. */
    public Schema schema() throws SQLException {
        return flyway(
                f -> {
                    MigrationInfoService info = f.info();
                    MigrationInfo[] all = info.all();
                    return new Schema(
                            Optional.ofNullable(info.current())
                                    .map(m -> m.getVersion().getVersion()),
                            all.length == 0
                                    ? "none"
                                    : all[all.length - 1].getVersion().getVersion(),
                            info.pending().length);
                });
    }

    /** Applies the pending migrations; returns how many. */
    public int migrate() throws SQLException {
        return flyway(f -> f.migrate().migrationsExecuted);
    }

    /** Flyway's work, once more when a lost connection failed it, as {@link #run}. */
    private <T> T flyway(Function<Flyway, T> work) throws SQLException {
        try {
            return work.apply(flyway());
        } catch (FlywayException e) {
            if (!lost(e)) {
                throw new SQLException(e.getMessage(), e);
            }
        }
        try {
            return work.apply(flyway());
        } catch (FlywayException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /**
     * A connection the server closed (08xxx; 57P01..57P03: shut down, crashed, not yet accepting)
     * or one the pool closed after such an error.
     */
    static boolean lost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException q
                    && ((q.getSQLState() != null
                                    && (q.getSQLState().startsWith("08")
                                            || q.getSQLState().startsWith("57P")))
                            || "Connection is closed".equals(q.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        pool.close();
    }
}

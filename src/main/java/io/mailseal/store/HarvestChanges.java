package io.mailseal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells this node which addresses' harvests changed on any node, so its cached answers go: a
 * connection of its own LISTENs on {@value PostgresHarvest#CHANNEL} (a notification arrives within
 * milliseconds of the other node's commit), and every {@code store.recheck-interval} and after
 * every reconnect it asks for the rows whose {@code change} is above the highest it has seen, for
 * what a lost connection missed. LISTEN comes before that question, so a commit is either in the
 * answer or notified. A lost connection is opened again with back-off; its state is what {@code
 * /ready} and {@code mailseal_store_up} show, read without waiting.
 */
public final class HarvestChanges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HarvestChanges.class);
    private static final int WAIT_MS = 250;
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 2000;
    private static final String NOT_YET = "not connected yet";

    private final Database db;
    private final Duration recheckInterval;
    private final Consumer<List<String>> changed;
    private final Answering answering;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Optional<String> problem = Optional.of(NOT_YET);

    /**
     * The highest {@code change} seen; -1 before the first connection (only the thread uses it).
     */
    private long lastSeen = -1;

    /**
     * @param changed told the addresses whose harvest changed (this node's own included)
     * @param answering run after each (re)connection and re-check: the database answers
     */
    public HarvestChanges(
            Database db,
            Duration recheckInterval,
            Consumer<List<String>> changed,
            Answering answering) {
        this.db = db;
        this.recheckInterval = recheckInterval;
        this.changed = changed;
        this.answering = answering;
        this.thread = new Thread(this::run, "store-harvest-changes");
        thread.setDaemon(true);
    }

    /** What the database answering again sets going; an exception: it does not answer after all. */
    @FunctionalInterface
    public interface Answering {
        void run() throws SQLException;
    }

    public HarvestChanges start() {
        thread.start();
        return this;
    }

    /**
     * Why this node does not hear of changes or cannot query now; empty while it listens and the
     * pool's connections answer too.
     */
    public Optional<String> problem() {
        return problem;
    }

    private void run() {
        long backoffMs = FIRST_BACKOFF_MS;
        while (!closed) {
            try (Connection c = db.dedicatedConnection()) {
                listen(c);
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                String reason = "shared store does not answer: " + PostgresHarvest.reason(e);
                if (problem.isEmpty()) {
                    log.warn(
                            "{}; cached certificate answers stand, lookups that need it get 451",
                            reason);
                    backoffMs = FIRST_BACKOFF_MS;
                }
                problem = Optional.of(reason);
                pause(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /** Returns when closed; an exception when the connection is lost. */
    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + PostgresHarvest.CHANNEL);
        }
        recheck(c);
        answering.run();
        if (problem.isPresent() && !problem.get().equals(NOT_YET)) {
            log.info("shared store answers again; harvest changes are followed");
        }
        problem = Optional.empty();
        long next = System.nanoTime() + recheckInterval.toNanos();
        while (!closed) {
            PGNotification[] notes = pg.getNotifications(WAIT_MS);
            if (notes != null && notes.length > 0) {
                List<String> addresses = new ArrayList<>();
                for (PGNotification n : notes) {
                    addresses.add(n.getParameter());
                }
                changed.accept(addresses);
            }
            if (System.nanoTime() - next >= 0) {
                recheck(c);
                answering.run();
                next = System.nanoTime() + recheckInterval.toNanos();
            }
        }
    }

    /** The changes above {@link #lastSeen}; at the first connection only where they stand. */
    private void recheck(Connection c) throws SQLException {
        if (lastSeen < 0) {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT coalesce(max(change), 0) FROM harvest")) {
                r.next();
                lastSeen = r.getLong(1);
            }
            return;
        }
        List<String> addresses = new ArrayList<>();
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT address, change FROM harvest WHERE change > ? ORDER BY change")) {
            s.setLong(1, lastSeen);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    addresses.add(r.getString(1));
                    lastSeen = Math.max(lastSeen, r.getLong(2));
                }
            }
        }
        if (!addresses.isEmpty()) {
            changed.accept(addresses);
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.mailseal.store;

import io.mailseal.certs.Harvest;
import io.mailseal.certs.HarvestStore;
import io.mailseal.certs.Lookup;
import io.mailseal.certs.PemCertificates;
import io.mailseal.certs.SenderCapabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harvest store in the shared database, table {@code harvest}: one row per address, replaced by
 * a newer harvest, and in the same transaction a notification on {@value #CHANNEL} carrying the
 * address, so every node's {@link HarvestChanges} drops its cached answer. A database that does not
 * answer makes a lookup unavailable (the relay answers 451, never "no certificate"); a relay's
 * harvest it cannot take is kept on the node's disk ({@link PendingHarvests}) and moved in when it
 * answers again, the newest harvest of an address winning.
 */
public final class PostgresHarvest implements HarvestStore {
    static final String CHANNEL = "mailseal_harvest";
    private static final Logger log = LoggerFactory.getLogger(PostgresHarvest.class);
    private static final String UPSERT =
            "INSERT INTO harvest (address, certificates, capabilities, stored_by, stored_at)"
                    + " VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (address) DO UPDATE SET certificates = EXCLUDED.certificates,"
                    + " capabilities = EXCLUDED.capabilities, stored_by = EXCLUDED.stored_by,"
                    + " stored_at = EXCLUDED.stored_at, change = nextval('harvest_change')"
                    + " WHERE harvest.stored_at <= EXCLUDED.stored_at";

    private final Database db;
    private final Optional<PendingHarvests> pending;
    private final Clock clock;

    /** False after a query failed, until one succeeds: capabilities are not asked for meanwhile. */
    private volatile boolean answering = true;

    private PostgresHarvest(Database db, Optional<PendingHarvests> pending, Clock clock) {
        this.db = db;
        this.pending = pending;
        this.clock = clock;
    }

    /** For a command ({@code certs import}): a harvest the database cannot take is an error. */
    public static PostgresHarvest direct(Database db, Clock clock) {
        return new PostgresHarvest(db, Optional.empty(), clock);
    }

    /**
     * For a relay: a harvest the database cannot take is kept in {@code pendingDirectory} until
     * {@link #databaseAnswers} moves it in.
     */
    public static PostgresHarvest keepingPending(Database db, Path pendingDirectory, Clock clock) {
        return new PostgresHarvest(db, Optional.of(new PendingHarvests(pendingDirectory)), clock);
    }

    @Override
    public String name() {
        return "harvest:" + db.url();
    }

    @Override
    public Lookup lookup(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        Optional<String> pem;
        try {
            pem = query(a, "certificates").map(r -> new String(r, StandardCharsets.US_ASCII));
        } catch (SQLException e) {
            return waiting(a)
                    .<Lookup>map(p -> new Lookup.Found(p.harvest().certificates()))
                    .orElseGet(() -> new Lookup.Unavailable("shared store: " + reason(e)));
        }
        if (pem.isEmpty()) {
            return new Lookup.NotFound();
        }
        try {
            return new Lookup.Found(
                    PemCertificates.parse(
                            pem.get().getBytes(StandardCharsets.US_ASCII),
                            "the shared store's harvest for " + a));
        } catch (CertificateException e) {
            return new Lookup.Unavailable(
                    "shared store: the harvest for " + a + " is not readable: " + e.getMessage());
        }
    }

    @Override
    public Optional<SenderCapabilities> capabilities(String address) {
        if (!answering) {
            // known away: the code goes out with what every client reads, without a wait
            return Optional.empty();
        }
        try {
            Optional<byte[]> der = query(address.toLowerCase(Locale.ROOT), "capabilities");
            return der.isEmpty()
                    ? Optional.empty()
                    : Optional.of(SenderCapabilities.parse(der.get()));
        } catch (SQLException | IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void store(Harvest harvest) throws IOException {
        Instant at = clock.instant();
        try {
            upsert(harvest, at);
        } catch (SQLException e) {
            if (pending.isEmpty()) {
                throw new IOException("shared store: " + reason(e), e);
            }
            pending.get().keep(harvest, at);
            log.warn(
                    "shared store does not take the harvest for <{}> ({}); kept in {} until it"
                            + " answers",
                    harvest.address(),
                    reason(e),
                    pending.get().directory());
        }
    }

    /**
     * {@link HarvestChanges} reached the database (connected or re-checked): whether the pool's
     * connections reach it too — after an outage the pool may take seconds more to open new ones,
     * and until then lookups would still fail, so this node does not count as connected (an
     * exception) — then capabilities are asked for again and the harvests kept meanwhile move in,
     * each file removed once its row is committed.
     */
    public void databaseAnswers() throws SQLException {
        db.run(
                c -> {
                    try (Statement s = c.createStatement()) {
                        return s.execute("SELECT 1");
                    }
                });
        answering = true;
        if (pending.isPresent()) {
            movePending(pending.get());
        }
    }

    private void movePending(PendingHarvests waiting) throws SQLException {
        int moved = 0;
        try {
            for (Path file : waiting.files()) {
                PendingHarvests.Pending p;
                try {
                    p = PendingHarvests.read(file);
                } catch (IOException e) {
                    log.error(
                            "shared store: a pending harvest is left where it is: {}",
                            e.getMessage());
                    continue;
                }
                upsert(p.harvest(), p.harvestedAt());
                waiting.remove(p);
                moved++;
            }
        } catch (IOException e) {
            log.warn("shared store: pending harvests wait on: {}", e.getMessage());
        } finally {
            if (moved > 0) {
                log.info("shared store: {} pending harvest(s) moved into the database", moved);
            }
        }
    }

    /** Harvests kept on this node's disk for the database (a gauge). */
    public int pendingCount() {
        return pending.map(PendingHarvests::count).orElse(0);
    }

    private Optional<PendingHarvests.Pending> waiting(String address) {
        try {
            return pending.isEmpty() ? Optional.empty() : pending.get().get(address);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<byte[]> query(String address, String column) throws SQLException {
        try {
            Optional<byte[]> value =
                    db.run(
                            c -> {
                                try (PreparedStatement s =
                                        c.prepareStatement(
                                                "SELECT "
                                                        + column
                                                        + " FROM harvest WHERE address = ?")) {
                                    s.setString(1, address);
                                    try (ResultSet r = s.executeQuery()) {
                                        return r.next()
                                                ? Optional.ofNullable(r.getBytes(1))
                                                : Optional.<byte[]>empty();
                                    }
                                }
                            });
            answering = true;
            return value;
        } catch (SQLException e) {
            answering = false;
            throw e;
        }
    }

    /** The row and its notification in one transaction; an older harvest changes nothing. */
    private void upsert(Harvest h, Instant at) throws SQLException {
        try {
            db.run(
                    c -> {
                        c.setAutoCommit(false);
                        try {
                            if (write(c, h, at) > 0) {
                                try (PreparedStatement s =
                                        c.prepareStatement("SELECT pg_notify(?, ?)")) {
                                    s.setString(1, CHANNEL);
                                    s.setString(2, h.address());
                                    s.execute();
                                }
                            }
                            c.commit();
                            return null;
                        } catch (SQLException e) {
                            // the pool sets auto-commit back when the connection is returned
                            try {
                                c.rollback();
                            } catch (SQLException r) {
                                e.addSuppressed(r);
                            }
                            throw e;
                        }
                    });
            answering = true;
        } catch (SQLException e) {
            answering = false;
            throw e;
        }
    }

    private int write(Connection c, Harvest h, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UPSERT)) {
            s.setString(1, h.address());
            s.setString(2, PemCertificates.encode(h.certificates()));
            s.setBytes(3, h.capabilities().map(SenderCapabilities::encoded).orElse(null));
            s.setString(4, db.node());
            s.setTimestamp(5, Timestamp.from(at));
            return s.executeUpdate();
        } catch (IOException e) {
            throw new SQLException(
                    "the certificates cannot be written as PEM: " + e.getMessage(), e);
        }
    }

    /** The driver's message, first line only (PostgreSQL adds detail and hints on others). */
    static String reason(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}

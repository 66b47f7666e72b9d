package io.mailseal.store;

import io.mailseal.evidence.EvidenceStore;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One node's evidence chain in the shared database's {@code evidence} table. {@link #append} only
 * queues the entries; {@link #awaitDurable} is the group commit: the first waiter that finds no
 * commit under way inserts everything queued so far in one statement (one transaction, one WAL
 * flush), every waiter that arrives meanwhile joins the next one.
 *
 * <p>A commit that fails loses what it held and everything queued behind it (those entries chain on
 * it); their waiters fail, and so does every append until {@link #last()} has read what is really
 * stored — a commit whose answer was lost on the way may or may not be there, and the journal
 * continues the chain from whatever is. So the store {@linkplain #resumable() resumes} after the
 * database was away; no entry is ever stored on top of one that may be missing (the commits are in
 * order, and none starts after a failure before that read).
 */
public final class PostgresEvidence implements EvidenceStore {
    private static final String COLUMNS = "SELECT position, day, text FROM evidence WHERE node = ?";

    private final Database db;
    private final String node;
    private final List<Entry> queued = new ArrayList<>();

    /** The tokens a failed commit lost: above the key, up to {@code upTo}; one per failure. */
    private final TreeMap<Long, Lost> lost = new TreeMap<>();

    private record Lost(long upTo, IOException cause) {}

    private long appended;
    private long durable;
    private boolean committing;
    private IOException broken;
    private long commits;

    /** {@code node}'s chain: this relay's ({@link Database#node()}) or, to read, another's. */
    public PostgresEvidence(Database db, String node) {
        this.db = db;
        this.node = node;
    }

    @Override
    public boolean resumable() {
        return true;
    }

    /**
     * The stored entry with the highest position. Waits for what is queued first (committed or
     * lost, it is then decided), and makes the store take appends again after a failure.
     */
    @Override
    public Optional<Entry> last() throws IOException {
        long upTo;
        synchronized (this) {
            upTo = appended;
        }
        try {
            awaitDurable(upTo);
        } catch (IOException e) {
            // lost or not: the read below says which
        }
        List<Entry> last = query(COLUMNS + " ORDER BY position DESC LIMIT 1", s -> {});
        synchronized (this) {
            broken = null;
        }
        return last.stream().findFirst();
    }

    @Override
    public synchronized long append(List<Entry> entries) throws IOException {
        if (broken != null) {
            throw new IOException(
                    "an evidence commit failed; the stored tail must be read again: "
                            + broken.getMessage());
        }
        queued.addAll(entries);
        appended += entries.size();
        return appended;
    }

    @Override
    public void awaitDurable(long token) throws IOException {
        List<Entry> batch;
        long batchEnd;
        synchronized (this) {
            while (true) {
                IOException failure = lostFailure(token);
                if (failure != null) {
                    throw failure;
                }
                if (durable >= token) {
                    return;
                }
                if (!committing) {
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for an evidence commit", e);
                }
            }
            committing = true;
            batch = List.copyOf(queued);
            queued.clear();
            batchEnd = appended;
        }
        IOException error = null;
        try {
            insert(batch);
        } catch (SQLException | RuntimeException e) {
            error = new IOException("evidence commit to the shared store failed: " + e, e);
        } finally {
            synchronized (this) {
                committing = false;
                commits++;
                if (error == null) {
                    durable = batchEnd;
                } else {
                    lost.put(durable, new Lost(appended, error));
                    queued.clear();
                    broken = error;
                }
                notifyAll();
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** The failure that lost {@code token}'s entries, or null. */
    private IOException lostFailure(long token) {
        Map.Entry<Long, Lost> range = lost.lowerEntry(token);
        if (range == null || token > range.getValue().upTo()) {
            return null;
        }
        IOException cause = range.getValue().cause();
        return new IOException(cause.getMessage(), cause);
    }

    /** The whole batch in one statement: autocommit makes it one transaction, one commit. */
    private void insert(List<Entry> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        Long[] positions = new Long[batch.size()];
        Date[] days = new Date[batch.size()];
        String[] texts = new String[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            positions[i] = batch.get(i).position();
            days[i] = Date.valueOf(batch.get(i).day());
            texts[i] = batch.get(i).text();
        }
        db.run(
                c -> {
                    try (PreparedStatement s =
                            c.prepareStatement(
                                    "INSERT INTO evidence (node, position, day, text)"
                                            + " SELECT ?, p, d, t FROM unnest(?, ?, ?) AS b(p, d,"
                                            + " t)")) {
                        s.setString(1, node);
                        s.setArray(2, array(c, "bigint", positions));
                        s.setArray(3, array(c, "date", days));
                        s.setArray(4, array(c, "text", texts));
                        return s.executeUpdate();
                    }
                });
    }

    private static Array array(Connection c, String type, Object[] values) throws SQLException {
        return c.createArrayOf(type, values);
    }

    @Override
    public List<Entry> read(LocalDate day) throws IOException {
        return query(
                COLUMNS + " AND day = ? ORDER BY position", s -> s.setDate(2, Date.valueOf(day)));
    }

    @Override
    public List<LocalDate> days() throws IOException {
        try {
            return db.run(
                    c -> {
                        try (PreparedStatement s =
                                c.prepareStatement(
                                        "SELECT DISTINCT day FROM evidence WHERE node = ?"
                                                + " ORDER BY day")) {
                            s.setString(1, node);
                            List<LocalDate> days = new ArrayList<>();
                            try (ResultSet r = s.executeQuery()) {
                                while (r.next()) {
                                    days.add(r.getDate(1).toLocalDate());
                                }
                            }
                            return days;
                        }
                    });
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void drop(LocalDate day) throws IOException {
        try {
            db.run(
                    c -> {
                        try (PreparedStatement s =
                                c.prepareStatement(
                                        "DELETE FROM evidence WHERE node = ? AND day = ?")) {
                            s.setString(1, node);
                            s.setDate(2, Date.valueOf(day));
                            return s.executeUpdate();
                        }
                    });
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** How many commits ran (fewer than appends when waiters share them). */
    public synchronized long commits() {
        return commits;
    }

    /** Nothing of its own: the database is {@code app}'s, closed after the journal. */
    @Override
    public void close() {}

    private interface Parameters {
        void set(PreparedStatement s) throws SQLException;
    }

    private List<Entry> query(String sql, Parameters more) throws IOException {
        try {
            return db.run(
                    c -> {
                        try (PreparedStatement s = c.prepareStatement(sql)) {
                            s.setString(1, node);
                            more.set(s);
                            List<Entry> out = new ArrayList<>();
                            try (ResultSet r = s.executeQuery()) {
                                while (r.next()) {
                                    out.add(
                                            new Entry(
                                                    r.getLong(1),
                                                    r.getDate(2).toLocalDate(),
                                                    r.getString(3)));
                                }
                            }
                            return out;
                        }
                    });
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private IOException unavailable(SQLException e) {
        return new IOException(
                "the shared store does not answer for node " + node + "'s evidence: " + e, e);
    }
}

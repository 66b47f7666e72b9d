package io.mailseal.bench;

import io.mailseal.testing.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database's cumulative work counters, from PostgreSQL's statistics views: transactions, rows
 * inserted/updated/deleted/fetched in the mailseal database (pg_stat_database), WAL bytes
 * (pg_stat_wal, PostgreSQL 14 and later) and data blocks written by checkpoints, the background
 * writer and backends (pg_stat_bgwriter up to 16). A counter a server does not have is -1. Backends
 * report their counters about a second after a transaction, so take a snapshot after a pause.
 */
record PgStats(
        long transactions,
        long inserted,
        long updated,
        long deleted,
        long fetched,
        long walBytes,
        long blocksWritten) {
    static final int BLOCK_BYTES = 8192;

    static PgStats take(Postgres pg) throws SQLException {
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            long[] db = new long[5];
            try (ResultSet r =
                    s.executeQuery(
                            "SELECT xact_commit + xact_rollback, tup_inserted, tup_updated,"
                                    + " tup_deleted, tup_fetched FROM pg_stat_database"
                                    + " WHERE datname = current_database()")) {
                r.next();
                for (int i = 0; i < db.length; i++) {
                    db[i] = r.getLong(i + 1);
                }
            }
            return new PgStats(
                    db[0],
                    db[1],
                    db[2],
                    db[3],
                    db[4],
                    single(c, "SELECT wal_bytes FROM pg_stat_wal"),
                    single(
                            c,
                            "SELECT buffers_checkpoint + buffers_clean + buffers_backend"
                                    + " FROM pg_stat_bgwriter"));
        }
    }

    /** This snapshot's counters minus {@code before}'s (-1 where either lacks one). */
    PgStats since(PgStats before) {
        return new PgStats(
                transactions - before.transactions,
                inserted - before.inserted,
                updated - before.updated,
                deleted - before.deleted,
                fetched - before.fetched,
                walBytes < 0 || before.walBytes < 0 ? -1 : walBytes - before.walBytes,
                blocksWritten < 0 || before.blocksWritten < 0
                        ? -1
                        : blocksWritten - before.blocksWritten);
    }

    /** One number, or -1 when this server has no such view or column. */
    private static long single(Connection c, String query) {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(query)) {
            return r.next() ? r.getLong(1) : -1;
        } catch (SQLException e) {
            return -1;
        }
    }
}

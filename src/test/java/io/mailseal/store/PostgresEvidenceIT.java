package io.mailseal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.evidence.ChainCheck;
import io.mailseal.evidence.EvidenceCertificates;
import io.mailseal.evidence.EvidenceStore.Entry;
import io.mailseal.evidence.Journal;
import io.mailseal.evidence.Outcome;
import io.mailseal.testing.LocalTsa;
import io.mailseal.testing.MutableClock;
import io.mailseal.testing.Postgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node's evidence chain in a real PostgreSQL: entries kept in position order per node and day,
 * many waiters sharing commits, and a commit that failed — the database away, or its answer lost
 * after the server committed — resumed from what {@code last()} finds stored.
 */
class PostgresEvidenceIT {
    private static final LocalDate MONDAY = LocalDate.of(2026, 11, 30);
    private static final LocalDate TUESDAY = MONDAY.plusDays(1);

    private static Postgres pg;
    private static Database db;

    @BeforeAll
    static void server() throws Exception {
        pg = Postgres.create();
        db = Database.open(DatabaseIT.config(pg), "a");
        db.migrate();
    }

    @AfterAll
    static void stop() {
        db.close();
        pg.close();
    }

    @BeforeEach
    void empty() throws Exception {
        sql("DELETE FROM evidence");
    }

    private static Entry entry(long position, LocalDate day) {
        return new Entry(position, day, "{\"seq\":\"" + position + "\",\"day\":\"" + day + "\"}");
    }

    @Test
    void entriesAreKeptPerNodeAndDayInPositionOrderAndADayIsDropped() throws Exception {
        PostgresEvidence a = new PostgresEvidence(db, "a");
        PostgresEvidence b = new PostgresEvidence(db, "b");
        assertThat(a.last()).isEmpty();
        a.awaitDurable(a.append(List.of(entry(0, MONDAY), entry(1, MONDAY))));
        a.awaitDurable(a.append(List.of(entry(2, TUESDAY))));
        b.awaitDurable(b.append(List.of(entry(0, TUESDAY))));

        assertThat(a.days()).containsExactly(MONDAY, TUESDAY);
        assertThat(a.read(MONDAY)).containsExactly(entry(0, MONDAY), entry(1, MONDAY));
        assertThat(a.read(TUESDAY)).containsExactly(entry(2, TUESDAY));
        assertThat(a.last()).contains(entry(2, TUESDAY));
        assertThat(b.last()).contains(entry(0, TUESDAY));
        assertThat(b.days()).containsExactly(TUESDAY);

        a.drop(MONDAY);
        assertThat(a.days()).containsExactly(TUESDAY);
        assertThat(a.read(MONDAY)).isEmpty();
        assertThat(b.read(TUESDAY)).as("another node's chain is not touched").hasSize(1);
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void appendedIsNotStoredUntilAwaitedAndAPositionIsNeverStoredTwice() throws Exception {
        PostgresEvidence a = new PostgresEvidence(db, "a");
        long token = a.append(List.of(entry(0, MONDAY)));
        assertThat(count()).as("append only queues").isZero();
        a.awaitDurable(token);
        assertThat(count()).isEqualTo(1);
        assertThatThrownBy(() -> a.awaitDurable(a.append(List.of(entry(0, MONDAY)))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("evidence commit");
        assertThat(a.read(MONDAY)).containsExactly(entry(0, MONDAY));
    }

    /**
     * Writers append in turn under one lock (as the Journal does) and wait outside it: all 200
     * entries are stored in order, in fewer commits than writers.
     */
    @Test
    void concurrentWaitersShareCommits() throws Exception {
        PostgresEvidence a = new PostgresEvidence(db, "a");
        Object journalLock = new Object();
        long[] next = {0};
        ExecutorService writers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                done.add(
                        writers.submit(
                                () -> {
                                    long token;
                                    synchronized (journalLock) {
                                        token = a.append(List.of(entry(next[0]++, MONDAY)));
                                    }
                                    a.awaitDurable(token);
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        List<Entry> stored = a.read(MONDAY);
        assertThat(stored).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(stored.get(i)).isEqualTo(entry(i, MONDAY));
        }
        assertThat(a.commits()).isLessThan(200);
    }

    @Test
    void theDatabaseAwayFailsTheCommitAndLastResumesWhereTheStoredChainEnds() throws Exception {
        PostgresEvidence a = new PostgresEvidence(db, "a");
        a.awaitDurable(a.append(List.of(entry(0, MONDAY))));
        pg.stop();
        try {
            long lost = a.append(List.of(entry(1, MONDAY)));
            long behind = a.append(List.of(entry(2, MONDAY))); // chained on the lost one
            assertThatThrownBy(() -> a.awaitDurable(lost)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> a.awaitDurable(behind)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> a.append(List.of(entry(3, MONDAY))))
                    .as("no append on top of what may be missing before the tail is read")
                    .hasMessageContaining("must be read again");
            assertThatThrownBy(a::last).isInstanceOf(IOException.class);
        } finally {
            pg.start();
        }
        assertThat(a.last()).contains(entry(0, MONDAY));
        a.awaitDurable(a.append(List.of(entry(1, MONDAY))));
        assertThat(a.read(MONDAY)).containsExactly(entry(0, MONDAY), entry(1, MONDAY));
    }

    /**
     * The server commits but the answer never arrives: a trigger holds the insert past the client's
     * socket timeout (5 × store.timeout), the client gives up, the server commits. The writer hears
     * a failure; the tail read again holds the entry, and the chain continues after it.
     */
    @Test
    void aCommitWhoseAnswerWasLostIsFoundByTheReadAndTheChainContinuesAfterIt() throws Exception {
        sql(
                "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.text LIKE '%\"seq\":\"1\"%' THEN PERFORM pg_sleep(7); END IF;"
                        + " RETURN NEW; END $$");
        sql(
                "CREATE TRIGGER slow_commit AFTER INSERT ON evidence FOR EACH ROW EXECUTE"
                        + " FUNCTION slow_commit()");
        try {
            PostgresEvidence a = new PostgresEvidence(db, "a");
            a.awaitDurable(a.append(List.of(entry(0, MONDAY))));
            long token = a.append(List.of(entry(1, MONDAY)));
            assertThatThrownBy(() -> a.awaitDurable(token)).isInstanceOf(IOException.class);
            assertThat(a.last()).as("committed though unheard").contains(entry(1, MONDAY));
            a.awaitDurable(a.append(List.of(entry(2, MONDAY))));
            assertThat(a.read(MONDAY))
                    .containsExactly(entry(0, MONDAY), entry(1, MONDAY), entry(2, MONDAY));
        } finally {
            sql("DROP TRIGGER slow_commit ON evidence");
            sql("DROP FUNCTION slow_commit()");
        }
    }

    /**
     * The journal over the database as a relay runs it: records over three days, anchored, the
     * oldest day pruned (after an anchor, the pruning itself a record) — the rest verifies, a
     * certificate its records name is in the shared table, and a journal opened again continues the
     * chain.
     */
    @Test
    void aJournalInTheDatabaseAnchorsPrunesAndVerifiesLikeTheFiles() throws Exception {
        MutableClock clock = new MutableClock(MONDAY.atStartOfDay(ZoneOffset.UTC).toInstant());
        LocalTsa tsa = new LocalTsa(clock);
        PostgresEvidence a = new PostgresEvidence(db, "a");
        Journal journal = new Journal(a, new PostgresCertificates(db), clock);
        for (int day = 0; day < 3; day++) {
            journal.record(
                    List.of(Outcome.of("accepted").with("to", "c" + day + "@customer.example")),
                    List.of(tsa.root()));
            journal.anchor(tsa);
            clock.advance(Duration.ofDays(1));
        }
        assertThat(journal.prune(TUESDAY, tsa)).isEqualTo(1);
        assertThat(a.days()).doesNotContain(MONDAY).contains(TUESDAY);
        ChainCheck.Result r = new ChainCheck(a, new TimestampVerifier(tsa.anchors())).verify(null);
        assertThat(r.broken()).isEmpty();
        assertThat(r.anchors()).isEqualTo(2);
        assertThat(new PostgresCertificates(db).pem(EvidenceCertificates.fingerprint(tsa.root())))
                .hasValueSatisfying(pem -> assertThat(pem).startsWith("-----BEGIN CERTIFICATE"));

        long stored = count();
        new Journal(a, new PostgresCertificates(db), clock)
                .record(List.of(Outcome.of("accepted").with("to", "d@x")), List.of());
        assertThat(count()).isEqualTo(stored + 1);
        assertThat(new ChainCheck(a, new TimestampVerifier(tsa.anchors())).verify(null).broken())
                .isEmpty();
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long count() throws Exception {
        try (Connection c = pg.connect();
                ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM evidence")) {
            r.next();
            return r.getLong(1);
        }
    }
}

package io.mailseal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.certs.Harvest;
import io.mailseal.certs.Lookup;
import io.mailseal.certs.SenderCapabilities;
import io.mailseal.config.StoreConfig;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harvest store in a real PostgreSQL: stored, replaced, looked up; unavailable (never "not
 * found") while the database is away; every node told of a change within a second, a missed
 * notification found by the re-check; a harvest the database could not take kept on disk and moved
 * in when it is back.
 */
class PostgresHarvestIT {
    private static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "shared harvest test CA");
    private static Postgres pg;
    private static Database db;

    @TempDir Path dir;

    @BeforeAll
    static void server() throws Exception {
        pg = Postgres.create();
        db = Database.open(config(Duration.ofSeconds(30)), "node-a");
        db.migrate();
    }

    @AfterAll
    static void stop() {
        db.close();
        pg.close();
    }

    static StoreConfig config(Duration recheck) {
        StoreConfig c = DatabaseIT.config(pg);
        return new StoreConfig(
                c.type(),
                c.url(),
                c.user(),
                c.password(),
                c.poolSize(),
                c.node(),
                c.timeout(),
                recheck);
    }

    private static X509Certificate customer(String address) {
        return PKI.customer(address, KeyKind.RSA).certificate();
    }

    @Test
    void aHarvestIsStoredReplacedAndFoundWithItsCapabilitiesAndNotifiesInTheSameTransaction()
            throws Exception {
        PostgresHarvest store = PostgresHarvest.direct(db, Clock.systemUTC());
        String address = "carol@customer.example";
        assertThat(store.lookup(address)).isEqualTo(new Lookup.NotFound());
        SenderCapabilities caps =
                new SenderCapabilities(List.of("2.16.840.1.101.3.4.1.46", "1.2.840.113549.1.1.7"));
        X509Certificate first = customer(address);
        store.store(
                new Harvest(
                        "Carol@Customer.example",
                        List.of(first, PKI.ca().certificate()),
                        Optional.of(caps)));
        assertThat(store.lookup("CAROL@customer.example"))
                .isEqualTo(new Lookup.Found(List.of(first, PKI.ca().certificate())));
        assertThat(store.capabilities(address)).contains(caps);
        long change = row(address).change();
        assertThat(row(address).storedBy()).isEqualTo("node-a");

        X509Certificate renewed = customer(address);
        store.store(new Harvest(address, List.of(renewed), Optional.empty()));
        assertThat(store.lookup(address)).isEqualTo(new Lookup.Found(List.of(renewed)));
        assertThat(store.capabilities(address)).as("they were the old client's").isEmpty();
        assertThat(row(address).change()).isGreaterThan(change);
    }

    @Test
    void aNotificationReachesAnotherNodeWithinASecondAndTheRecheckFindsAMissedOne()
            throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (Database other = Database.open(config(Duration.ofMillis(700)), "node-b");
                HarvestChanges changes =
                        new HarvestChanges(other, Duration.ofMillis(700), heard::addAll, () -> {})
                                .start()) {
            Eventually.await(
                    "node b listens", Duration.ofSeconds(10), () -> changes.problem().isEmpty());
            String address = "dave@customer.example";
            long start = System.nanoTime();
            PostgresHarvest.direct(db, Clock.systemUTC())
                    .store(new Harvest(address, List.of(customer(address)), Optional.empty()));
            Eventually.await("notified", Duration.ofSeconds(1), () -> heard.contains(address));
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(1));

            // a writer that does not notify (as a notification lost with a connection would be)
            String missed = "erin@customer.example";
            try (Connection c = pg.connect();
                    PreparedStatement s =
                            c.prepareStatement(
                                    "INSERT INTO harvest (address, certificates, stored_by)"
                                            + " VALUES (?, 'x', 'elsewhere')")) {
                s.setString(1, missed);
                s.executeUpdate();
            }
            Eventually.await(
                    "the re-check finds it", Duration.ofSeconds(3), () -> heard.contains(missed));
        }
    }

    @Test
    void
            whileTheDatabaseIsAwayLookupsAreUnavailableWithinTheTimeoutAndHarvestsWaitOnDiskUntilItIsBack()
                    throws Exception {
        Set<String> heard = ConcurrentHashMap.newKeySet();
        Path pendingDir = dir.resolve("harvest-pending");
        try (Database node = Database.open(config(Duration.ofSeconds(30)), "node-p")) {
            PostgresHarvest store =
                    PostgresHarvest.keepingPending(node, pendingDir, Clock.systemUTC());
            try (HarvestChanges changes =
                    new HarvestChanges(
                                    node,
                                    Duration.ofSeconds(30),
                                    heard::addAll,
                                    store::databaseAnswers)
                            .start()) {
                Eventually.await(
                        "listening", Duration.ofSeconds(10), () -> changes.problem().isEmpty());
                String frank = "frank@customer.example";
                String grace = "grace@customer.example";
                X509Certificate old = customer(frank);
                store.store(new Harvest(frank, List.of(old), Optional.empty()));
                pg.stop();
                try {
                    long start = System.nanoTime();
                    Lookup away = store.lookup("nobody@customer.example");
                    assertThat(Duration.ofNanos(System.nanoTime() - start))
                            .as("within store.timeout (1 s), one retry on a lost connection")
                            .isLessThan(Duration.ofMillis(2500));
                    assertThat(away).isInstanceOf(Lookup.Unavailable.class);
                    assertThat(((Lookup.Unavailable) away).reason()).startsWith("shared store: ");
                    Eventually.value(
                            "the listener notices",
                            Duration.ofSeconds(10),
                            changes::problem,
                            Optional::isPresent);
                    assertThat(changes.problem().get())
                            .startsWith("shared store does not answer: ");

                    X509Certificate newer = customer(frank);
                    store.store(new Harvest(frank, List.of(newer), Optional.empty()));
                    store.store(new Harvest(grace, List.of(customer(grace)), Optional.empty()));
                    assertThat(store.pendingCount()).isEqualTo(2);
                    assertThat(store.lookup(frank))
                            .as("this node serves what it keeps")
                            .isEqualTo(new Lookup.Found(List.of(newer)));
                    try (var files = Files.list(pendingDir)) {
                        assertThat(files.map(f -> f.getFileName().toString()))
                                .containsExactlyInAnyOrder(
                                        "frank@customer.example.pending",
                                        "grace@customer.example.pending");
                    }
                    pg.start();
                    Eventually.await(
                            "moved in", Duration.ofSeconds(10), () -> store.pendingCount() == 0);
                    assertThat(changes.problem()).isEmpty();
                    assertThat(PostgresHarvest.direct(db, Clock.systemUTC()).lookup(frank))
                            .isEqualTo(new Lookup.Found(List.of(newer)));
                    assertThat(row(grace).storedBy()).isEqualTo("node-p");
                    Eventually.await(
                            "others told", Duration.ofSeconds(2), () -> heard.contains(grace));
                } finally {
                    if (!accepting()) {
                        pg.start();
                    }
                }
            }
        }
    }

    @Test
    void anOlderPendingHarvestDoesNotReplaceANewerOneFromAnotherNode() throws Exception {
        String address = "heidi@customer.example";
        X509Certificate newer = customer(address);
        PostgresHarvest.direct(db, Clock.systemUTC())
                .store(new Harvest(address, List.of(newer), Optional.empty()));
        Path pendingDir = dir.resolve("harvest-pending");
        new PendingHarvests(pendingDir)
                .keep(
                        new Harvest(address, List.of(customer(address)), Optional.empty()),
                        Instant.now().minusSeconds(3600));
        PostgresHarvest store = PostgresHarvest.keepingPending(db, pendingDir, Clock.systemUTC());
        assertThat(store.pendingCount()).isEqualTo(1);
        store.databaseAnswers();
        assertThat(store.pendingCount()).isZero();
        assertThat(store.lookup(address)).isEqualTo(new Lookup.Found(List.of(newer)));
    }

    @Test
    void aCommandsHarvestTheDatabaseCannotTakeIsAnError() throws Exception {
        StoreConfig c = DatabaseIT.config(pg);
        StoreConfig nowhere =
                new StoreConfig(
                        c.type(),
                        "jdbc:postgresql://127.0.0.1:"
                                + io.mailseal.testing.LoopbackPorts.free()
                                + "/mailseal",
                        c.user(),
                        c.password(),
                        1,
                        c.node(),
                        Duration.ofMillis(500),
                        c.recheckInterval());
        try (Database away = Database.open(nowhere, "node-x")) {
            String address = "ivan@customer.example";
            assertThatThrownBy(
                            () ->
                                    PostgresHarvest.direct(away, Clock.systemUTC())
                                            .store(
                                                    new Harvest(
                                                            address,
                                                            List.of(customer(address)),
                                                            Optional.empty())))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("shared store: ");
        }
    }

    record Row(String storedBy, long change, Instant storedAt) {}

    private static Row row(String address) throws Exception {
        try (Connection c = pg.connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT stored_by, change, stored_at FROM harvest WHERE address = ?")) {
            s.setString(1, address);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("a row for " + address).isTrue();
                return new Row(
                        r.getString(1),
                        r.getLong(2),
                        r.getObject(3, java.time.OffsetDateTime.class)
                                .atZoneSameInstant(ZoneOffset.UTC)
                                .toInstant());
            }
        }
    }

    private static boolean accepting() {
        try (Connection c = pg.connect()) {
            return c.isValid(1);
        } catch (Exception e) {
            return false;
        }
    }
}
